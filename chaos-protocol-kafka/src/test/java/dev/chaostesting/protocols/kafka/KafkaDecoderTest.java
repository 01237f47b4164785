package dev.chaostesting.protocols.kafka;

import static dev.chaostesting.protocols.kafka.Recorded.apiKey;
import static dev.chaostesting.protocols.kafka.Recorded.request;
import static dev.chaostesting.protocols.kafka.Recorded.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.JsonLines;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.junit.jupiter.api.Test;

class KafkaDecoderTest {

    private static final int MAX_BODY = 1 << 20;

    @Test
    void pipelined_requests_are_paired_with_their_responses_by_correlation_id() {
        var a = Wire.header(ApiKeys.API_VERSIONS, 3, 7);
        var b = Wire.header(ApiKeys.METADATA, 12, 8);
        var metadata = new MetadataResponseData();
        metadata.brokers()
                .add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(1)
                        .setHost("broker-1")
                        .setPort(9092));
        metadata.topics()
                .add(new MetadataResponseData.MetadataResponseTopic()
                        .setName("orders")
                        .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
        var wire = new Wire()
                .client(a, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .client(
                        b,
                        new MetadataRequest(
                                new MetadataRequestData()
                                        .setTopics(List.of(
                                                new MetadataRequestData.MetadataRequestTopic().setName("orders"))),
                                (short) 12))
                // Answered in the other order: pairing is by correlation id, not by position.
                .server(b, metadata)
                .server(a, new ApiVersionsResponseData());

        var recorded = Replay.runAllWays(wire.chunks(), MAX_BODY);

        assertThat(recorded).extracting(Recorded::apiKey).containsExactly("METADATA", "API_VERSIONS");
        var first = recorded.get(0);
        assertThat(request(first, "apiVersion")).isEqualTo(12);
        assertThat(request(first, "correlationId")).isEqualTo(8);
        assertThat(request(first, "clientId")).isEqualTo("test-client");
        assertThat(request(first, "topics")).isEqualTo(List.of(Map.of("topic", "orders", "partitions", List.of())));
        assertThat(response(first, "errorCodes"))
                .isEqualTo(List.of(Map.of("topic", "orders", "code", 3, "error", "UNKNOWN_TOPIC_OR_PARTITION")));
        assertThat(first.timeToFirstByteMicros()).isEqualTo(1000);
        assertThat(first.requestBytes())
                .isEqualTo(Wire.request(
                                b,
                                new MetadataRequest(
                                        new MetadataRequestData()
                                                .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic()
                                                        .setName("orders"))),
                                        (short) 12))
                        .length);
        assertThat(recorded.get(1).error()).isNull();
    }

    @Test
    void produce_records_are_decoded_from_every_compression_within_bounds() {
        for (var compression : List.of(
                Compression.NONE,
                Compression.gzip().build(),
                Compression.snappy().build(),
                Compression.lz4().build(),
                Compression.zstd().build())) {
            var header = Wire.header(ApiKeys.PRODUCE, 12, 1);
            var produce = Wire.produce("orders", (short) -1, Wire.records(compression, "v".repeat(20), 150), 12);
            var recorded = Replay.runAllWays(new Wire().client(header, produce).chunks(), 8);

            assertThat(recorded).hasSize(1);
            var interaction = recorded.get(0);
            assertThat(interaction.error()).as("no response came").isEqualTo("connection closed before the response");
            var partition = (Map<?, ?>) ((List<?>)
                            ((Map<?, ?>) ((List<?>) request(interaction, "topics")).get(0)).get("partitions"))
                    .get(0);
            assertThat(partition.get("recordCount")).isEqualTo(150L);
            var records = (List<?>) partition.get("records");
            assertThat(records).as(compression.type().name).hasSize(100);
            var record = (Map<?, ?>) records.get(3);
            assertThat(record.get("offset")).isEqualTo(3L);
            assertThat(record.get("timestamp")).isEqualTo(1_700_000_000_003L);
            assertThat(record.get("key")).isEqualTo(Body.ofText("key-3"));
            var value = (Body) record.get("value");
            assertThat(value.truncated()).isTrue();
            assertThat(value.size()).isEqualTo(22);
            assertThat(value.text()).isEqualTo("vvvvvvvv");
            assertThat(record.get("headers")).isEqualTo(List.of(Map.of("key", "trace", "value", Body.ofText("t3"))));
        }
    }

    @Test
    void produce_with_acks_zero_is_recorded_at_once_without_a_response() {
        var header = Wire.header(ApiKeys.PRODUCE, 12, 1);
        var produce = Wire.produce("orders", (short) 0, Wire.records(Compression.NONE, "fire", 1), 12);
        var after = Wire.header(ApiKeys.API_VERSIONS, 3, 2);
        var wire = new Wire()
                .client(header, produce)
                .client(after, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .server(after, new ApiVersionsResponseData());

        var recorded = Replay.runAllWays(wire.chunks(), MAX_BODY);

        assertThat(recorded).extracting(Recorded::apiKey).containsExactly("PRODUCE", "API_VERSIONS");
        assertThat(recorded.get(0).response()).isNull();
        assertThat(recorded.get(0).error()).isNull();
        assertThat(Recorded.producedValues(recorded)).containsExactly("fire-0");
    }

    @Test
    void sasl_authentication_bytes_are_never_stored() throws Exception {
        var secret = "\0alice\0s3cr3t-passw0rd";
        var handshake = Wire.header(ApiKeys.SASL_HANDSHAKE, 1, 1);
        var authenticate = Wire.header(ApiKeys.SASL_AUTHENTICATE, 2, 2);
        var wire = new Wire()
                .client(
                        handshake,
                        new SaslHandshakeRequest(new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 1))
                .server(handshake, new SaslHandshakeResponseData().setMechanisms(List.of("PLAIN")))
                .client(
                        authenticate,
                        new SaslAuthenticateRequest(
                                new SaslAuthenticateRequestData().setAuthBytes(secret.getBytes(StandardCharsets.UTF_8)),
                                (short) 2))
                .server(
                        authenticate,
                        new SaslAuthenticateResponseData()
                                .setAuthBytes("server-s3cr3t".getBytes(StandardCharsets.UTF_8)));

        var recorded = Replay.runAllWays(wire.chunks(), MAX_BODY);

        assertThat(recorded).extracting(Recorded::apiKey).containsExactly("SASL_HANDSHAKE", "SASL_AUTHENTICATE");
        assertThat(((Map<?, ?>) request(recorded.get(1), "data")).get("authBytes"))
                .isEqualTo("<redacted>");
        assertThat(((Map<?, ?>) response(recorded.get(1), "data")).get("authBytes"))
                .isEqualTo("<redacted>");
        assertThat(((Map<?, ?>) request(recorded.get(0), "data")).get("mechanism"))
                .isEqualTo("PLAIN");
        assertThat(json(recorded)).doesNotContain("s3cr3t").doesNotContain("YWxpY2");
    }

    @Test
    void sasl_tokens_after_a_version_0_handshake_are_recorded_redacted_and_kafka_resumes_after() throws Exception {
        var handshake = new org.apache.kafka.common.requests.RequestHeader(ApiKeys.SASL_HANDSHAKE, (short) 0, "app", 1);
        var token = "\0alice\0s3cr3t-passw0rd".getBytes(StandardCharsets.UTF_8);
        var next = new org.apache.kafka.common.requests.RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "app", 2);
        var wire = new Wire()
                .client(
                        handshake,
                        new SaslHandshakeRequest(new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 0))
                .server(handshake, new SaslHandshakeResponseData().setMechanisms(List.of("PLAIN")))
                .client(Wire.withLength(ByteBuffer.wrap(token)))
                .server(Wire.withLength(ByteBuffer.allocate(0)))
                .client(next, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .server(next, new ApiVersionsResponseData());

        var recorded = Replay.runAllWays(wire.chunks(), MAX_BODY);

        assertThat(recorded).hasSize(3);
        assertThat(request(recorded.get(1), "saslToken")).isEqualTo("<redacted>");
        assertThat(response(recorded.get(1), "saslToken")).isEqualTo("<redacted>");
        assertThat(apiKey(recorded.get(2))).isEqualTo("API_VERSIONS");
        assertThat(recorded.get(2).attributes()).isEmpty();
        assertThat(json(recorded)).doesNotContain("s3cr3t");
    }

    @Test
    void when_decoding_stops_during_authentication_the_rest_is_counted_but_never_stored() throws Exception {
        var handshake = Wire.header(ApiKeys.SASL_HANDSHAKE, 1, 1);
        var garbage = ByteBuffer.allocate(8).putInt(-5).putInt(0x00616c69).array();
        var secret = "\0alice\0s3cr3t-passw0rd".getBytes(StandardCharsets.UTF_8);
        var wire = new Wire()
                .client(
                        handshake,
                        new SaslHandshakeRequest(new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 1))
                .server(handshake, new SaslHandshakeResponseData().setMechanisms(List.of("PLAIN")))
                .client(garbage)
                .client(secret)
                .server(new byte[] {0, 0, 0, 0});

        var recorded = Replay.runAllWays(wire.chunks(), MAX_BODY);

        assertThat(recorded).extracting(Interaction::protocol).containsExactly("kafka", "kafka");
        var sealed = recorded.get(1);
        assertThat(request(sealed, "raw")).isEqualTo("<redacted>");
        assertThat(response(sealed, "raw")).isEqualTo("<redacted>");
        assertThat(sealed.requestBytes()).isEqualTo(garbage.length + secret.length);
        assertThat(sealed.responseBytes()).isEqualTo(4);
        assertThat(sealed.attributes().get("decodeError")).isEqualTo("frame length: -5 (expected: 0 to 104857600)");
        assertThat(json(recorded)).doesNotContain("s3cr3t").doesNotContain("alice");
    }

    @Test
    void secret_configuration_values_are_redacted() throws Exception {
        var header = Wire.header(ApiKeys.ALTER_CONFIGS, 2, 1);
        var data = new AlterConfigsRequestData();
        var resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType((byte) 4)
                .setResourceName("0");
        resource.configs()
                .add(new AlterConfigsRequestData.AlterableConfig()
                        .setName("listener.name.external.ssl.key.password")
                        .setValue("hunter2-secret"));
        resource.configs()
                .add(new AlterConfigsRequestData.AlterableConfig()
                        .setName("log.retention.ms")
                        .setValue("1000"));
        data.resources().add(resource);
        var recorded = Replay.runAllWays(
                new Wire()
                        .client(header, new AlterConfigsRequest(data, (short) 2))
                        .chunks(),
                MAX_BODY);

        var text = json(recorded);
        assertThat(text)
                .doesNotContain("hunter2")
                .contains("<redacted>")
                .contains("log.retention.ms")
                .contains("1000");
    }

    @Test
    void unknown_api_keys_and_versions_are_recorded_raw_with_the_reason_and_decoding_goes_on() {
        var unknownKey = ByteBuffer.allocate(4 + 14)
                .putInt(14)
                .putShort((short) 999)
                .putShort((short) 0)
                .putInt(5)
                .putShort((short) 2)
                .put("ab".getBytes(StandardCharsets.UTF_8))
                .putShort((short) 0)
                .array();
        var unknownVersion = ByteBuffer.allocate(4 + 14)
                .putInt(14)
                .putShort(ApiKeys.METADATA.id)
                .putShort((short) 99)
                .putInt(6)
                .putShort((short) 2)
                .put("ab".getBytes(StandardCharsets.UTF_8))
                .putShort((short) 0)
                .array();
        var reply = ByteBuffer.allocate(4 + 6)
                .putInt(6)
                .putInt(5)
                .putShort((short) 35)
                .array();
        var next = Wire.header(ApiKeys.API_VERSIONS, 3, 7);
        var first = Wire.header(ApiKeys.API_VERSIONS, 3, 4);
        var wire = new Wire()
                .client(first, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .server(first, new ApiVersionsResponseData())
                .client(unknownKey)
                .server(reply)
                .client(unknownVersion)
                .client(next, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .server(next, new ApiVersionsResponseData());

        var recorded = Replay.runAllWays(wire.chunks(), MAX_BODY);

        assertThat(recorded).extracting(Interaction::protocol).containsOnly("kafka");
        assertThat(recorded)
                .extracting(Recorded::apiKey)
                .containsExactly("API_VERSIONS", "UNKNOWN_999", "API_VERSIONS", "METADATA");
        recorded = recorded.subList(1, recorded.size());
        var unknown = recorded.get(0);
        assertThat(unknown.attributes().get("decodeError")).startsWith("request not decoded: ");
        assertThat(request(unknown, "correlationId")).isEqualTo(5);
        assertThat(request(unknown, "raw")).isEqualTo(Body.of(Arrays.copyOfRange(unknownKey, 4, 18)));
        assertThat(response(unknown, "raw")).isEqualTo(Body.of(Arrays.copyOfRange(reply, 4, 10)));
        assertThat(recorded.get(1).attributes()).isEmpty();
        assertThat(recorded.get(2).attributes().get("decodeError")).contains("request not decoded");
        assertThat(recorded.get(2).error()).isEqualTo("connection closed before the response");
    }

    @Test
    void a_frame_length_beyond_the_limit_fails_open_and_keeps_every_byte_as_raw_tcp() {
        var header = Wire.header(ApiKeys.API_VERSIONS, 3, 1);
        var huge = ByteBuffer.allocate(8).putInt(200 << 20).putInt(0x01020304).array();
        var wire = new Wire()
                .client(header, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .server(header, new ApiVersionsResponseData())
                .client(huge);

        var recorded = Replay.runAllWays(wire.chunks(), MAX_BODY);

        assertThat(recorded).extracting(Interaction::protocol).containsExactly("kafka", "tcp");
        var raw = recorded.get(1);
        assertThat(raw.attributes().get("decodeError")).isEqualTo("frame length: 209715200 (expected: 0 to 104857600)");
        assertThat(((dev.chaostesting.model.TcpData) raw.request()).data().bytes())
                .isEqualTo(huge);
    }

    @Test
    void a_response_that_matches_no_request_is_recorded_raw() {
        var header = Wire.header(ApiKeys.API_VERSIONS, 3, 42);
        var recorded = Replay.runAllWays(
                new Wire().server(header, new ApiVersionsResponseData()).chunks(), MAX_BODY);
        // A server speaking first is not a Kafka client's first frame: nothing claims the connection.
        assertThat(recorded).extracting(Interaction::protocol).containsOnly("tcp");

        var other = Wire.header(ApiKeys.API_VERSIONS, 3, 1);
        recorded = Replay.runAllWays(
                new Wire()
                        .client(other, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                        .server(header, new ApiVersionsResponseData())
                        .chunks(),
                MAX_BODY);
        assertThat(recorded).hasSize(2);
        assertThat(recorded.get(0).attributes().get("decodeError"))
                .isEqualTo("response with correlation id 42 matches no request");
        assertThat(response(recorded.get(0), "correlationId")).isEqualTo(42);
        assertThat(recorded.get(1).error()).isEqualTo("connection closed before the response");
    }

    static String json(List<Interaction> interactions) throws Exception {
        var out = new ByteArrayOutputStream();
        JsonLines.write(interactions.iterator(), out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
