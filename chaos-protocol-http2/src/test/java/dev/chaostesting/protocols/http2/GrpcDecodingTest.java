package dev.chaostesting.protocols.http2;

import static dev.chaostesting.protocols.http2.Frames.concat;
import static dev.chaostesting.protocols.http2.Frames.frame;
import static dev.chaostesting.protocols.http2.Frames.grpcMessage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import dev.chaostesting.protocols.grpc.internal.ProtobufTree;
import dev.chaostesting.spi.Side;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gRPC framing and protobuf decoding on scripted streams (fed whole, in fragments and byte by byte). */
class GrpcDecodingTest {

    private static final byte[] HELLO = {0x0a, 0x05, 'h', 'e', 'l', 'l', 'o', 0x10, (byte) 0x96, 0x01};

    private static Frames call(String encoding) {
        var f = Http2FramesTest.opened();
        f.client(frame(
                1,
                0x04,
                1,
                f.block(
                        Side.CLIENT,
                        ":method",
                        "POST",
                        ":scheme",
                        "http",
                        ":path",
                        "/pkg.Svc/Do",
                        ":authority",
                        "svc",
                        "content-type",
                        "application/grpc+proto",
                        "grpc-encoding",
                        encoding,
                        "x-api-key",
                        "k-123")));
        return f;
    }

    @Test
    void a_message_split_across_data_frames_and_a_trailers_only_answer_are_decoded() {
        var f = call("identity");
        var message = grpcMessage(false, HELLO);
        f.client(frame(0, 0, 1, Arrays.copyOfRange(message, 0, 3)));
        f.client(frame(0, 0, 1, Arrays.copyOfRange(message, 3, 8)));
        f.client(frame(0, 1, 1, Arrays.copyOfRange(message, 8, message.length)));
        f.server(frame(
                1,
                0x05,
                1,
                f.block(
                        Side.SERVER,
                        ":status",
                        "200",
                        "content-type",
                        "application/grpc",
                        "grpc-status",
                        "7",
                        "grpc-message",
                        "denied%3A%20no")));
        var recorded = Http2FramesTest.runAllWays(f, 1 << 20);
        assertThat(recorded).hasSize(1);
        var call = recorded.get(0);
        assertThat(call.protocol()).isEqualTo("grpc");
        var request = (StructuredMessage) call.request();
        assertThat(request.get("service")).isEqualTo("pkg.Svc");
        assertThat(request.get("method")).isEqualTo("Do");
        assertThat(request.get("authority")).isEqualTo("svc");
        assertThat(GrpcRealSessionTest.headers(request)).contains(Map.of("name", "x-api-key", "value", "<redacted>"));
        var fields = GrpcRealSessionTest.fieldList(
                GrpcRealSessionTest.messages(request).get(0).get("fields"));
        assertThat(fields)
                .containsExactly(
                        Map.of("number", 1, "wireType", "len", "value", "hello"),
                        Map.of("number", 2, "wireType", "varint", "value", 150L));
        var response = (StructuredMessage) call.response();
        assertThat(response.get("status")).isEqualTo(7);
        assertThat(response.get("statusMessage")).isEqualTo("denied: no");
        assertThat(GrpcRealSessionTest.messages(response)).isEmpty();
    }

