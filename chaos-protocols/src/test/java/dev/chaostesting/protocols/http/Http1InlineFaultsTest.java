package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP protocol faults in line through the real interceptor, with real servers (the JDK's HttpServer and the demo
 * service) and real clients (the JDK's HttpClient, and a raw socket where the wire itself is measured).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http1InlineFaultsTest {

    private static final int BIG = 1 << 20;

    private HttpServer server;
    /** Requests the server handled, by "METHOD path". */
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    /** The remote address (the interceptor's side of each upstream connection) of every request served. */
    private final List<String> remotes = new CopyOnWriteArrayList<>();

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                var path = exchange.getRequestURI().getPath();
                served.computeIfAbsent(exchange.getRequestMethod() + " " + path, k -> new AtomicInteger())
                        .incrementAndGet();
                remotes.add(String.valueOf(exchange.getRemoteAddress()));
                exchange.getRequestBody().readAllBytes();
                if (path.equals("/big")) {
                    exchange.sendResponseHeaders(200, BIG);
                    var chunk = new byte[8192];
                    for (int i = 0; i < BIG / chunk.length; i++) {
                        java.util.Arrays.fill(chunk, (byte) ('a' + i % 26));
                        exchange.getResponseBody().write(chunk);
                    }
                    return;
                }
                var body = (exchange.getRequestMethod() + " " + path).getBytes(StandardCharsets.UTF_8);
                int status = exchange.getRequestMethod().equals("POST") ? 201 : 200;
                // Chunked (length 0) for one path, Content-Length for the others.
                exchange.sendResponseHeaders(status, path.equals("/chunked") ? 0 : body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private int served(String key) {
        var n = served.get(key);
        return n == null ? 0 : n.get();
    }

    private java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                BodyHandlers.ofString());
    }

    private java.net.http.HttpResponse<String> post(int port, String path, String body) throws Exception {
        return client.send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .POST(BodyPublishers.ofString(body))
                        .build(),
                BodyHandlers.ofString());
    }

    @Test
    void a_fault_injected_into_an_open_pooled_connection_answers_503_and_the_server_never_sees_the_request()
            throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                .protocolFaults()
                .record()
                .start()) {
            int port = proxy.port();
            // The client's pooled connection is opened before the fault exists.
            assertThat(get(port, "/orders/1").statusCode()).isEqualTo(200);
            try (var fault = proxy.inject(
                    HttpFaults.respond("POST", "/orders/{id}", 503, Map.of("Retry-After", "1"), "try later"))) {
                var faulted = post(port, "/orders/7", "{\"qty\":1}");
                assertThat(faulted.statusCode()).isEqualTo(503);
                assertThat(faulted.body()).isEqualTo("try later");
                assertThat(faulted.headers().firstValue("Retry-After")).contains("1");
                // Other requests on the same connection are unaffected, and keep their own answers.
                var other = get(port, "/orders/7");
                assertThat(other.statusCode()).isEqualTo(200);
                assertThat(other.body()).isEqualTo("GET /orders/7");
                assertThat(post(port, "/payments/7", "x").statusCode()).isEqualTo(201);
            }
            assertThat(served("POST /orders/7")).isZero();
            // Removing the fault restores the server's answers.
            var restored = post(port, "/orders/7", "{\"qty\":1}");
            assertThat(restored.statusCode()).isEqualTo(201);
            assertThat(served("POST /orders/7")).isEqualTo(1);
            // One connection throughout: the 503 was answered on the pooled keep-alive connection.
            assertThat(remotes).hasSize(4);
            assertThat(remotes.stream().distinct()).hasSize(1);
            // The recording is the conversation as the client had it: the POST with the injected 503.
            var interactions = proxy.recording().interactions();
            assertThat(interactions)
                    .filteredOn(i -> i.request() instanceof HttpRequest r
                            && r.method().equals("POST")
                            && r.target().equals("/orders/7"))
                    .hasSize(2)
                    .satisfiesExactly(
                            first -> {
                                assertThat(((HttpResponse) first.response()).status())
                                        .isEqualTo(503);
                                assertThat(first.attributes()).containsEntry("faults", "http_503");
                            },
                            second -> assertThat(((HttpResponse) second.response()).status())
                                    .isEqualTo(201));
            assertThat(interactions)
                    .filteredOn(i ->
                            i.request() instanceof HttpRequest r && r.method().equals("GET"))
                    .allSatisfy(i ->
                            assertThat(((HttpResponse) i.response()).status()).isEqualTo(200));
        }
    }

    @Test
    void demo_service_post_books_gets_503_while_get_passes() throws Exception {
        try (var demo = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                var proxy = Interceptor.onPort(demo.port()).protocolFaults().start()) {
            int port = proxy.port();
            assertThat(get(port, "/health").statusCode()).isEqualTo(200);
            long before = demo.requestCount();
            try (var fault = proxy.inject(HttpFaults.respond("POST", "/api/books", 503))) {
                assertThat(post(port, "/api/books", "{\"title\":\"Dune\"}").statusCode())
                        .isEqualTo(503);
                assertThat(get(port, "/health").statusCode()).isEqualTo(200);
                // Only the GET reached the service.
                assertThat(demo.requestCount()).isEqualTo(before + 1);
            }
            // Without the fault the service answers itself (401: no token).
            assertThat(post(port, "/api/books", "{\"title\":\"Dune\"}").statusCode())
                    .isEqualTo(401);
            assertThat(demo.requestCount()).isEqualTo(before + 2);
        }
    }

    @Test
    void a_truncated_body_makes_the_client_fail_with_an_io_exception() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                .protocolFaults()
                .start()) {
            int port = proxy.port();
            assertThat(get(port, "/big").body()).hasSize(BIG);
            try (var fault = proxy.inject(HttpFaults.truncateBody("GET", "/big", 1000))) {
                assertThatThrownBy(() -> get(port, "/big")).isInstanceOf(IOException.class);
                // Small bodies on other paths pass.
                assertThat(get(port, "/small").body()).isEqualTo("GET /small");
            }
            try (var fault = proxy.inject(HttpFaults.abortAfterHeaders("GET", "/chunked", false))) {
                assertThatThrownBy(() -> get(port, "/chunked")).isInstanceOf(IOException.class);
            }
            assertThat(get(port, "/big").body()).hasSize(BIG);
        }
    }

    @Test
    void truncation_on_the_wire_passes_exactly_the_bytes_asked_for() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                        .protocolFaults()
                        .start();
                var fault = proxy.inject(HttpFaults.truncateBody("GET", "/big", 1000));
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            var all = socket.getInputStream().readAllBytes();
            var text = new String(all, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n") + 4;
            assertThat(text).startsWith("HTTP/1.1 200").contains("Content-length: " + BIG);
            assertThat(all.length - headEnd).isEqualTo(1000);
        }
    }

    @Test
    void an_aborted_request_fails_the_client_and_never_reaches_the_server() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                .protocolFaults()
                .start()) {
            int port = proxy.port();
            try (var fault = proxy.inject(HttpFaults.abort("DELETE", "/orders/*", true))) {
                assertThatThrownBy(() -> client.send(
                                java.net.http.HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/orders/3"))
                                        .DELETE()
                                        .build(),
                                BodyHandlers.ofString()))
                        .isInstanceOf(IOException.class);
                assertThat(get(port, "/orders/3").statusCode()).isEqualTo(200);
            }
            assertThat(served("DELETE /orders/3")).isZero();
        }
    }

    @Test
    void delayed_headers_are_measured_on_the_wire_and_the_body_follows() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                        .protocolFaults()
                        .start();
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(30_000);
            var out = socket.getOutputStream();
            var in = socket.getInputStream();
            // Warm up (connection and server threads), without the fault.
            out.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).endsWith("GET /slow");
            long plain = System.nanoTime();
            out.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            int first = in.read();
            long plainNanos = System.nanoTime() - plain;
            assertThat(first).isEqualTo('H');
            assertThat(readResponse(in)).endsWith("GET /slow");
            try (var fault = proxy.inject(HttpFaults.delayHeaders("GET", "/slow", Duration.ofMillis(700)))) {
                long start = System.nanoTime();
                out.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.read()).isEqualTo('H');
                long waited = System.nanoTime() - start;
                assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(700));
                assertThat(readResponse(in)).startsWith("TTP/1.1 200").endsWith("GET /slow");
            }
            assertThat(plainNanos).isLessThan(TimeUnit.MILLISECONDS.toNanos(700));
        }
    }

    @Test
    void pipelined_requests_keep_their_order_with_an_injected_answer_among_them() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                        .protocolFaults()
                        .start();
                var fault = proxy.inject(HttpFaults.respond("POST", "/orders/*", 503, Map.of(), "no"));
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(30_000);
            var requests = "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /orders/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /orders/2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /last HTTP/1.1\r\nHost: x\r\n\r\n";
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            var in = socket.getInputStream();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("GET /first");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 503").endsWith("no");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").contains("GET /chunked");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 503").endsWith("no");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("GET /last");
            assertThat(served("POST /orders/1") + served("POST /orders/2")).isZero();
            assertThat(served("GET /last")).isEqualTo(1);
        }
    }

    @Test
    void connection_close_on_a_faulted_request_is_honoured() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                        .protocolFaults()
                        .start();
                var fault = proxy.inject(HttpFaults.respond("GET", "/**", 429));
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write("GET /a/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            var all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 429 Too Many Requests\r\n").contains("Connection: close\r\n");
            assertThat(served).isEmpty();
        }
    }

    @Test
    void a_replaced_response_is_what_the_client_sees_while_the_server_ran_the_request() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                .protocolFaults()
                .start()) {
            int port = proxy.port();
            try (var fault = proxy.inject(
                    HttpFaults.replace("POST", "/orders", 500, Map.of("X-Replaced", "yes"), "{\"error\":1}"))) {
                var replaced = post(port, "/orders", "{}");
                assertThat(replaced.statusCode()).isEqualTo(500);
                assertThat(replaced.body()).isEqualTo("{\"error\":1}");
                assertThat(replaced.headers().firstValue("X-Replaced")).contains("yes");
                // The server's own large body is dropped on the way, and the connection goes on.
                assertThat(get(port, "/orders").body()).isEqualTo("GET /orders");
            }
            assertThat(served("POST /orders")).isEqualTo(1);
            try (var fault = proxy.inject(HttpFaults.replaceStatus("GET", "/big", 206))) {
                var big = get(port, "/big");
                assertThat(big.statusCode()).isEqualTo(206);
                assertThat(big.body()).hasSize(BIG);
            }
        }
    }

    @Test
    void without_protocol_faults_a_connection_opened_while_the_fault_is_injected_runs_in_line() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                .inject(HttpFaults.respond("GET", "/down/**", 503))
                .start()) {
            var fresh =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var uri = URI.create("http://127.0.0.1:" + proxy.port() + "/down/a/b?x=1");
            assertThat(fresh.send(java.net.http.HttpRequest.newBuilder(uri).build(), BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(503);
            assertThat(get(proxy.port(), "/up").statusCode()).isEqualTo(200);
            assertThat(served("GET /down/a/b")).isZero();
        }
    }

    @Test
    void per_chunk_toxicity_draws_per_request_on_one_connection() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort())
                .protocolFaults()
                .seed(11)
                .start()) {
            int port = proxy.port();
            assertThat(get(port, "/warm").statusCode()).isEqualTo(200);
            proxy.inject(HttpFaults.respond("GET", "/maybe", 503).toxicity(0.5).perChunk());
            int faulted = 0;
            for (int i = 0; i < 40; i++) {
                if (get(port, "/maybe").statusCode() == 503) {
                    faulted++;
                }
            }
            assertThat(faulted).isBetween(1, 39);
            assertThat(served("GET /maybe")).isEqualTo(40 - faulted);
            assertThat(remotes.stream().distinct()).hasSize(1);
        }
    }

    @Test
    void an_upgraded_connection_passes_through_even_under_a_fault_matching_every_request() throws Exception {
        try (var upgrading = new java.net.ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            var echo = new Thread(() -> {
                try (var s = upgrading.accept()) {
                    var in = s.getInputStream();
                    var head = new ByteArrayOutputStream();
                    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                        head.write(in.read());
                    }
                    s.getOutputStream()
                            .write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    in.transferTo(s.getOutputStream());
                } catch (IOException e) {
                    // the test fails on the client side
                }
            });
            echo.setDaemon(true);
            echo.start();
            try (var proxy = Interceptor.onPort(upgrading.getLocalPort())
                            .protocolFaults()
                            .start();
                    var fault = proxy.inject(HttpFaults.respond("*", "/**", 500));
                    var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                socket.setSoTimeout(30_000);
                var out = socket.getOutputStream();
                out.write("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                var in = socket.getInputStream();
                var head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                assertThat(head.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 101 ");
                // After the upgrade, bytes that look like a request are not requests any more.
                var tunnelled = "GET /x HTTP/1.1\r\n\r\n\u0000\u00ff binary".getBytes(StandardCharsets.ISO_8859_1);
                out.write(tunnelled);
                assertThat(in.readNBytes(tunnelled.length)).isEqualTo(tunnelled);
            }
        }
    }

    @Test
    void a_bad_spec_is_refused_in_one_line() throws Exception {
        try (var proxy = Interceptor.onPort(server.getAddress().getPort()).start()) {
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("http", Map.of("respnd", Map.of()))))
                    .hasMessage("http fault: unknown field 'respnd'"
                            + " (expected: abort, delayHeaders, match, replace, respond, truncateBody)");
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("http", Map.of("respond", Map.of("status", 42)))))
                    .hasMessage("http fault: respond.status 42 (expected a final status, 200 to 999)");
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("http", Map.of("delayHeaders", "soon"))))
                    .hasMessage("http fault: delayHeaders 'soon' (expected a duration such as 500ms, 2s or PT1S)");
        }
    }

    /** Reads one response (Content-Length or chunked) and returns it as text. */
    static String readResponse(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("ended in a head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        var text = head.toString(StandardCharsets.ISO_8859_1);
        var lower = text.toLowerCase(java.util.Locale.ROOT);
        var body = new ByteArrayOutputStream();
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                var line = new ByteArrayOutputStream();
                while (!line.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n")) {
                    line.write(in.read());
                }
                int size = Integer.parseInt(
                        line.toString(StandardCharsets.ISO_8859_1).trim(), 16);
                body.write(in.readNBytes(size));
                in.readNBytes(2);
                if (size == 0) {
                    break;
                }
            }
        } else {
            int at = lower.indexOf("content-length: ");
            int length = Integer.parseInt(
                    lower.substring(at + 16, lower.indexOf("\r\n", at)).trim());
            body.write(in.readNBytes(length));
        }
        return text + body.toString(StandardCharsets.ISO_8859_1);
    }
}
