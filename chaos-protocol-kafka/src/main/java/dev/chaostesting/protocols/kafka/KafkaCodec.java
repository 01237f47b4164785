package dev.chaostesting.protocols.kafka;

import dev.chaostesting.protocols.kafka.internal.Detector;
import dev.chaostesting.protocols.kafka.internal.KafkaDecoder;
import dev.chaostesting.protocols.kafka.internal.TopicNames;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The Kafka wire protocol in clear text (PLAINTEXT and SASL_PLAINTEXT listeners), decoded with kafka-clients' own
 * protocol classes: every API key and version they parse, requests and responses paired by correlation id, Produce and
 * Fetch down to their records, SASL tokens never stored. Recognised by the client's first frame. TLS listeners are not
 * recognised and are recorded as raw TCP. See {@code docs/protocols/kafka.md}.
 */
public final class KafkaCodec implements ProtocolCodec {

    /** Topic ids learned from the responses of every connection of this codec (Produce and Fetch name topics by id). */
    private final TopicNames topicNames = new TopicNames();

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
}
