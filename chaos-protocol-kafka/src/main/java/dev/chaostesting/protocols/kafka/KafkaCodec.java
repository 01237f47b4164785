package dev.chaostesting.protocols.kafka;

import dev.chaostesting.protocols.kafka.internal.Detector;
import dev.chaostesting.protocols.kafka.internal.KafkaDecoder;
import dev.chaostesting.protocols.kafka.internal.KafkaFaultSpec;
import dev.chaostesting.protocols.kafka.internal.KafkaInline;
import dev.chaostesting.protocols.kafka.internal.TopicNames;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.InlineCodec;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kafka wire protocol in clear text (PLAINTEXT and SASL_PLAINTEXT listeners), decoded with kafka-clients' own
 * protocol classes: every API key and version they parse, requests and responses paired by correlation id, Produce and
 * Fetch down to their records, SASL tokens never stored. Recognised by the client's first frame. TLS listeners are not
 * recognised and are recorded as raw TCP.
 *
 * <p>In line ({@link InlineCodec}), the broker addresses responses name are replaced by listeners of the interceptor
 * (so that clients keep every connection through it), and protocol faults ({@link KafkaFaults#requestError}) answer
 * matching requests with error responses in place of the broker. See {@code docs/protocols/kafka.md}.
 */
public final class KafkaCodec implements ProtocolCodec, InlineCodec {

    /** Topic ids learned from the responses of every connection of this codec (Produce and Fetch name topics by id). */
    private final TopicNames topicNames = new TopicNames();

    /**
     * The interceptor's listener for each broker address, asked once: the connections of that listener then see their
     * own address in responses and keep it. (A codec instance serves one interceptor.)
     */
    private final Map<InetSocketAddress, InetSocketAddress> listeners = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Set<Integer> portHints() {
        return Set.of(9092);
    }

    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        return side == Side.CLIENT ? Detector.detect(firstBytes) : Detection.NO_MATCH;
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new KafkaDecoder(context, topicNames);
    }

    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return new KafkaInline(context, topicNames, broker -> listenerFor(context, broker));
    }

    private InetSocketAddress listenerFor(InlineContext context, InetSocketAddress broker) {
        if (listeners.containsValue(broker)) {
            return broker; // already one of ours
        }
        return listeners.computeIfAbsent(broker, context::listenerFor);
    }

    /**
     * A Kafka fault: {@code {"match": {"apiKeys": ["PRODUCE", "FETCH"], "topic": "orders*"}, "error":
     * "NOT_LEADER_OR_FOLLOWER"}}: {@code apiKeys} required (names of kafka-clients' {@code ApiKeys}); {@code topic} a
     * glob, for PRODUCE and FETCH only; {@code error} a name of kafka-clients' {@code Errors} (default
     * NOT_LEADER_OR_FOLLOWER).
     */
    @Override
    public void checkFault(Map<String, Object> spec) {
        KafkaFaultSpec.check(spec);
    }
}
