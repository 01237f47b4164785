package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The in-line handler fed the same conversation whole, one byte at a time and in random pieces, through a fake
 * {@link InlineContext}: what it sends to each side, the faults it reports and how it ends the connection are the same
 * every time. A seeded mutation run checks that without faults every byte passes unchanged, whatever the bytes.
 */
class Http1InlineFragmentTest {

    /** What the handler did. */
    static final class FakeContext implements InlineContext {
        final List<ActiveFault> faults;
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final List<String> acted = new ArrayList<>();
        final List<Runnable> timers = new ArrayList<>();
        String closed = "";

        FakeContext(List<Fault> faults) {
            this.faults = faults.stream()
                    .map(f -> new ActiveFault(f.name(), ((Effect.Protocol) f.effect()).spec()))
                    .toList();
        }

        @Override
        public ConnectionInfo connection() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ActiveFault> faults() {
            return faults;
        }

        @Override
        public synchronized void send(Side to, ByteBuffer bytes) {
            var copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            assertThat(closed).as("sent after the connection was ended").isEmpty();
            (to == Side.SERVER ? toServer : toClient).writeBytes(copy);
        }

        @Override
        public void close(boolean reset) {
            closed = reset ? "reset" : "close";
        }

        @Override
        public void acted(String faultName) {
            acted.add(faultName);
        }

        @Override
        public InetSocketAddress listenerFor(InetSocketAddress upstream) {
            throw new UnsupportedOperationException();
        }

        /** Everything observable, as one string to compare. */
        String outcome() {
            return "to server:\n" + toServer.toString(StandardCharsets.ISO_8859_1) + "\nto client:\n"
                    + toClient.toString(StandardCharsets.ISO_8859_1) + "\nacted: " + acted + "\nclosed: " + closed;
        }
    }

    record Event(Side from, String bytes) {}

    static Event c(String s) {
        return new Event(Side.CLIENT, s);
    }

    static Event s(String s) {
        return new Event(Side.SERVER, s);
    }

