package dev.chaostesting.replay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.replay.Rate;
import dev.chaostesting.testing.DebianPackages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Replayer} and its HTTP/1.1 client against real servers on loopback: nginx for the plain replay, and a scripted
 * socket server for the framings and failures a service can produce (chunked, close-delimited, bodiless statuses,
 * interim 1xx responses, a response written one byte at a time, a peer that never answers, a refused connection, a
 * connection closed or reset in the middle of a response, garbage), compared where it matters with what the JDK's
 * {@code HttpClient} (the replay's client before) reports for the same exchange.
 */
@Timeout(180)
class ReplayerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Rate FAST = Rate.parse("1000000/s");

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void replaysGetsAgainstNginxInOrderOverFewConnectionsAndThreads(@TempDir Path dir) throws Exception {
        var nginx = DebianPackages.require("nginx", "nginx-light", false);
        Files.createDirectories(dir.resolve("www/items"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(dir.resolve("www/items/" + i), "{\"id\":" + i + ",\"name\":\"item " + i + "\"}");
        }
        Files.writeString(dir.resolve("www/big"), "x".repeat(200_000));
        // nginx started as root serves as an unprivileged user: the files must be readable by others.
        for (var p : List.of(dir, dir.resolve("www"), dir.resolve("www/items"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        int port = freePort();
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/logs/error.log warn;
                events { worker_connections 1024; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  default_type application/json;
                  keepalive_requests 100000;
                  server {
                    listen 127.0.0.1:%2$d;
                    root %1$s/www;
                  }
                }
                """.formatted(dir, port));
        var process = new ProcessBuilder(
                        nginx.toString(),
                        "-p",
                        dir.toString(),
                        "-c",
                        dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.log").toFile())
                .start();
        closing.add(() -> {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        });
        awaitListening(port, process);

        int n = 600;
        var requests = new ArrayList<ReplayRequest>();
        for (int i = 0; i < n; i++) {
            requests.add(get(i, "/items/" + (i % 10)));
        }
        requests.add(get(n, "/items/none"));
        requests.add(request(n + 1, "HEAD", "/items/1", new byte[0]));
        requests.add(get(n + 2, "/big"));
        requests.add(get(n + 3, "/items/2"));
        var threads = ManagementFactory.getThreadMXBean();
        long started = threads.getTotalStartedThreadCount();
        List<Sample> samples;
        long connections;
        try (var replayer = new Replayer(URI.create("http://127.0.0.1:" + port), TIMEOUT, 16)) {
            samples = replayer.replay(requests, new Session(requests, Map.of()), FAST, 10_000, Duration.ofSeconds(60));
            connections = established(port); // kept alive after the replay, for the next step
        }
        long threadsStarted = threads.getTotalStartedThreadCount() - started;

        assertThat(samples).hasSize(n + 4);
        for (int i = 0; i < n; i++) {
            var s = samples.get(i);
            assertThat(s.request().index()).isEqualTo(i);
            assertThat(s.target()).isEqualTo("/items/" + (i % 10));
            assertThat(s.status()).as("request %d: %s", i, s.error()).isEqualTo(200);
            assertThat(s.timedOut()).isFalse();
            assertThat(s.body()).isEqualTo("{\"id\":" + (i % 10) + ",\"name\":\"item " + (i % 10) + "\"}");
            assertThat(s.latencyNanos()).isPositive();
        }
        assertThat(samples.get(n).status()).isEqualTo(404);
        assertThat(samples.get(n + 1).status()).isEqualTo(200);
        assertThat(samples.get(n + 1).body()).isEmpty(); // HEAD: Content-Length but no body
        assertThat(samples.get(n + 2).status()).isEqualTo(200);
        assertThat(samples.get(n + 2).body()).isEqualTo("x".repeat(64 * 1024)); // kept: the first 64 KiB
        assertThat(samples.get(n + 3).body()).isEqualTo("{\"id\":2,\"name\":\"item 2\"}");
        // The JDK client's asynchronous API started one thread per request on machines with two cores or fewer;
        // here one I/O thread and at most one connection per request in flight.
        assertThat(threadsStarted).as("threads started for %d requests", n + 4).isLessThan(10);
        assertThat(connections).as("connections to nginx").isBetween(1L, 16L);
    }

    @Test
    void readsEveryFramingAndBodilessStatus() throws Exception {
        var server = server((head, count, out) -> answer(head, out, false));
        var samples = replayFramings(server);
        assertFramings(samples);
        var post = server.heads().stream()
                .filter(h -> h.startsWith("POST /created"))
                .findFirst()
                .orElseThrow();
        assertThat(post)
                .startsWith("POST /created HTTP/1.1\r\nHost: 127.0.0.1:"
                        + server.base().getPort() + "\r\n")
                .contains("X-Replay: yes\r\n")
                .contains("Content-Length: 12\r\n")
                .endsWith("\r\n\r\n{\"name\":\"x\"}");
        assertThat(server.heads().stream().filter(h -> h.startsWith("GET ")))
                .allSatisfy(h -> assertThat(h).doesNotContainIgnoringCase("content-length"));
    }

    @Test
    void readsTheSameResponsesWrittenOneByteAtATime() throws Exception {
        var server = server((head, count, out) -> answer(head, out, true));
        assertFramings(replayFramings(server));
    }

    private List<Sample> replayFramings(Scripted server) {
        var requests = List.of(
                get(0, "/chunked"),
                get(1, "/close"),
                get(2, "/empty"),
                get(3, "/unchanged"),
                request(4, "HEAD", "/head", new byte[0]),
                request(5, "POST", "/created", "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
                get(6, "/plain"),
                get(7, "/continue"),
                get(8, "/http10"));
        try (var replayer = new Replayer(server.base(), TIMEOUT, 4)) {
            return replayer.replay(requests, new Session(requests, Map.of()), FAST, 100, Duration.ofSeconds(60));
        }
    }

    private static void assertFramings(List<Sample> samples) {
        assertThat(samples).extracting(Sample::status).containsExactly(200, 200, 204, 304, 200, 201, 200, 200, 200);
        assertThat(samples)
                .extracting(Sample::body)
                .containsExactly("{\"id\":1}", "{\"closed\":true}", "", "", "", "{}", "hello", "after", "old but fine");
        assertThat(samples).allSatisfy(s -> {
            assertThat(s.error()).isNull();
            assertThat(s.timedOut()).isFalse();
        });
    }

    /** The scripted answers of the framing tests. */
    private static void answer(String head, OutputStream out, boolean byteByByte) throws IOException {
        var target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
        var response = switch (target) {
            case "/chunked" ->
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json"
                        + "\r\n\r\n7;ext=1\r\n{\"id\":1\r\n1\r\n}\r\n0\r\nX-Trailer: t\r\n\r\n";
            case "/close" -> "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"closed\":true}";
            case "/empty" -> "HTTP/1.1 204 No Content\r\n\r\n";
            case "/unchanged" -> "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 10\r\n\r\n";
            case "/head" -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
            case "/created" -> "HTTP/1.1 201 Created\r\nLocation: /things/42\r\nContent-Length: 2\r\n\r\n{}";
            case "/continue" ->
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nafter";
            case "/http10" -> "HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nold but fine";
            default -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
        };
        if (byteByByte) {
            for (byte b : response.getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
            }
        } else {
            write(out, response);
        }
        if (target.equals("/close") || target.equals("/http10")) {
            throw new ClosedByServer();
        }
    }

    @Test
    void aPeerThatNeverAnswersTimesOutWithTheTimeoutAsLatency() throws Exception {
        var server = server((head, count, out) -> sleepQuietly(30_000));
        var timeout = Duration.ofMillis(700);
        var requests = List.of(get(0, "/slow"), get(1, "/slow"));
        List<Sample> samples;
        long t0 = System.nanoTime();
        try (var replayer = new Replayer(server.base(), timeout, 4)) {
            samples = replayer.replay(requests, new Session(requests, Map.of()), FAST, 100, Duration.ofSeconds(60));
        }
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(20));
        var expected = jdkClientError(server.base().resolve("/slow"), timeout);
        assertThat(samples).hasSize(2).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(-1);
            assertThat(s.timedOut()).isTrue();
            assertThat(s.statusKey()).isEqualTo("timeout");
            assertThat(s.latencyNanos()).isEqualTo(timeout.toNanos());
            assertThat(s.error()).isEqualTo(expected).startsWith(HttpTimeoutException.class.getName());
        });
    }

    @Test
    void failuresAreReportedAsTheJdkClientReportedThem() throws Exception {
        // Each failure against the same server, through the replay and through the JDK's client (which the replay
        // used before): status -1, no timeout, and the same error text (the same type for a bad status line, whose
        // description is the parser's own).
        var server = server((head, count, out) -> {
            if (head.startsWith("GET /partial ")) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":");
                sleepQuietly(100);
                throw new ClosedByServer();
            } else if (head.startsWith("GET /reset ")) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":");
                sleepQuietly(100);
                throw new ResetByServer();
            } else if (head.startsWith("GET /nothing ")) {
                throw new ClosedByServer();
            } else if (head.startsWith("GET /garbage ")) {
                write(out, "HTXP/1.1 200 OK\r\n\r\n");
                sleepQuietly(100);
                throw new ClosedByServer();
            }
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        var refused = URI.create("http://127.0.0.1:" + freePort());
        record Case(URI base, String path, boolean exactText) {}
        var cases = List.of(
                new Case(server.base(), "/partial", true),
                new Case(server.base(), "/reset", true),
                new Case(server.base(), "/nothing", true),
                new Case(server.base(), "/garbage", false),
                new Case(refused, "/refused", true));
        for (var c : cases) {
            var r = get(0, c.path());
            Sample sample;
            try (var replayer = new Replayer(c.base(), TIMEOUT, 2)) {
                sample = replayer.send(r, new Session(List.of(r), Map.of())).get(30, TimeUnit.SECONDS);
            }
            assertThat(sample.status()).as(c.path()).isEqualTo(-1);
            assertThat(sample.timedOut()).isFalse();
            assertThat(sample.statusKey()).isEqualTo("error");
            assertThat(sample.body()).isNull();
            var expected = jdkClientError(c.base().resolve(c.path()), TIMEOUT);
            if (c.exactText()) {
                assertThat(sample.error()).as(c.path()).isEqualTo(expected);
            } else {
                assertThat(errorType(sample.error())).as(sample.error()).isEqualTo(errorType(expected));
            }
        }
    }

    @Test
    void keepsConnectionsAliveAndSendsAGetAgainWhenAnIdleConnectionWasClosed() throws Exception {
        // On /once the server answers only the first request of a connection, and closes the connection without a
        // byte on the next: the race with an idle timeout. A GET is sent again on a new connection; a POST is not.
        var server = server((head, count, out) -> {
            if (head.contains(" /once ") && count > 0) {
                throw new ClosedByServer();
            }
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
        try (var replayer = new Replayer(server.base(), TIMEOUT, 1)) {
            var plain = List.of(get(0, "/a"), get(1, "/b"), get(2, "/c"));
            var samples = replayer.replay(plain, new Session(plain, Map.of()), FAST, 100, Duration.ofSeconds(30));
            assertThat(samples).extracting(Sample::status).containsExactly(200, 200, 200);
            assertThat(server.connections()).as("one keep-alive connection").isEqualTo(1);

            var once = get(0, "/once");
            var session = new Session(List.of(once), Map.of());
            var retried = replayer.send(once, session).get(30, TimeUnit.SECONDS);
            assertThat(retried.status()).as(retried.error()).isEqualTo(200);
            assertThat(server.connections()).isEqualTo(2);

            var post = request(0, "POST", "/once", new byte[0]);
            var notRetried =
                    replayer.send(post, new Session(List.of(post), Map.of())).get(30, TimeUnit.SECONDS);
            assertThat(notRetried.status()).isEqualTo(-1);
            assertThat(notRetried.error()).isEqualTo("java.io.IOException: HTTP/1.1 header parser received no bytes");
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void requestsTheJdkClientRefusedAreNotSent() throws Exception {
        var server = server((head, count, out) -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        var refused = List.of(
                request(0, "GET", "/a", new byte[0], Map.entry("Bad Name", "x")),
                request(1, "GET", "/a", new byte[0], Map.entry("X-Value", "line\r\nInjected: yes")),
                request(2, "GET", "/a", new byte[0], Map.entry("X-Value", "snowman \u2603")),
                request(3, "GE T", "/a", new byte[0]),
                request(4, "CONNECT", "/a", new byte[0]),
                get(5, "/a b"));
        try (var replayer = new Replayer(server.base(), TIMEOUT, 2)) {
            for (var r : refused) {
                var s = replayer.send(r, new Session(refused, Map.of())).get(30, TimeUnit.SECONDS);
                assertThat(s.status()).isEqualTo(-1);
                assertThat(s.error()).startsWith("not sendable: ");
                assertThat(s.timedOut()).isFalse();
            }
            // What it accepts: ISO-8859-1 letters and tabs in values, the restricted headers dropped.
            var fine = request(
                    0,
                    "GET",
                    "/ok?q=1",
                    new byte[0],
                    Map.entry("X-Value", "caf\u00e9\tau lait"),
                    Map.entry("Host", "elsewhere"),
                    Map.entry("Connection", "close"));
            var s = replayer.send(fine, new Session(List.of(fine), Map.of())).get(30, TimeUnit.SECONDS);
            assertThat(s.status()).as(s.error()).isEqualTo(200);
        }
        assertThat(server.heads()).hasSize(1);
        var head = server.heads().get(0);
        assertThat(head).startsWith("GET /ok?q=1 HTTP/1.1\r\nHost: 127.0.0.1:").doesNotContain("elsewhere");
        assertThat(head).doesNotContainIgnoringCase("connection:");
        assertThat(head.getBytes(StandardCharsets.ISO_8859_1))
                .contains("caf\u00e9\tau lait".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void mutatedResponsesAlwaysEndInAStatusOrAnError() throws Exception {
        // A seeded run of mutated and truncated responses, one connection each: every exchange completes (with a
        // status, or an error or a timeout), nothing escapes, and the client still works afterwards.
        var seeds = List.of(
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\nmissing",
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
        var random = new Random(20261124L);
        int n = 150;
        var responses = new ArrayList<byte[]>();
        for (int i = 0; i < n; i++) {
            var bytes = seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.ISO_8859_1);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(bytes.length);
                switch (random.nextInt(4)) {
                    case 0 -> bytes[at] = (byte) random.nextInt(256);
                    case 1 -> bytes = Arrays.copyOf(bytes, at); // truncated
                    case 2 -> bytes[at] = (byte) "\r\n :0123456789abcdef".charAt(random.nextInt(19));
                    default -> {
                        var longer = new byte[bytes.length + 1];
                        System.arraycopy(bytes, 0, longer, 0, at);
                        longer[at] = (byte) random.nextInt(256);
                        System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                        bytes = longer;
                    }
                }
                if (bytes.length == 0) {
                    bytes = new byte[] {'H'};
                }
            }
            responses.add(bytes);
        }
        var served = new AtomicInteger();
        var server = server((head, count, out) -> {
            var target = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            if (target.equals("/valid")) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                return;
            }
            out.write(responses.get(Integer.parseInt(target.substring(1))));
            out.flush();
            served.incrementAndGet();
            sleepQuietly(50);
            throw new ClosedByServer();
        });
        var requests = new ArrayList<ReplayRequest>();
        for (int i = 0; i < n; i++) {
            requests.add(get(i, "/" + i));
        }
        var timeout = Duration.ofMillis(1500);
        try (var replayer = new Replayer(server.base(), timeout, 32)) {
            var samples =
                    replayer.replay(requests, new Session(requests, Map.of()), FAST, 1000, Duration.ofSeconds(60));
            assertThat(samples).hasSize(n).allSatisfy(s -> {
                if (s.status() < 0) {
                    assertThat(s.error()).isNotBlank();
                    assertThat(s.body()).isNull();
                } else {
                    assertThat(s.error()).isNull();
                    assertThat(s.body()).isNotNull();
                    assertThat(s.timedOut()).isFalse();
                }
            });
            assertThat(samples.stream().filter(s -> s.status() > 0))
                    .as("some mutations still parse")
                    .isNotEmpty();
            assertThat(samples.stream().filter(s -> s.status() < 0))
                    .as("some do not")
                    .isNotEmpty();
            var valid = get(0, "/valid");
            var after =
                    replayer.send(valid, new Session(List.of(valid), Map.of())).get(30, TimeUnit.SECONDS);
            assertThat(after.status()).isEqualTo(200);
        }
        // Not every request reaches the server: a mutated response that ends early leaves its connection idle with
        // the rest of its bytes on the way, and they answer the next request sent on it.
        assertThat(served.get()).isBetween(n / 2, n);
    }

    @Test
    void onlyPlainHttpTargetsAreAccepted() {
        for (var target : List.of("https://127.0.0.1:8443", "ftp://127.0.0.1", "/relative")) {
            assertThatThrownBy(() -> new Replayer(URI.create(target), TIMEOUT, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("only http://");
        }
    }

    @Test
    void aClosedReplayerAnswersWithoutSending() throws Exception {
        var r = get(0, "/x");
        var replayer = new Replayer(URI.create("http://127.0.0.1:" + freePort()), TIMEOUT, 2);
        replayer.close();
        var s = replayer.send(r, new Session(List.of(r), Map.of())).get(5, TimeUnit.SECONDS);
        assertThat(s.status()).isEqualTo(-1);
        assertThat(s.error()).contains("closed");
    }

    /** What the JDK's client reported for the same exchange, as the replay reported it when it used that client. */
    private static String jdkClientError(URI uri, Duration timeout) {
        var client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
        var request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .method("GET", HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).join();
            throw new AssertionError("no failure");
        } catch (CompletionException e) {
            return String.valueOf(e.getCause());
        }
    }

    private static String errorType(String error) {
        int colon = error.indexOf(':');
        return colon < 0 ? error : error.substring(0, colon);
    }

    private static ReplayRequest get(int index, String target) {
        return request(index, "GET", target, new byte[0]);
    }

    @SafeVarargs
    private static ReplayRequest request(
            int index, String method, String target, byte[] body, Map.Entry<String, String>... extra) {
        var headers = new ArrayList<Map.Entry<String, String>>(
                List.of(Map.entry("X-Replay", "yes"), Map.entry("Accept", "*/*")));
        headers.addAll(List.of(extra));
        return new ReplayRequest(index, method, target, headers, body, method + " " + target, 0, 200, null, null);
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Established TCP connections accepted on a local IPv4 port: the server's side in /proc/net/tcp (the JVM's own side
     * is an IPv6 socket, listed in /proc/net/tcp6).
     */
    private static long established(int port) throws IOException {
        var hex = String.format(Locale.ROOT, ":%04X", port);
        return Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                .skip(1)
                .map(l -> l.strip().split("\\s+"))
                .filter(f -> f[3].equals("01") && f[1].endsWith(hex))
                .count();
    }

    private static void awaitListening(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (var s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                assertThat(process.isAlive()).as("nginx exited at start").isTrue();
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nginx is not listening on " + port);
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Scripted server(Handler handler) throws IOException {
        var s = new Scripted(handler);
        closing.add(s);
        return s;
    }

    @FunctionalInterface
    private interface Handler {
        /** Answers the {@code count}-th request (from 0) of a connection. */
        void answer(String request, int count, OutputStream out) throws IOException;
    }

    /** The handler closes the connection after what it wrote. */
    private static final class ClosedByServer extends RuntimeException {}

    /** The handler resets the connection (RST) after what it wrote. */
    private static final class ResetByServer extends RuntimeException {}

    /**
     * A loopback HTTP/1.1 server that answers each request with the bytes a handler writes, as they are; connections
     * stay open between requests unless the handler says otherwise.
     */
    private static final class Scripted implements AutoCloseable {
        private final ServerSocket socket;
        private final List<String> heads = new CopyOnWriteArrayList<>();
        private final List<Socket> connections = new CopyOnWriteArrayList<>();

        Scripted(Handler handler) throws IOException {
            socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            var acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        var c = socket.accept();
                        connections.add(c);
                        var t = new Thread(() -> serve(c, handler), "scripted-connection");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI base() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        List<String> heads() {
            return heads;
        }

        int connections() {
            return connections.size();
        }

        private void serve(Socket c, Handler handler) {
            try (c) {
                var in = c.getInputStream();
                var out = c.getOutputStream();
                for (int count = 0; count < 1000; count++) {
                    var request = readRequest(in);
                    if (request == null) {
                        return;
                    }
                    heads.add(request);
                    try {
                        handler.answer(request, count, out);
                    } catch (ClosedByServer e) {
                        return;
                    } catch (ResetByServer e) {
                        c.setSoLinger(true, 0);
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        /** One request head and its Content-Length body, as ISO-8859-1 text; null at the end of the connection. */
        private static String readRequest(InputStream in) throws IOException {
            var head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                boolean next =
                        (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3));
                matched = next ? matched + 1 : b == '\r' ? 1 : 0;
                if (head.size() > 64 * 1024) {
                    throw new IOException("request head too long");
                }
            }
            var text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (var line : text.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (var c : connections) {
                c.close();
            }
        }
    }
}
