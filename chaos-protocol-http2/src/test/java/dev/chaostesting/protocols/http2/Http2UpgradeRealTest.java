package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real Netty server upgraded from HTTP/1.1 to h2c: the bytes after its 101 (its SETTINGS, the HPACK-encoded response
 * of stream 1, and another stream) are decoded by {@link Http2Codec#newUpgradedDecoder}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2UpgradeRealTest {

    private static final String REQUEST =
            "GET /upgraded HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";

    @Test
    void a_real_upgraded_connection_continues_as_http2_with_stream_one_answered() throws Exception {
        var serverBytes = new ByteArrayOutputStream();
        var f = new Frames();
        byte[] clientH2;
        try (var h2 = new NettyH2(true);
                var s = new Socket(InetAddress.getLoopbackAddress(), h2.port())) {
            s.setSoTimeout(20_000);
            var out = s.getOutputStream();
            out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101");
            clientH2 = Frames.concat(
                    Frames.PREFACE,
                    Frames.settings(),
                    Frames.frame(
                            1,
                            0x05,
                            3,
                            f.block(
                                    Side.CLIENT,
                                    ":method",
                                    "GET",
                                    ":scheme",
                                    "http",
                                    ":path",
                                    "/second",
                                    ":authority",
                                    "localhost")));
            out.write(clientH2);
            out.flush();
            // Read frames until both streams ended.
            var in = s.getInputStream();
            int ended = 0;
            while (ended < 2) {
                var header = in.readNBytes(9);
                int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                var payload = in.readNBytes(length);
                serverBytes.writeBytes(header);
                serverBytes.writeBytes(payload);
                int type = header[3];
                boolean endStream = (header[4] & 1) != 0 && (type == 0 || type == 1);
                if (type == 4 && (header[4] & 1) == 0) {
                    out.write(Frames.settingsAck());
                    out.flush();
                }
                if (endStream) {
                    ended++;
                }
            }
        }
        var emitted = new ArrayList<Interaction>();
        var failures = new ArrayList<String>();
        var context = new TestContext(emitted, failures);
        var request = HttpRequest.builder()
                .method("GET")
                .target("/upgraded")
                .headers(Headers.of(
                        "Host",
                        "localhost",
                        "Connection",
                        "Upgrade, HTTP2-Settings",
                        "Upgrade",
                        "h2c",
                        "HTTP2-Settings",
                        "AAMAAABkAAQAAP__"))
                .build();
        var decoder = new Http2Codec().newUpgradedDecoder(context, request, 1000, 1000, REQUEST.length());
        decoder.onData(Side.CLIENT, ByteBuffer.wrap(clientH2), 2000);
        decoder.onData(Side.SERVER, ByteBuffer.wrap(serverBytes.toByteArray()), 3000);
        decoder.onEnd(Side.SERVER, false, 4000);
        decoder.onEnd(Side.CLIENT, false, 4000);

        assertThat(failures).isEmpty();
        assertThat(emitted).extracting(i -> i.attributes().get("streamId")).containsExactlyInAnyOrder("1", "3");
        for (var i : emitted) {
            assertThat(i.error()).isNull();
            assertThat(i.httpResponse().status()).isEqualTo(200);
        }
        var first = emitted.stream()
                .filter(i -> i.attributes().get("streamId").equals("1"))
                .findFirst()
                .orElseThrow();
        assertThat(first.httpRequest().target()).isEqualTo("/upgraded");
        assertThat(first.httpResponse().body().text()).isEqualTo("GET /upgraded 0");
        var second = emitted.stream()
                .filter(i -> i.attributes().get("streamId").equals("3"))
                .findFirst()
                .orElseThrow();
        assertThat(second.httpResponse().body().text()).isEqualTo("GET /second 0");
    }

    /**
     * The same upgrade through the real interceptor with every codec on the class path: the HTTP/1.1 codec records the
     * 101 and hands the connection to this codec, which records both streams as HTTP/2.
     */
    @Test
    void through_the_interceptor_the_http1_codec_hands_an_h2c_upgrade_over() throws Exception {
        var f = new Frames();
        try (var h2 = new NettyH2(true);
                var proxy =
                        dev.chaostesting.Interceptor.onPort(h2.port()).record().start();
                var s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(20_000);
            var out = s.getOutputStream();
            out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 101");
            out.write(Frames.concat(
                    Frames.PREFACE,
                    Frames.settings(),
                    Frames.frame(
                            1,
                            0x05,
                            3,
                            f.block(
                                    Side.CLIENT,
                                    ":method",
                                    "GET",
                                    ":scheme",
                                    "http",
                                    ":path",
                                    "/second",
                                    ":authority",
                                    "localhost"))));
            out.flush();
            var in = s.getInputStream();
            int ended = 0;
            while (ended < 2) {
                var header = in.readNBytes(9);
                int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
                in.readNBytes(length);
                int type = header[3];
                if (type == 4 && (header[4] & 1) == 0) {
                    out.write(Frames.settingsAck());
                    out.flush();
                }
                if ((header[4] & 1) != 0 && (type == 0 || type == 1)) {
                    ended++;
                }
            }
            s.shutdownOutput();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (proxy.recording().interactions().stream()
                                    .filter(i -> i.protocol().equals("http2"))
                                    .count()
                            < 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            var recorded = proxy.recording().interactions();
            assertThat(recorded)
                    .filteredOn(i -> i.protocol().equals("http"))
                    .singleElement()
                    .satisfies(i -> assertThat(i.httpResponse().status()).isEqualTo(101));
            assertThat(recorded)
                    .filteredOn(i -> i.protocol().equals("http2"))
                    .extracting(i ->
                            i.httpRequest().target() + " " + i.httpResponse().status())
                    .containsExactlyInAnyOrder("/upgraded 200", "/second 200");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