    /** A keep-alive conversation with pipelining, both framings, trailers, HEAD, an interim response and a body. */
    static final List<Event> SESSION = List.of(
            c(
                    "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "POST /orders/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n{\"qty\": 12}"
                            + "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\nT: 1\r\n\r\n"),
            s("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                    + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\nX-T: 2\r\n\r\n"),
            c("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"),
            s("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"),
            c("POST /slow HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
            s("HTTP/1.1 100 Continue\r\n\r\n"),
            c("abc"),
            s("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow"),
            c("DELETE /orders/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /cut HTTP/1.1\r\nHost: x\r\n\r\n"),
            s("HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456789abcdefghij"),
            c("GET /never HTTP/1.1\r\nHost: x\r\n\r\n"));

    static final List<Fault> FAULTS = List.of(
            HttpFaults.respond("POST", "/orders/{id}", 503, Map.of("Retry-After", "3"), "busy"),
            HttpFaults.delayHeaders("POST", "/slow", Duration.ofMillis(10)),
            HttpFaults.respond("DELETE", "/orders/*", 404),
            HttpFaults.truncateBody("GET", "/cut", 7));

    /** Feeds the session with each event cut by {@code cut} (the size of the next piece, given what is left). */
    static FakeContext run(List<Event> session, List<Fault> faults, IntUnaryOperator cut) {
        var context = new FakeContext(faults);
        var handler = new Http1Inline(context, (nanos, action) -> context.timers.add(action));
        for (var event : session) {
            var bytes = event.bytes().getBytes(StandardCharsets.ISO_8859_1);
            int at = 0;
            while (at < bytes.length) {
                int n = Math.max(1, Math.min(bytes.length - at, cut.applyAsInt(bytes.length - at)));
                handler.onData(event.from(), ByteBuffer.wrap(bytes, at, n).asReadOnlyBuffer());
                at += n;
            }
            // Timers fire between events, whatever the pieces were.
            var due = List.copyOf(context.timers);
            context.timers.clear();
            due.forEach(Runnable::run);
        }
        handler.onEnd(Side.CLIENT);
        handler.onEnd(Side.SERVER);
        return context;
    }

    @Test
    void the_same_bytes_in_any_pieces_give_the_same_result() {
        var whole = run(SESSION, FAULTS, left -> left);
        assertThat(run(SESSION, FAULTS, left -> 1).outcome()).isEqualTo(whole.outcome());
        var random = new Random(7);
        for (int i = 0; i < 50; i++) {
            assertThat(run(SESSION, FAULTS, left -> 1 + random.nextInt(Math.min(left, 40)))
                            .outcome())
                    .isEqualTo(whole.outcome());
        }
        var toServer = whole.toServer.toString(StandardCharsets.ISO_8859_1);
        var toClient = whole.toClient.toString(StandardCharsets.ISO_8859_1);
        // The faulted requests never reach the server; the others do, bodies included.
        assertThat(toServer)
                .doesNotContain("/orders/")
                .doesNotContain("qty")
                .contains("4\r\nabcd\r\n0\r\nT: 1\r\n\r\n")
                .contains("POST /slow")
                .contains("GET /cut")
                .doesNotContain("/never");
        // Answers in turn: 200 /a, our 503, 201 /up, 200 to HEAD, 100, 200 /slow (delayed), our 404, 7 bytes of /cut.
        assertThat(toClient)
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                        + "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 4\r\n\r\nbusy"
                        + "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\nX-T: 2\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"
                        + "HTTP/1.1 100 Continue\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow"
                        + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123456");
        assertThat(whole.acted).containsExactly("http_503", "http_delay_headers", "http_404", "http_truncate_body");
        assertThat(whole.closed).isEqualTo("close");
    }

    @Test
    void a_replaced_response_keeps_the_server_fields_not_named_and_drops_its_body_in_any_pieces() {
        var session = List.of(
                c("GET /r HTTP/1.1\r\nHost: x\r\n\r\nGET /s HTTP/1.1\r\nHost: x\r\n\r\nHEAD /r HTTP/1.1\r\n\r\n"),
                s("HTTP/1.1 200 OK\r\nX-Server: 1\r\nETag: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"));
        var faults = List.of(
                HttpFaults.replace("GET", "/r", 500, Map.of("ETag", "b"), "oops"),
                HttpFaults.replaceStatus("GET", "/s", 202),
                HttpFaults.replace("HEAD", "/r", 500, Map.of(), "oops"));
        var whole = run(session, faults, left -> left);
        assertThat(whole.toClient.toString(StandardCharsets.ISO_8859_1))
                .isEqualTo(
                        "HTTP/1.1 500 Internal Server Error\r\nX-Server: 1\r\nETag: b\r\nContent-Length: 4\r\n\r\noops"
                                + "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok"
                                + "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\n");
        assertThat(whole.acted).containsExactly("http_replace_500", "http_replace_202", "http_replace_500");
        assertThat(run(session, faults, left -> 1).outcome()).isEqualTo(whole.outcome());
        var random = new Random(3);
        for (int i = 0; i < 30; i++) {
            assertThat(run(session, faults, left -> 1 + random.nextInt(Math.min(left, 20)))
                            .outcome())
                    .isEqualTo(whole.outcome());
        }
    }

    @Test
    void a_delayed_head_holds_the_body_until_the_timer_fires() {
        var context = new FakeContext(List.of(HttpFaults.delayHeaders("GET", "/d", Duration.ofSeconds(1))));
        var handler = new Http1Inline(context, (nanos, action) -> context.timers.add(action));
        handler.onData(Side.CLIENT, bytes("GET /d HTTP/1.1\r\n\r\nGET /e HTTP/1.1\r\n\r\n"));
        handler.onData(
                Side.SERVER,
                bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n"));
        handler.onData(Side.SERVER, bytes("e"));
        assertThat(context.toClient.size()).isZero();
        assertThat(context.timers).hasSize(1);
        context.timers.get(0).run();
        assertThat(context.toClient.toString(StandardCharsets.ISO_8859_1))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ne");
    }

    @Test
    void upgrade_and_connect_pass_through() {
        var all = List.of(HttpFaults.respond("*", "/**", 500));
        var context = new FakeContext(all);
        var handler = new Http1Inline(context, (nanos, action) -> context.timers.add(action));
        handler.onData(Side.CLIENT, bytes("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
        handler.onData(
                Side.SERVER, bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi"));
        handler.onData(Side.CLIENT, bytes("GET /not-http-anymore HTTP/1.1\r\n\r\n"));
        assertThat(context.toServer.toString(StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
                        + "GET /not-http-anymore HTTP/1.1\r\n\r\n");
        assertThat(context.toClient.toString(StandardCharsets.ISO_8859_1)).endsWith("\r\n\r\n\u0081\u0002hi");
        assertThat(context.acted).isEmpty();

        var connect = new FakeContext(all);
        var tunnel = new Http1Inline(connect, (nanos, action) -> connect.timers.add(action));
        tunnel.onData(Side.CLIENT, bytes("CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\n\u0000\u0001"));
        tunnel.onData(Side.SERVER, bytes("HTTP/1.1 200 Connection established\r\n\r\nRAW"));
        assertThat(connect.toServer.toString(StandardCharsets.ISO_8859_1)).endsWith("\r\n\r\n\u0000\u0001");
        assertThat(connect.toClient.toString(StandardCharsets.ISO_8859_1)).endsWith("\r\n\r\nRAW");
        assertThat(connect.acted).isEmpty();
    }

    @Test
    void without_faults_every_byte_passes_unchanged_whatever_the_bytes() {
        var random = new Random(42);
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        for (int round = 0; round < 2000 && System.nanoTime() < deadline; round++) {
            var session = new ArrayList<Event>();
            for (var e : SESSION) {
                var b = e.bytes().getBytes(StandardCharsets.ISO_8859_1);
                for (int m = random.nextInt(4); m > 0; m--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                session.add(new Event(e.from(), new String(b, StandardCharsets.ISO_8859_1)));
            }
            var expectedServer = new StringBuilder();
            var expectedClient = new StringBuilder();
            for (var e : session) {
                (e.from() == Side.CLIENT ? expectedServer : expectedClient).append(e.bytes());
            }
            var plain = run(session, List.of(), left -> 1 + random.nextInt(Math.min(left, 30)));
            assertThat(plain.toServer.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expectedServer.toString());
            assertThat(plain.toClient.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expectedClient.toString());
            // With faults: never an exception, whatever is sent.
            run(session, FAULTS, left -> 1 + random.nextInt(Math.min(left, 30)));
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)).asReadOnlyBuffer();
    }
}
