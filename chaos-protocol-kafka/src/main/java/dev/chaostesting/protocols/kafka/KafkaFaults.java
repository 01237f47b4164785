package dev.chaostesting.protocols.kafka;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.protocols.kafka.internal.Frames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.jspecify.annotations.Nullable;

/**
 * Error responses a broker could have sent, for protocol faults: given a request (its header and the parsed request),
 * a response frame answering it with chosen error codes, serialised with the right response header version and the
 * request's correlation id. Frames are returned without the 4-byte length prefix.
 *
 * <p>And the protocol faults that use them in line ({@link #requestError}, {@link #produceError}, {@link #fetchError}):
 * matching requests are answered with such a response in place of the broker, which never sees them.
 */
public final class KafkaFaults {

    /** Chooses the error for one partition of a request. */
    @FunctionalInterface
    public interface PartitionErrors {
        /**
         * @param topic the topic's name, or its id (base64 UUID) when the request names topics by id only
         * @param partition the partition index
         */
        Errors errorFor(String topic, int partition);
    }

    private KafkaFaults() {}

    /**
     * A protocol fault: requests with one of {@code apiKeys} (and, for PRODUCE and FETCH, naming a topic matching
     * {@code topicGlob}, {@code *} any characters, {@code ?} one; null for any) are answered with {@code error} in
     * place of the broker: every partition of a Produce, the matching partitions of a Fetch (the others return no
     * records), elsewhere wherever the response carries an error code. Named {@code kafka_<error>}. Needs the
     * interceptor in line ({@code Interceptor.protocolFaults()}).
     *
     * @throws IllegalArgumentException for a topic glob with API keys other than PRODUCE and FETCH, or NONE
     */
    public static Fault requestError(List<ApiKeys> apiKeys, @Nullable String topicGlob, Errors error) {
        var names = new ArrayList<String>();
        for (var key : apiKeys) {
            names.add(key.name());
        }
        var match = new LinkedHashMap<String, Object>();
        match.put("apiKeys", List.copyOf(names));
        if (topicGlob != null) {
            match.put("topic", topicGlob);
        }
        Map<String, Object> spec = Map.of("match", match, "error", error.name());
        dev.chaostesting.protocols.kafka.internal.KafkaFaultSpec.check(spec);
        return Faults.protocol("kafka", spec).named("kafka_" + error.name());
    }

    /** Produce requests for matching topics answered with {@code error} on every partition (e.g. NOT_LEADER_OR_FOLLOWER). */
    public static Fault produceError(String topicGlob, Errors error) {
        return requestError(List.of(ApiKeys.PRODUCE), topicGlob, error);
    }

    /** Fetch requests naming matching topics answered with {@code error} on those topics' partitions. */
    public static Fault fetchError(String topicGlob, Errors error) {
        return requestError(List.of(ApiKeys.FETCH), topicGlob, error);
    }

    /**
     * The request answered with {@code error} everywhere an error code goes (every partition, group, transaction...),
     * as kafka-clients' {@code AbstractRequest.getErrorResponse} builds it. Empty for a Produce with {@code acks=0},
     * which a broker never answers.
     */
    public static Optional<ByteBuffer> errorResponse(RequestHeader header, AbstractRequest request, Errors error) {
        checkMatches(header, request);
        if (request instanceof ProduceRequest produce && produce.acks() == 0) {
            return Optional.empty();
        }
        var response = request.getErrorResponse(0, error.exception());
        return Optional.of(Frames.response(header, response.data()));
    }

    /**
     * A Produce or Fetch request answered partition by partition: each partition gets the error {@code errors} chooses
     * for it ({@link Errors#NONE} included: a Produce partition then looks stored at an unknown offset, a Fetch
     * partition returns no records). Empty for a Produce with {@code acks=0}.
     *
     * @throws IllegalArgumentException for other API keys (use {@link #errorResponse(RequestHeader, AbstractRequest,
     *     Errors)})
     */
    public static Optional<ByteBuffer> partitionErrorResponse(
            RequestHeader header, AbstractRequest request, PartitionErrors errors) {
        checkMatches(header, request);
        Objects.requireNonNull(errors, "errors");
        if (request.data() instanceof ProduceRequestData produce) {
            if (produce.acks() == 0) {
                return Optional.empty();
            }
            var response = new ProduceResponseData();
            for (var topic : produce.topicData()) {
                var out = new ProduceResponseData.TopicProduceResponse()
                        .setName(topic.name())
                        .setTopicId(topic.topicId());
                for (var p : topic.partitionData()) {
                    var error = errors.errorFor(topicKey(topic.name(), topic.topicId()), p.index());
                    out.partitionResponses()
                            .add(new ProduceResponseData.PartitionProduceResponse()
                                    .setIndex(p.index())
                                    .setErrorCode(error.code())
                                    .setErrorMessage(error == Errors.NONE ? null : error.message())
                                    .setBaseOffset(-1)
                                    .setLogAppendTimeMs(-1)
                                    .setLogStartOffset(-1));
                }
                response.responses().add(out);
            }
            return Optional.of(Frames.response(header, response));
        }
        if (request.data() instanceof FetchRequestData fetch) {
            var response =
                    new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(fetch.sessionId());
            for (var topic : fetch.topics()) {
                var out = new FetchResponseData.FetchableTopicResponse()
                        .setTopic(topic.topic())
                        .setTopicId(topic.topicId());
                for (var p : topic.partitions()) {
                    var error = errors.errorFor(topicKey(topic.topic(), topic.topicId()), p.partition());
                    out.partitions()
                            .add(new FetchResponseData.PartitionData()
                                    .setPartitionIndex(p.partition())
                                    .setErrorCode(error.code())
                                    .setHighWatermark(-1)
                                    .setLastStableOffset(-1)
                                    .setLogStartOffset(-1)
                                    .setRecords(MemoryRecords.EMPTY));
                }
                response.responses().add(out);
            }
            return Optional.of(Frames.response(header, response));
        }
        throw new IllegalArgumentException(
                "api key: " + header.apiKey() + " (expected: PRODUCE or FETCH for errors per partition)");
    }

    private static String topicKey(String name, Uuid id) {
        return name != null && !name.isEmpty() ? name : id.toString();
    }

    private static void checkMatches(RequestHeader header, AbstractRequest request) {
        if (header.apiKey() != request.apiKey() || header.apiVersion() != request.version()) {
            throw new IllegalArgumentException("request: " + request.apiKey() + " v" + request.version()
                    + " (expected: " + header.apiKey() + " v" + header.apiVersion() + " as in the header)");
        }
    }
}
