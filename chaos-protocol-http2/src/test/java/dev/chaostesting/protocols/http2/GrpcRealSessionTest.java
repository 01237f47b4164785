package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real grpc-java client and server on loopback: through the proxy, and replayed from a relay's bytes. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrpcRealSessionTest {

    static final List<String> EXPECTED = List.of(
            "hello world",
            "hello zipped zipped zipped zipped",
            "item 0;item 1;item 2;item 3;item 4",
            "a,b,c",
            "echo x;echo y;echo z",
            "NOT_FOUND: no item named 'missing' (été 100%)",
            "hello large " + GrpcCalls.LARGE + " true");

    private EchoService service;

    @BeforeEach
    void start() throws Exception {
        service = new EchoService();
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
    }

    @Test
    void calls_through_the_proxy_give_the_client_the_same_results_and_are_recorded_as_grpc() throws Exception {
        assertThat(GrpcCalls.run(service.port())).isEqualTo(EXPECTED);
        try (var proxy = Interceptor.onPort(service.port()).record().start()) {
            assertThat(GrpcCalls.run(proxy.port())).isEqualTo(EXPECTED);
            assertThat(proxy.recording().awaitCount(7, Duration.ofSeconds(30))).isTrue();
            checkSchemaless(proxy.recording().interactions());
        }
    }

    @Test
    void a_recording_directory_holds_the_grpc_fields_and_reads_back(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var rec = dir.resolve("rec");
        try (var proxy = Interceptor.onPort(service.port()).recordTo(rec).start()) {
            assertThat(GrpcCalls.run(proxy.port())).isEqualTo(EXPECTED);
            assertThat(proxy.recording().awaitCount(7, Duration.ofSeconds(30))).isTrue();
        }
        var read = dev.chaostesting.recording.Recording.open(rec).interactions();
        assertThat(read).hasSize(7).extracting(Interaction::protocol).containsOnly("grpc");
        assertThat(read)
                .extracting(i -> field(i, true, "method"))
                .containsExactly("Unary", "Unary", "ServerStream", "ClientStream", "Bidi", "Unary", "Unary");
        assertThat(read)
                .extracting(i -> ((Number) field(i, false, "status")).intValue())
                .containsExactly(0, 0, 0, 0, 0, 5, 0);
        assertThat(messages((StructuredMessage) read.get(2).response())).hasSize(5);
        var json = new String(
                java.nio.file.Files.readAllBytes(rec.resolve("interactions-000001.jsonl")),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"service\":\"test.Echo\"").doesNotContain("s3cr3t");
    }

    @Test
    void the_protocol_name_grpc_selects_the_same_decoder() throws Exception {
        try (var proxy =
                Interceptor.onPort(service.port()).protocol("grpc").record().start()) {
            assertThat(GrpcCalls.run(proxy.port())).isEqualTo(EXPECTED);
            assertThat(proxy.recording().awaitCount(7, Duration.ofSeconds(30))).isTrue();
            checkSchemaless(proxy.recording().interactions());
        }
    }

    @Test
    void with_a_descriptor_set_messages_have_field_names() throws Exception {
        var file = java.nio.file.Files.createTempFile("echo", ".pb");
        try {
            java.nio.file.Files.write(file, EchoService.descriptorSet().toByteArray());
            System.setProperty(GrpcSchemas.PROPERTY, file.toString());
            try (var proxy = Interceptor.onPort(service.port()).record().start()) {
                assertThat(GrpcCalls.run(proxy.port())).isEqualTo(EXPECTED);
                assertThat(proxy.recording().awaitCount(7, Duration.ofSeconds(30)))
                        .isTrue();
                var unary = proxy.recording().interactions().get(0);
                var request = (StructuredMessage) unary.request();
                var message = messages(request).get(0);
                assertThat(message).containsEntry("type", "test.Req");
                var value = map(message.get("value"));
                assertThat(value).containsEntry("name", "world").containsEntry("count", 1);
                assertThat(((Body) value.get("blob")).bytes()).containsExactly(1, 2, 3);
                assertThat(map(value.get("inner")))
                        .containsEntry("id", 1234567890123L)
                        .containsEntry("tags", List.of("a", "b"));
                var reply = messages((StructuredMessage) unary.response()).get(0);
                assertThat(reply).containsEntry("type", "test.Rep");
                assertThat(map(reply.get("value"))).containsEntry("text", "hello world");
            }
        } finally {
            System.clearProperty(GrpcSchemas.PROPERTY);
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void a_real_session_fed_whole_in_random_fragments_and_byte_by_byte_gives_the_same_interactions() throws Exception {
        List<RecordingRelay.Event> events;
        try (var relay = new RecordingRelay(service.port())) {
            assertThat(GrpcCalls.run(relay.port())).isEqualTo(EXPECTED);
            events = relay.firstConnectionEnded(java.time.Duration.ofSeconds(60));
        }
        var codec = new Http2Codec();
        var whole = Feed.run(events, Feed.Mode.WHOLE, 1, 1 << 20, codec);
        checkSchemaless(whole);
        for (long seed = 1; seed <= 3; seed++) {
            assertThat(Feed.run(events, Feed.Mode.RANDOM, seed, 1 << 20, codec))
                    .as("random fragments, seed %d", seed)
                    .isEqualTo(whole);
        }
        assertThat(Feed.run(events, Feed.Mode.BYTES, 1, 1 << 20, codec))
                .as("byte by byte")
                .isEqualTo(whole);
    }

    /** What every recording of {@link GrpcCalls} must hold, decoded without a schema. */
    static void checkSchemaless(List<Interaction> recorded) {
        assertThat(recorded).hasSize(7);
        assertThat(recorded).extracting(Interaction::protocol).containsOnly("grpc");
        assertThat(recorded).extracting(i -> field(i, true, "service")).containsOnly("test.Echo");
        assertThat(recorded)
                .extracting(i -> field(i, true, "method"))
                .containsExactly("Unary", "Unary", "ServerStream", "ClientStream", "Bidi", "Unary", "Unary");
        assertThat(recorded).extracting(i -> field(i, false, "status")).containsExactly(0, 0, 0, 0, 0, 5, 0);
        assertThat(recorded)
                .extracting(i -> messages((StructuredMessage) i.request()).size())
                .containsExactly(1, 1, 1, 3, 3, 1, 1);
        assertThat(recorded)
                .extracting(i -> messages((StructuredMessage) i.response()).size())
                .containsExactly(1, 1, 5, 1, 3, 0, 1);

        var unary = recorded.get(0);
        var request = (StructuredMessage) unary.request();
        assertThat(headers(request)).contains(Map.of("name", "x-trace-id", "value", "trace-42"));
        assertThat(headers(request)).contains(Map.of("name", "authorization", "value", "Bearer <redacted>"));
        assertThat(unary.attributes()).containsEntry("streamId", "3");
        // Req{name=1:"world", count=2:1, blob=3:bytes, inner=4:{id=1, tags=2,2}}
        var fields = fieldList(messages(request).get(0).get("fields"));
        assertThat(fields.get(0))
                .containsEntry("number", 1)
                .containsEntry("wireType", "len")
                .containsEntry("value", "world");
        assertThat(fields.get(1))
                .containsEntry("number", 2)
                .containsEntry("wireType", "varint")
                .containsEntry("value", 1L);
        var inner = fieldList(fields.get(3).get("value"));
        assertThat(inner.get(0)).containsEntry("number", 1).containsEntry("value", 1234567890123L);
        assertThat(inner).extracting(f -> f.get("value")).contains("a", "b");
        var response = (StructuredMessage) unary.response();
        assertThat(headers(response)).contains(Map.of("name", "x-served-by", "value", "echo-1"));
        assertThat(fieldList(messages(response).get(0).get("fields")).get(0)).containsEntry("value", "hello world");

        var zipped = messages((StructuredMessage) recorded.get(1).request()).get(0);
        assertThat(zipped).containsEntry("compressed", true);
        assertThat(fieldList(zipped.get("fields")).get(0)).containsEntry("value", "zipped zipped zipped zipped");

        var error = (StructuredMessage) recorded.get(5).response();
        assertThat(error.get("status")).isEqualTo(5);
        assertThat(error.get("statusMessage")).isEqualTo("no item named 'missing' (été 100%)");

        var large = messages((StructuredMessage) recorded.get(6).request()).get(0);
        assertThat((Long) large.get("size")).isGreaterThan(GrpcCalls.LARGE);
        assertThat(((Body) large.get("data")).truncated()).isTrue();
        assertThat(recorded.get(6).requestBytes()).isGreaterThan(GrpcCalls.LARGE);
        for (var i : recorded) {
            assertThat(i.error()).as("error of %s", i).isNull();
            assertThat(i.timeToFirstByteMicros()).isGreaterThanOrEqualTo(0);
        }
    }

    static Object field(Interaction i, boolean request, String name) {
        return ((StructuredMessage) (request ? i.request() : i.response())).get(name);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> messages(StructuredMessage m) {
        return (List<Map<String, Object>>) m.get("messages");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> headers(StructuredMessage m) {
        return (List<Map<String, Object>>) m.get("headers");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> fieldList(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
