package dev.chaostesting.protocols.http2;

import static dev.chaostesting.protocols.http2.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.protocols.grpc.GrpcFaults;
import dev.chaostesting.spi.Side;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcFaultsTest {

    @Test
    void an_injected_error_response_leaves_the_connections_hpack_table_untouched() throws Exception {
        var encoder = new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false);
        var decoder = new DefaultHttp2HeadersDecoder(false);
        var headers = new DefaultHttp2Headers()
                .status("200")
                .add("content-type", "application/grpc")
                .add("x-served-by", "s1");
        var first = Unpooled.buffer();
        encoder.encodeHeaders(3, headers, first);
        assertThat(decoder.decodeHeaders(3, first)).isEqualTo(headers);

        var fault = GrpcFaults.errorResponse(5, 14, "backend down");
        var faultBlock = Unpooled.wrappedBuffer(fault, 9, fault.length - 9);
        var decodedFault = decoder.decodeHeaders(5, faultBlock);
        assertThat(decodedFault.get("grpc-status").toString()).isEqualTo("14");
        assertThat(decodedFault.get("grpc-message").toString()).isEqualTo("backend down");

        // The real server's next block refers to its dynamic table entries: it must still decode to the same fields.
        var second = Unpooled.buffer();
        encoder.encodeHeaders(7, headers, second);
        assertThat(second.readableBytes()).as("indexed from the dynamic table").isLessThan(10);
        assertThat(decoder.decodeHeaders(7, second)).isEqualTo(headers);
    }

    @Test
    void the_codec_records_an_injected_error_response_and_reset() {
        var f = Http2FramesTest.opened();
        var request = f.block(
                Side.CLIENT,
                ":method",
                "POST",
                ":scheme",
                "http",
                ":path",
                "/test.Echo/Unary",
                "content-type",
                "application/grpc");
        f.client(frame(1, 0x04, 1, request));
        f.client(frame(0, 0x01, 1, Frames.grpcMessage(false, new byte[] {0x0a, 0x01, 0x61})));
        f.server(GrpcFaults.errorResponse(1, 14, "backend down: 100% é"));
        f.client(frame(
                1,
                0x04,
                3,
                f.block(
                        Side.CLIENT,
                        ":method",
                        "POST",
                        ":scheme",
                        "http",
                        ":path",
                        "/test.Echo/Unary",
                        "content-type",
                        "application/grpc")));
        f.server(GrpcFaults.rstStream(3, 0x2));
        var recorded = Http2FramesTest.runAllWays(f, 1 << 20);
        assertThat(recorded).hasSize(2);
        var response = (StructuredMessage) recorded.get(0).response();
        assertThat(response.get("status")).isEqualTo(14);
        assertThat(response.get("statusMessage")).isEqualTo("backend down: 100% é");
        assertThat(recorded.get(1).error()).isEqualTo("stream reset by the server: INTERNAL_ERROR (0x2)");
    }

    @Test
    void a_real_grpc_client_sees_the_injected_status() throws Exception {
        try (var server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            var thread = new Thread(() -> answerWithFault(server));
            thread.setDaemon(true);
            thread.start();
            var channel = EchoService.channel(server.getLocalPort());
            try {
                assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                                channel,
                                EchoService.UNARY,
                                CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                                EchoService.req("x", 0, new byte[0])))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                            assertThat(e.getStatus().getDescription()).isEqualTo("injected: 50% é");
                        });
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** A minimal HTTP/2 peer: settings, then the fault as the answer to the first request's headers. */
    private static void answerWithFault(ServerSocket server) {
        try (var s = server.accept()) {
            var in = new DataInputStream(s.getInputStream());
            var out = s.getOutputStream();
            out.write(Frames.settings());
            out.flush();
            in.readNBytes(24);
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                in.readNBytes(length);
                if (type == 4 && (flags & 1) == 0) {
                    out.write(Frames.settingsAck());
                }
                if (type == 1) {
                    out.write(GrpcFaults.errorResponse(stream, 14, "injected: 50% é"));
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client closed
        }
    }
}