    @Test
    void messages_past_max_body_bytes_are_counted_not_copied_and_a_cut_message_is_an_error() {
        var f = call("snappy");
        f.client(frame(0, 0, 1, grpcMessage(false, HELLO)));
        f.client(frame(0, 0, 1, grpcMessage(false, new byte[100])));
        f.client(frame(0, 0, 1, grpcMessage(false, HELLO)));
        f.client(frame(0, 0, 1, grpcMessage(true, new byte[] {1, 2, 3})));
        f.client(frame(0, 1, 1, Arrays.copyOf(grpcMessage(false, HELLO), 7)));
        f.server(frame(1, 0x04, 1, f.block(Side.SERVER, ":status", "200", "content-type", "application/grpc")));
        f.server(frame(1, 0x05, 1, f.block(Side.SERVER, "grpc-status", "0")));
        var recorded = Http2FramesTest.runAllWays(f, 64);
        var messages =
                GrpcRealSessionTest.messages((StructuredMessage) recorded.get(0).request());
        assertThat(messages).hasSize(5);
        assertThat(messages.get(0)).containsKey("fields");
        assertThat(messages.get(1)).containsEntry("size", 100L);
        assertThat(((Body) messages.get(1).get("data")).length()).isEqualTo(54);
        assertThat(messages.get(2)).containsEntry("omitted", true);
        assertThat(messages.get(3)).containsEntry("omitted", true);
        assertThat(messages.get(4)).containsEntry("omitted", true);
        assertThat(recorded.get(0).error()).isEqualTo("request stream ended in a message after 2 of 10 bytes");
    }

    @Test
    void an_unknown_grpc_encoding_keeps_the_bytes_with_a_reason() {
        var f = call("snappy");
        f.client(frame(0, 1, 1, grpcMessage(true, new byte[] {1, 2, 3})));
        f.server(frame(1, 0x05, 1, f.block(Side.SERVER, ":status", "200", "grpc-status", "12")));
        var message = GrpcRealSessionTest.messages((StructuredMessage)
                        Http2FramesTest.runAllWays(f, 1 << 20).get(0).request())
                .get(0);
        assertThat(message)
                .containsEntry("compressed", true)
                .containsEntry("decodeError", "grpc-encoding: snappy (expected: gzip or deflate)");
        assertThat(((Body) message.get("data")).bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void schemaless_decoding_guesses_messages_strings_and_bytes() {
        assertThat(ProtobufTree.decode("hello world".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        var nested = ProtobufTree.decode(concat(
                new byte[] {0x1a, 0x04, 0x08, 0x01, 0x10, 0x02},
                new byte[] {0x22, 0x03, (byte) 0xff, (byte) 0xfe, (byte) 0xfd},
                new byte[] {0x2d, 1, 0, 0, 0}));
        assertThat(nested).hasSize(3);
        assertThat(nested.get(0))
                .containsEntry("number", 3)
                .containsEntry(
                        "value",
                        List.of(
                                Map.of("number", 1, "wireType", "varint", "value", 1L),
                                Map.of("number", 2, "wireType", "varint", "value", 2L)));
        assertThat(((Body) nested.get(1).get("value")).bytes()).containsExactly(0xff, 0xfe, 0xfd);
        assertThat(nested.get(2)).containsEntry("wireType", "fixed32").containsEntry("value", 1L);
        assertThat(ProtobufTree.decode(new byte[] {0x0a, 0x7f}))
                .as("length past the end")
                .isNull();
    }

    @Test
    void a_descriptor_set_with_a_missing_import_is_refused_with_one_line() throws Exception {
        var proto = EchoService.PROTO.toBuilder()
                .addDependency("other/missing.proto")
                .build();
        var set = com.google.protobuf.DescriptorProtos.FileDescriptorSet.newBuilder()
                .addFile(proto)
                .build();
        assertThatThrownBy(() -> GrpcSchemas.fromDescriptorSet(set.toByteArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "descriptor set: missing dependency other/missing.proto (expected: protoc --include_imports)");
        assertThatThrownBy(() -> GrpcSchemas.fromDescriptorSets(Path.of("/nonexistent/api.pb")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("descriptor set /nonexistent/api.pb: ");
        assertThatThrownBy(() -> GrpcSchemas.fromDescriptorSet(new byte[] {0x0a, 0x7f}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("descriptor set: not a FileDescriptorSet (");
        assertThat(GrpcSchemas.fromDescriptorSet(EchoService.descriptorSet().toByteArray())
                        .methods())
                .containsExactly(
                        "test.Echo/Bidi", "test.Echo/ClientStream", "test.Echo/ServerStream", "test.Echo/Unary");
    }
}
