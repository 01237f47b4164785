package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import dev.chaostesting.protocols.http2.ShopService;
import dev.chaostesting.recording.Recording;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --grpc-descriptor-set} and {@code --grpc-reflection} of observe and import. The capture {@code
 * grpc/shop-grpc.pcap} was taken with tcpdump on loopback while a grpc-java client called a grpc-java server (the
 * {@code ShopService} of the HTTP/2 module's tests): {@code shop.Orders/Get} then the server-streaming {@code
 * shop.Orders/Watch}; {@code grpc/shop.pb} is the descriptor set of its protos ({@code shop/api.proto} importing {@code
 * shop/common.proto} and {@code google/protobuf/timestamp.proto}). The live tests run that {@code ShopService} (from the
 * HTTP/2 module's test jar) with grpc-java's reflection service.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcOptionsTest {

    @TempDir
    Path dir;

    private static Path resource(String name) {
        return Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "grpc", name);
    }

    @Test
    void import_with_a_descriptor_set_names_the_fields_of_a_grpc_capture() throws Exception {
        var rec = dir.resolve("named");
        var r = CliTest.run(
                "import",
                "--input=" + resource("shop-grpc.pcap"),
                "--output=" + rec,
                "--grpc-descriptor-set=" + resource("shop.pb"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("gRPC schemas: 2 methods (1 descriptor set)");
        var calls = Recording.open(rec).interactions();
        assertThat(calls).extracting(Interaction::protocol).containsExactly("grpc", "grpc");
        var order = namedShopCalls(calls);
        assertThat(map(order.get("created")))
                .containsEntry("seconds", 1_700_000_000L)
                .containsEntry("nanos", 5L);
        assertThat(messages(calls.get(1), true).get(0)).containsEntry("type", "shop.OrderRequest");
        assertThat(messages(calls.get(1), false))
                .extracting(m -> map(m.get("value")).get("id"))
                .containsExactly("o-2-0", "o-2-1", "o-2-2");
        assertThat(System.getProperty(GrpcSchemas.PROPERTY))
                .as("the property is put back after the command")
                .isNull();

        var plain = dir.resolve("plain");
        assertThat(CliTest.run("import", "--input=" + resource("shop-grpc.pcap"), "--output=" + plain)
                        .exit())
                .isZero();
        var schemaless =
                messages(Recording.open(plain).interactions().get(0), false).get(0);
        assertThat(schemaless).containsKey("fields").doesNotContainKey("value");
    }

    @Test
    void observe_names_the_fields_of_live_calls_from_the_observed_servers_reflection() throws Exception {
        int listen;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listen = probe.getLocalPort();
        }
        var rec = dir.resolve("live");
        try (var server = new ShopService(ProtoReflectionServiceV1.newInstance())) {
            var observe = CompletableFuture.supplyAsync(() -> CliTest.run(
                    "observe",
                    "--mode=proxy",
                    "--port=" + server.port(),
                    "--listen=" + listen,
                    "--duration=6s",
                    "--output=" + rec,
                    "--grpc-reflection"));
            CliTest.waitForPort(listen);
            // The client's results are the same through the interceptor.
            assertThat(ShopService.calls(listen)).containsExactly("o-1", "o-2-0", "o-2-1", "o-2-2");
            var r = observe.get(60, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err())
                    .contains("gRPC schemas: 3 methods (server reflection at 127.0.0.1:" + server.port() + ")");
        }
        var calls = Recording.open(rec).interactions().stream()
                .filter(i -> i.protocol().equals("grpc"))
                .toList();
        namedShopCalls(calls);
        assertThat(System.getProperty(GrpcSchemas.REFLECTION_PROPERTY))
                .as("the property is put back after the command")
                .isNull();
    }

    @Test
    void import_asks_a_live_server_for_the_schema_of_a_capture() throws Exception {
        var rec = dir.resolve("imported");
        try (var server = new ShopService(ProtoReflectionServiceV1.newInstance())) {
            var r = CliTest.run(
                    "import",
                    "--input=" + resource("shop-grpc.pcap"),
                    "--output=" + rec,
                    "--grpc-reflection=127.0.0.1:" + server.port());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err())
                    .contains("gRPC schemas: 3 methods (server reflection at 127.0.0.1:" + server.port() + ")");
        }
        var calls = Recording.open(rec).interactions();
        var order = namedShopCalls(calls);
        assertThat(map(order.get("created"))).containsEntry("seconds", 1_700_000_000L);
        assertThat(messages(calls.get(1), false))
                .extracting(m -> map(m.get("value")).get("id"))
                .containsExactly("o-2-0", "o-2-1", "o-2-2");
    }

    @Test
    void bad_descriptor_sets_are_one_line_errors() throws Exception {
        var pcap = "--input=" + resource("shop-grpc.pcap");
        var missing = CliTest.run(
                "import", pcap, "--output=" + dir.resolve("a"), "--grpc-descriptor-set=" + dir.resolve("none.pb"));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err())
                .isEqualTo("error: --grpc-descriptor-set: no such file: " + dir.resolve("none.pb")
                        + System.lineSeparator());

        var text = Files.writeString(dir.resolve("api.proto"), "syntax = \"proto3\";\nmessage X {}\n");
        var notASet = CliTest.run("import", pcap, "--output=" + dir.resolve("b"), "--grpc-descriptor-set=" + text);
        assertThat(notASet.exit()).isEqualTo(1);
        assertThat(notASet.err().lines()).hasSize(1);
        assertThat(notASet.err()).startsWith("error: descriptor set " + text + ": not a FileDescriptorSet (");
        assertThat(Files.exists(dir.resolve("b"))).as("nothing recorded").isFalse();

        var json = Files.writeString(dir.resolve("x.jsonl"), "");
        var notPcap = CliTest.run(
                "import",
                "--input=" + json,
                "--output=" + dir.resolve("c"),
                "--grpc-descriptor-set=" + resource("shop.pb"));
        assertThat(notPcap.exit()).isEqualTo(1);
        assertThat(notPcap.err()).startsWith("error: --grpc-descriptor-set and --grpc-reflection apply to packet");
    }

    @Test
    void reflection_addresses_are_checked_up_front_with_one_line() throws Exception {
        var pcap = "--input=" + resource("shop-grpc.pcap");
        var none = CliTest.run("import", pcap, "--output=" + dir.resolve("a"), "--grpc-reflection");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err())
                .isEqualTo("error: --grpc-reflection needs an address here: --grpc-reflection=HOST:PORT"
                        + " (e.g. 127.0.0.1:50051)" + System.lineSeparator());

        for (var bad : List.of("localhost", "localhost:0", "localhost:http", ":50051", "::1:50051")) {
            var r = CliTest.run("import", pcap, "--output=" + dir.resolve("b"), "--grpc-reflection=" + bad);
            assertThat(r.exit()).as(bad).isEqualTo(1);
            assertThat(r.err())
                    .as(bad)
                    .isEqualTo("error: --grpc-reflection: '" + bad
                            + "' (expected HOST:PORT, e.g. 127.0.0.1:50051 or [::1]:50051)" + System.lineSeparator());
        }

        int closed = closedPort();
        var refused =
                CliTest.run("import", pcap, "--output=" + dir.resolve("c"), "--grpc-reflection=127.0.0.1:" + closed);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err())
                .isEqualTo("error: server reflection at 127.0.0.1:" + closed + ": connection refused"
                        + System.lineSeparator());
        assertThat(System.getProperty(GrpcSchemas.REFLECTION_PROPERTY))
                .as("the property is put back after a failure")
                .isNull();
    }

    @Test
    void observe_asks_the_observed_port_by_default_before_listening() throws Exception {
        int closed = closedPort();
        var r = CliTest.run(
                "observe",
                "--mode=proxy",
                "--port=" + closed,
                "--duration=1s",
                "--output=" + dir.resolve("rec"),
                "--grpc-reflection");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err())
                .isEqualTo("error: server reflection at 127.0.0.1:" + closed + ": connection refused"
                        + System.lineSeparator());
        assertThat(Files.exists(dir.resolve("rec"))).isFalse();

        // A server that is not HTTP/2 (here: one that closes every connection at once).
        try (var notGrpc = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            var thread = new Thread(() -> {
                try {
                    while (true) {
                        notGrpc.accept().close();
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            thread.setDaemon(true);
            thread.start();
            var http1 = CliTest.run(
                    "observe",
                    "--mode=proxy",
                    "--port=" + notGrpc.getLocalPort(),
                    "--duration=1s",
                    "--output=" + dir.resolve("rec2"),
                    "--grpc-reflection");
            assertThat(http1.exit()).isEqualTo(1);
            assertThat(http1.err().lines()).hasSize(1);
            assertThat(http1.err())
                    .startsWith("error: server reflection at 127.0.0.1:" + notGrpc.getLocalPort() + ": not HTTP/2");
        }
    }

    @Test
    void the_protocol_option_lists_every_codec_name() {
        var help = CliTest.run("help", "observe").out().replaceAll("\\s+", " ");
        assertThat(help).contains("http, http2, grpc, postgresql, mysql, redis, kafka, or tcp");
        var names = new java.util.ArrayList<String>();
        for (var codec : Codecs.load().all()) {
            // The product's codecs (chaos-core's test jar adds a test codec to this class path).
            if (codec.getClass().getName().startsWith("dev.chaostesting.protocols.")) {
                names.add(codec.name());
            }
        }
        names.add(Codecs.RAW_TCP);
        assertThat(names).hasSize(8);
        for (var name : names) {
            assertThat(help).as(name).containsPattern("[ :,]" + name + "[ ,)]");
        }
        var importHelp = CliTest.run("help", "import").out();
        assertThat(importHelp).contains("--grpc-descriptor-set", "--grpc-reflection");
    }

    /**
     * Checks that the two calls of the shop session ({@code Get}, then {@code Watch}) were recorded with field names;
     * returns the order {@code Get} answered.
     */
    private static Map<String, Object> namedShopCalls(List<Interaction> calls) {
        assertThat(calls).extracting(i -> field(i, true, "method")).containsExactly("Get", "Watch");
        var get = messages(calls.get(0), false).get(0);
        assertThat(get).containsEntry("type", "shop.Order");
        var order = map(get.get("value"));
        assertThat(order).containsEntry("id", "o-1").containsEntry("items", List.of("book", "pen"));
        // Read back from JSON Lines: numbers come back as longs.
        assertThat(map(order.get("total"))).containsEntry("currency", "EUR").containsEntry("units", 1250L);
        assertThat(map(messages(calls.get(1), true).get(0).get("value"))).isEqualTo(Map.of("id", "o-2", "count", 3L));
        return order;
    }

    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Object field(Interaction i, boolean request, String name) {
        return ((StructuredMessage) (request ? i.request() : i.response())).get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> messages(Interaction i, boolean request) {
        return (List<Map<String, Object>>) field(i, request, "messages");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
