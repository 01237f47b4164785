package dev.chaostesting.protocols.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP through the real proxy on loopback: forwarding stays exact, and the recording is HTTP. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpThroughProxyTest {

    private ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        var t = new Thread(r, "test-http-server");
        t.setDaemon(true);
        return t;
    });

    /**
     * A minimal keep-alive HTTP/1.1 server: answers every request with 200 and a body naming the path and the SHA-256
     * of the request body; anything that is not a well-formed request is echoed back byte for byte, as a non-HTTP peer
     * would.
     */
    @BeforeEach
    void startServer() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    var s = server.accept();
                    threads.execute(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        threads.shutdownNow();
    }

    private static void serve(Socket s) {
        try (s) {
            var in = s.getInputStream();
            var out = s.getOutputStream();
            while (true) {
                var head = readHead(in);
                if (head == null) {
                    return;
                }
                boolean wellFormed = (head.startsWith("GET ") || head.startsWith("POST "))
                        && head.lines().skip(1).filter(l -> !l.isEmpty()).allMatch(l -> l.contains(":"));
                if (!wellFormed) {
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    in.transferTo(out);
                    return;
                }
                var path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                long length = 0;
                for (var line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).trim());
                    }
                }
                var digest = MessageDigest.getInstance("SHA-256");
                var buf = new byte[65536];
                for (long left = length; left > 0; ) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        return;
                    }
                    digest.update(buf, 0, n);
                    left -= n;
                }
                var body = (path + " " + HexFormat.of().formatHex(digest.digest())).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (Exception e) {
            // the client went away
        }
    }

    /** Reads up to and including the blank line; null on EOF before anything. */
    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : 0;
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 65536) {
                break;
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readResponse(InputStream in) throws IOException {
        var head = readHead(in);
        int length = 0;
        for (var line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static Socket connect(int port) throws IOException {
        var s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(30_000);
        s.setTcpNoDelay(true);
        return s;
    }

    @Test
    void a_thousand_concurrent_keep_alive_connections_are_relayed_and_recorded_as_http() throws Exception {
        try (var proxy = Interceptor.onPort(server.getLocalPort()).record().start()) {
            var sockets = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 1000; i++) {
                    sockets.add(connect(proxy.port()));
                }
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < sockets.size(); i++) {
                        OutputStream out = sockets.get(i).getOutputStream();
                        out.write(("GET /c/" + i + "/r/" + round + " HTTP/1.1\r\nHost: test\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    for (int i = 0; i < sockets.size(); i++) {
                        var response = readResponse(sockets.get(i).getInputStream());
                        assertThat(response).startsWith("HTTP/1.1 200 OK").contains("/c/" + i + "/r/" + round + " ");
                    }
                }
                assertThat(proxy.stats().activeConnections()).isEqualTo(1000);
            } finally {
                for (var s : sockets) {
                    s.close();
                }
            }
            assertThat(proxy.recording().awaitCount(3000, Duration.ofSeconds(30)))
                    .isTrue();
            var recorded = proxy.recording().interactions();
            assertThat(recorded).hasSize(3000).allSatisfy(i -> {
                assertThat(i.protocol()).isEqualTo("http");
                assertThat(i.httpResponse().status()).isEqualTo(200);
                assertThat(i.httpResponse().body().text())
                        .startsWith(i.httpRequest().target() + " ");
            });
            assertThat(new HashSet<>(
                            recorded.stream().map(Interaction::connection).toList()))
                    .hasSize(1000);
        }
    }

    @Test
    void pipelined_requests_are_answered_in_order_and_each_recorded() throws Exception {
        try (var proxy = Interceptor.onPort(server.getLocalPort()).record().start();
                var s = connect(proxy.port())) {
            var batch = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                batch.append("GET /p/").append(i).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            s.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 5; i++) {
                assertThat(readResponse(s.getInputStream())).contains("/p/" + i + " ");
            }
            assertThat(proxy.recording().awaitCount(5, Duration.ofSeconds(10))).isTrue();
            assertThat(proxy.recording().interactions())
                    .extracting(i -> i.httpRequest().target())
                    .containsExactly("/p/0", "/p/1", "/p/2", "/p/3", "/p/4");
        }
    }

    @Test
    void a_64_mib_upload_is_forwarded_intact_and_recorded_truncated_with_its_size() throws Exception {
        var body = new byte[64 << 20];
        new Random(7).nextBytes(body);
        var expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        try (var proxy = Interceptor.onPort(server.getLocalPort())
                        .record()
                        .maxRecordedBodyBytes(4096)
                        .start();
                var s = connect(proxy.port())) {
            var out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                            + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            assertThat(readResponse(s.getInputStream())).endsWith("/upload " + expected);
            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(10))).isTrue();
            var recorded = proxy.recording().interactions().get(0).httpRequest().body();
            assertThat(recorded.truncated()).isTrue();
            assertThat(recorded.size()).isEqualTo(body.length);
            assertThat(recorded.bytes()).isEqualTo(java.util.Arrays.copyOf(body, 4096));
        }
    }

    @Test
    void malformed_http_is_passed_through_unchanged_and_recorded_as_raw_tcp() throws Exception {
        var garbage = "GET /ok HTTP/1.1\r\nThis line has no colon\r\n\r\n\u0000\u0001binary\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        try (var proxy = Interceptor.onPort(server.getLocalPort()).record().start();
                var s = connect(proxy.port())) {
            s.getOutputStream().write(garbage);
            s.shutdownOutput();
            var echoed = s.getInputStream().readAllBytes();
            assertThat(echoed).isEqualTo(garbage);
            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(10))).isTrue();
            var recorded = proxy.recording().interactions();
            var sent = new ByteArrayOutputStream();
            var received = new ByteArrayOutputStream();
            for (var i : recorded) {
                assertThat(i.protocol()).isEqualTo("tcp");
                if (i.request() != null) {
                    sent.writeBytes(((TcpData) i.request()).data().bytes());
                }
                if (i.response() != null) {
                    received.writeBytes(((TcpData) i.response()).data().bytes());
                }
            }
            assertThat(sent.toByteArray()).isEqualTo(garbage);
            assertThat(received.toByteArray()).isEqualTo(garbage);
            assertThat(recorded.get(0).attributes()).containsKey("decodeError");
        }
    }

    @Test
    void tls_and_unknown_protocols_pass_through_as_raw_tcp() throws Exception {
        var clientHello = new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};
        try (var proxy = Interceptor.onPort(server.getLocalPort()).record().start();
                var s = connect(proxy.port())) {
            s.getOutputStream().write(clientHello);
            s.shutdownOutput();
            assertThat(s.getInputStream().readAllBytes()).isEqualTo(clientHello);
            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(10))).isTrue();
            var first = proxy.recording().interactions().get(0);
            assertThat(first.protocol()).isEqualTo("tcp");
            assertThat(first.attributes()).containsEntry("tls", "true");
            assertThat(((TcpData) first.request()).data().bytes()).isEqualTo(clientHello);
        }
    }
}
