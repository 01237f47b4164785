package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import dev.chaostesting.protocols.grpc.internal.ReflectionClient;
import io.grpc.Status;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.reflection.v1.ErrorResponse;
import io.grpc.reflection.v1.FileDescriptorResponse;
import io.grpc.reflection.v1.ListServiceResponse;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GrpcSchemas#fromServerReflection} against real grpc-java servers, and its one-line errors. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrpcReflectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Set<String> SHOP_METHODS = Set.of("shop.Orders/Get", "shop.Orders/Watch");

    @Test
    void requests_are_encoded_as_the_reflection_proto_defines_them() throws Exception {
        var list = ServerReflectionRequest.parseFrom(ReflectionClient.listServicesRequest());
        assertThat(list.getMessageRequestCase()).isEqualTo(ServerReflectionRequest.MessageRequestCase.LIST_SERVICES);
        assertThat(list.getHost()).isEmpty();
        var symbol = ServerReflectionRequest.parseFrom(ReflectionClient.fileContainingSymbolRequest("shop.Orders"));
        assertThat(symbol.getFileContainingSymbol()).isEqualTo("shop.Orders");
        var file = ServerReflectionRequest.parseFrom(ReflectionClient.fileByFilenameRequest("shop/common.proto"));
        assertThat(file.getFileByFilename()).isEqualTo("shop/common.proto");
        var alpha = io.grpc.reflection.v1alpha.ServerReflectionRequest.parseFrom(
                ReflectionClient.fileContainingSymbolRequest("shop.Orders"));
        assertThat(alpha.getFileContainingSymbol()).isEqualTo("shop.Orders");
    }

    @Test
    void reflection_v1_describes_the_same_methods_and_decodes_calls_as_the_descriptor_set() throws Exception {
        try (var server = new ShopService(ProtoReflectionServiceV1.newInstance())) {
            var reflected = GrpcSchemas.fromServerReflection("127.0.0.1", server.port(), TIMEOUT);
            var fromSet =
                    GrpcSchemas.fromDescriptorSet(ShopService.descriptorSet().toByteArray());
            assertThat(fromSet.methods()).isEqualTo(SHOP_METHODS);
            assertThat(reflected.methods())
                    .containsAll(SHOP_METHODS)
                    .contains("grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
            sameTypes(reflected, fromSet);
            sameDecoding(server.port(), reflected, fromSet);
        }
    }

    @Test
    void a_v1alpha_only_server_is_asked_with_v1alpha() throws Exception {
        @SuppressWarnings("deprecation")
        var alpha = ProtoReflectionService.newInstance();
        try (var server = new ShopService(alpha)) {
            var reflected = GrpcSchemas.fromServerReflection("localhost", server.port(), TIMEOUT);
            assertThat(reflected.methods())
                    .containsAll(SHOP_METHODS)
                    .contains("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
                    .doesNotContain("grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
            sameTypes(
                    reflected,
                    GrpcSchemas.fromDescriptorSet(ShopService.descriptorSet().toByteArray()));
        }
    }

    @Test
    void the_system_property_gives_serviceloader_codecs_the_names() throws Exception {
        try (var server = new ShopService(ProtoReflectionServiceV1.newInstance())) {
            System.setProperty(GrpcSchemas.REFLECTION_PROPERTY, "127.0.0.1:" + server.port());
            try (var proxy = Interceptor.onPort(server.port()).record().start()) {
                assertThat(ShopService.calls(proxy.port())).containsExactly("o-1", "o-2-0", "o-2-1", "o-2-2");
                assertThat(proxy.recording().awaitCount(2, Duration.ofSeconds(30)))
                        .isTrue();
                var get = proxy.recording().interactions().stream()
                        .filter(i -> "Get".equals(GrpcRealSessionTest.field(i, true, "method")))
                        .findFirst()
                        .orElseThrow();
                var reply = GrpcRealSessionTest.messages((StructuredMessage) get.response())
                        .get(0);
                assertThat(reply).containsEntry("type", "shop.Order");
                var value = GrpcRealSessionTest.map(reply.get("value"));
                assertThat(value).containsEntry("id", "o-1").containsEntry("items", List.of("book", "pen"));
                assertThat(GrpcRealSessionTest.map(value.get("total")))
                        .containsEntry("currency", "EUR")
                        .containsEntry("units", 1250L);
                assertThat(GrpcRealSessionTest.map(value.get("created")))
                        .containsEntry("seconds", 1_700_000_000L)
                        .containsEntry("nanos", 5);
            }
        } finally {
            System.clearProperty(GrpcSchemas.REFLECTION_PROPERTY);
        }
    }

    @Test
    void a_malformed_reflection_property_is_one_line() {
        System.setProperty(GrpcSchemas.REFLECTION_PROPERTY, "localhost");
        try {
            assertThatThrownBy(GrpcSchemas::fromSystemProperty)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("chaos.grpc.reflection: 'localhost' (expected HOST:PORT, e.g. 127.0.0.1:50051)");
        } finally {
            System.clearProperty(GrpcSchemas.REFLECTION_PROPERTY);
        }
    }

    @Test
    void a_server_without_reflection_is_unimplemented_in_one_line() throws Exception {
        try (var server = new ShopService()) {
            assertThatThrownBy(() -> GrpcSchemas.fromServerReflection("127.0.0.1", server.port(), TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("server reflection at 127.0.0.1:" + server.port()
                            + ": reflection is not enabled on the server (grpc.reflection.v1.ServerReflection and"
                            + " grpc.reflection.v1alpha.ServerReflection: grpc-status 12 UNIMPLEMENTED)");
        }
    }

    @Test
    void a_closed_port_is_connection_refused() throws Exception {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> GrpcSchemas.fromServerReflection("127.0.0.1", port, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server reflection at 127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void a_peer_that_never_answers_times_out_within_the_bound() throws Exception {
        try (var silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            var accepted = new CopyOnWriteArrayList<Socket>();
            var acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            assertThatThrownBy(() ->
                            GrpcSchemas.fromServerReflection("127.0.0.1", silent.getLocalPort(), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("server reflection at 127.0.0.1:" + silent.getLocalPort()
                            + ": no answer within 1s (waiting for the server's HTTP/2 SETTINGS frame)");
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsed).isGreaterThanOrEqualTo(900).isLessThan(10_000);
            assertThat(accepted).as("the client did connect").isNotEmpty();
            for (var s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void an_http1_server_is_not_http2() throws Exception {
        try (var http1 = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            var thread = new Thread(() -> {
                try (var s = http1.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[1024]);
                    s.getOutputStream()
                            .write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(2000);
                } catch (Exception e) {
                    // the test sees what the client made of it
                }
            });
            thread.setDaemon(true);
            thread.start();
            assertThatThrownBy(() -> GrpcSchemas.fromServerReflection("127.0.0.1", http1.getLocalPort(), TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("server reflection at 127.0.0.1:" + http1.getLocalPort() + ": not HTTP/2")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void missing_imports_are_fetched_by_file_name_and_a_file_the_server_lacks_is_one_line() throws Exception {
        // A reflection service that answers file_containing_symbol with the service's file only, as some servers do.
        var asked = new CopyOnWriteArrayList<String>();
        try (var server = new ShopService(new PartialReflection(asked, true))) {
            var reflected = GrpcSchemas.fromServerReflection("127.0.0.1", server.port(), TIMEOUT);
            assertThat(reflected.methods()).isEqualTo(SHOP_METHODS);
            sameTypes(
                    reflected,
                    GrpcSchemas.fromDescriptorSet(ShopService.descriptorSet().toByteArray()));
            assertThat(asked)
                    .containsExactly(
                            "list_services",
                            "symbol shop.Orders",
                            "symbol grpc.reflection.v1.ServerReflection",
                            "file shop/common.proto",
                            "file google/protobuf/timestamp.proto");
        }
        try (var server = new ShopService(new PartialReflection(new ArrayList<>(), false))) {
            assertThatThrownBy(() -> GrpcSchemas.fromServerReflection("127.0.0.1", server.port(), TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("server reflection at 127.0.0.1:" + server.port()
                            + ": missing dependency shop/common.proto (the server does not describe it)");
        }
    }

    @Test
    void merge_keeps_both_and_prefers_the_receiver() {
        var set = GrpcSchemas.fromDescriptorSet(ShopService.descriptorSet().toByteArray());
        var echo = GrpcSchemas.fromDescriptorSet(EchoService.descriptorSet().toByteArray());
        var merged = set.merge(echo);
        assertThat(merged.methods()).containsAll(SHOP_METHODS).contains("test.Echo/Unary");
        assertThat(merged.requestType("shop.Orders", "Get")).isSameAs(set.requestType("shop.Orders", "Get"));
        assertThat(GrpcSchemas.empty().merge(echo).methods()).isEqualTo(echo.methods());
    }

    /** Reflection v1 that describes shop/api.proto alone; imports only by file name (common.proto optionally). */
    private static final class PartialReflection extends ServerReflectionGrpc.ServerReflectionImplBase {
        private final List<String> asked;
        private final boolean describesCommon;

        PartialReflection(List<String> asked, boolean describesCommon) {
            this.asked = asked;
            this.describesCommon = describesCommon;
        }

        @Override
        public StreamObserver<ServerReflectionRequest> serverReflectionInfo(
                StreamObserver<ServerReflectionResponse> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(ServerReflectionRequest request) {
                    var response = ServerReflectionResponse.newBuilder().setOriginalRequest(request);
                    switch (request.getMessageRequestCase()) {
                        case LIST_SERVICES -> {
                            asked.add("list_services");
                            response.setListServicesResponse(ListServiceResponse.newBuilder()
                                    .addService(ServiceResponse.newBuilder().setName("shop.Orders"))
                                    .addService(ServiceResponse.newBuilder()
                                            .setName("grpc.reflection.v1.ServerReflection")));
                        }
                        case FILE_CONTAINING_SYMBOL -> {
                            asked.add("symbol " + request.getFileContainingSymbol());
                            if (request.getFileContainingSymbol().equals("shop.Orders")) {
                                response.setFileDescriptorResponse(FileDescriptorResponse.newBuilder()
                                        .addFileDescriptorProto(ShopService.API_PROTO.toByteString()));
                            } else {
                                response.setErrorResponse(notFound());
                            }
                        }
                        case FILE_BY_FILENAME -> {
                            asked.add("file " + request.getFileByFilename());
                            if (describesCommon && request.getFileByFilename().equals("shop/common.proto")) {
                                response.setFileDescriptorResponse(FileDescriptorResponse.newBuilder()
                                        .addFileDescriptorProto(ShopService.COMMON_PROTO.toByteString()));
                            } else {
                                response.setErrorResponse(notFound());
                            }
                        }
                        default ->
                            response.setErrorResponse(ErrorResponse.newBuilder()
                                    .setErrorCode(Status.Code.UNIMPLEMENTED.value())
                                    .setErrorMessage(
                                            "this test server answers list_services, file_containing_symbol and"
                                                    + " file_by_filename only"));
                    }
                    out.onNext(response.build());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }

        private static ErrorResponse notFound() {
            return ErrorResponse.newBuilder()
                    .setErrorCode(Status.Code.NOT_FOUND.value())
                    .setErrorMessage("not found")
                    .build();
        }
    }

    private static void sameTypes(GrpcSchemas reflected, GrpcSchemas fromSet) {
        for (var method : SHOP_METHODS) {
            var parts = method.split("/");
            var a = reflected.requestType(parts[0], parts[1]);
            var b = fromSet.requestType(parts[0], parts[1]);
            assertThat(a.toProto()).isEqualTo(b.toProto());
            assertThat(a.getFullName()).isEqualTo(b.getFullName());
            var ra = reflected.responseType(parts[0], parts[1]);
            var rb = fromSet.responseType(parts[0], parts[1]);
            assertThat(ra.toProto()).isEqualTo(rb.toProto());
            assertThat(ra.getFile().getDependencies().stream().map(f -> f.getName()))
                    .containsExactlyElementsOf(rb.getFile().getDependencies().stream()
                            .map(f -> f.getName())
                            .toList());
        }
    }

    /** The same real session decoded with each schema, whole and byte by byte: the same interactions. */
    private static void sameDecoding(int port, GrpcSchemas reflected, GrpcSchemas fromSet) throws Exception {
        List<RecordingRelay.Event> events;
        try (var relay = new RecordingRelay(port)) {
            assertThat(ShopService.calls(relay.port())).containsExactly("o-1", "o-2-0", "o-2-1", "o-2-2");
            events = relay.firstConnectionEnded(java.time.Duration.ofSeconds(20));
        }
        var byReflection = Feed.run(events, Feed.Mode.WHOLE, 1, 1 << 20, new Http2Codec(reflected));
        var bySet = Feed.run(events, Feed.Mode.WHOLE, 1, 1 << 20, new Http2Codec(fromSet));
        assertThat(byReflection).hasSize(2).isEqualTo(bySet);
        assertThat(Feed.run(events, Feed.Mode.BYTES, 1, 1 << 20, new Http2Codec(reflected)))
                .isEqualTo(byReflection);
        var watch = byReflection.get(1);
        assertThat(GrpcRealSessionTest.field(watch, true, "method")).isEqualTo("Watch");
        var request = GrpcRealSessionTest.messages((StructuredMessage) watch.request())
                .get(0);
        assertThat(request).containsEntry("type", "shop.OrderRequest");
        assertThat(GrpcRealSessionTest.map(request.get("value"))).isEqualTo(Map.of("id", "o-2", "count", 3));
        var replies = GrpcRealSessionTest.messages((StructuredMessage) watch.response());
        assertThat(replies)
                .extracting(m -> GrpcRealSessionTest.map(m.get("value")).get("id"))
                .containsExactly("o-2-0", "o-2-1", "o-2-2");
        assertThat(GrpcRealSessionTest.map(
                        GrpcRealSessionTest.map(replies.get(2).get("value")).get("total")))
                .containsEntry("units", 1252L);
        var schemaless = Feed.run(events, Feed.Mode.WHOLE, 1, 1 << 20, new Http2Codec(GrpcSchemas.empty()));
        assertThat(schemaless).extracting(Interaction::protocol).containsOnly("grpc");
        assertThat(GrpcRealSessionTest.messages(
                                (StructuredMessage) schemaless.get(0).response())
                        .get(0))
                .containsKey("fields")
                .doesNotContainKey("value");
    }
}
