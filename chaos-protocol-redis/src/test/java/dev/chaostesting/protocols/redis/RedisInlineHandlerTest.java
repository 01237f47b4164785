package dev.chaostesting.protocols.redis;

import static dev.chaostesting.protocols.redis.Wire.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.Direction;
import dev.chaostesting.protocols.redis.internal.RedisInline;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-line handler fed through a fake context: what it sends each side, for sessions written as the real server
 * and clients speak, fed whole, one byte at a time and in random chunks (the same result every time).
 */
class RedisInlineHandlerTest {

    static final Map<String, Object> READONLY_SESSION_GETS =
            Map.of("match", Map.of("command", "GET", "key", "session:*"), "error", Map.of("prefix", "READONLY"));
    static final String READONLY = "-READONLY You can't write against a read only replica.\r\n";

    /** A fake context: records what is sent to each side, the closes and the faults that acted. */
    static final class Fake implements InlineContext {
        final List<ActiveFault> faults = new ArrayList<>();
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final List<String> log = new ArrayList<>();
        dev.chaostesting.spi.InlineHandler handler;

        @Override
        public ConnectionInfo connection() {
            return new ConnectionInfo("c1", "127.0.0.1:50000", "127.0.0.1:6379", 6379, Direction.INBOUND);
        }

        @Override
        public List<ActiveFault> faults() {
            return List.copyOf(faults);
        }

        @Override
        public void send(Side to, ByteBuffer bytes) {
            var b = new byte[bytes.remaining()];
            bytes.get(b);
            (to == Side.SERVER ? toServer : toClient).writeBytes(b);
        }

        @Override
        public void close(boolean reset) {
            log.add(reset ? "reset" : "close");
        }

        @Override
        public void acted(String faultName) {
            log.add("acted " + faultName);
        }

        @Override
        public InetSocketAddress listenerFor(InetSocketAddress upstream) {
            throw new UnsupportedOperationException();
        }

        String server() {
            return toServer.toString(StandardCharsets.ISO_8859_1);
        }

        String client() {
            return toClient.toString(StandardCharsets.ISO_8859_1);
        }
    }

    record Step(Side side, String bytes) {}

    static Step c(String s) {
        return new Step(Side.CLIENT, s);
    }

    static Step s(String s) {
        return new Step(Side.SERVER, s);
    }

    /** Plays the steps with this chunking (0: whole, 1: one byte, -1: random) and gives the context. */
    static Fake play(Map<String, Object> spec, List<Step> steps, int chunk, long seed) {
        var fake = new Fake();
        if (spec != null) {
            fake.faults.add(new InlineContext.ActiveFault("f", spec));
        }
        var handler = new RedisCodec().newInlineHandler(fake);
        fake.handler = handler;
        var random = new Random(seed);
        for (var step : steps) {
            var bytes = step.bytes().getBytes(StandardCharsets.ISO_8859_1);
            int at = 0;
            while (at < bytes.length) {
                int n = chunk == 0 ? bytes.length : chunk == 1 ? 1 : 1 + random.nextInt(Math.min(17, bytes.length));
                n = Math.min(n, bytes.length - at);
                handler.onData(step.side(), ByteBuffer.wrap(bytes, at, n).asReadOnlyBuffer());
                at += n;
            }
        }
        assertThat(((RedisInline) handler).failure()).isNull();
        return fake;
    }

    /** Plays whole, byte by byte and in random chunks; all give the same; returns the whole one. */
    static Fake same(Map<String, Object> spec, List<Step> steps) {
        var whole = play(spec, steps, 0, 0);
        for (int seed = 0; seed < 20; seed++) {
            for (int chunk : new int[] {1, -1}) {
                var other = play(spec, steps, chunk, seed);
                assertThat(other.server()).isEqualTo(whole.server());
                assertThat(other.client()).isEqualTo(whole.client());
                assertThat(other.log).isEqualTo(whole.log);
            }
        }
        return whole;
    }

    @Test
    void a_pipelined_matching_get_is_answered_in_its_turn_and_never_reaches_the_server() {
        var steps = List.of(
                c(command("SET", "a", "1") + command("GET", "session:1") + command("GET", "a")),
                s("+OK\r\n"),
                s("$1\r\n1\r\n"));
        var fake = same(READONLY_SESSION_GETS, steps);
        assertThat(fake.server()).isEqualTo(command("SET", "a", "1") + command("GET", "a"));
        assertThat(fake.client()).isEqualTo("+OK\r\n" + READONLY + "$1\r\n1\r\n");
        assertThat(fake.log).containsExactly("acted f");
        // Before the server answered the SET, the answer waits.
        var early = play(READONLY_SESSION_GETS, steps.subList(0, 1), 0, 0);
        assertThat(early.client()).isEmpty();
    }

    @Test
    void without_the_fault_everything_passes_unchanged() {
        var steps = List.of(c(command("GET", "session:1") + command("GET", "a")), s("$1\r\nx\r\n$-1\r\n"));
        var fake = same(null, steps);
        assertThat(fake.server()).isEqualTo(command("GET", "session:1") + command("GET", "a"));
        assertThat(fake.client()).isEqualTo("$1\r\nx\r\n$-1\r\n");
        assertThat(fake.log).isEmpty();
    }

    @Test
    void resp3_pushes_are_not_replies_and_pass_on() {
        var push = ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n";
        var steps = List.of(
                c(command("HELLO", "3") + command("GET", "x") + command("GET", "session:9")),
                s("%1\r\n$5\r\nproto\r\n:3\r\n"),
                s(push),
                s("_\r\n"));
        var fake = same(READONLY_SESSION_GETS, steps);
        assertThat(fake.server()).isEqualTo(command("HELLO", "3") + command("GET", "x"));
        assertThat(fake.client()).isEqualTo("%1\r\n$5\r\nproto\r\n:3\r\n" + push + "_\r\n" + READONLY);
    }

    @Test
    void subscribe_confirmations_count_one_per_channel() {
        var steps = List.of(
                c(command("SUBSCRIBE", "a", "b") + command("GET", "session:1")),
                s("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"),
                s("*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"));
        var fake = play(READONLY_SESSION_GETS, steps.subList(0, 2), 0, 0);
        assertThat(fake.client()).doesNotContain("READONLY");
        fake = same(READONLY_SESSION_GETS, steps);
        assertThat(fake.client()).endsWith(":2\r\n" + READONLY);
    }

    @Test
    void a_queued_command_that_matches_fails_at_queue_time_and_exec_aborts() {
        var spec = Map.<String, Object>of("match", Map.of("command", "SET"), "error", Map.of("prefix", "OOM"));
        var steps = List.of(
                c(command("MULTI") + command("SET", "k", "v") + command("INCR", "n") + command("EXEC")),
                s("+OK\r\n+QUEUED\r\n"),
                s("+OK\r\n"), // the server's answer to DISCARD
                c(command("GET", "k")),
                s("$-1\r\n"));
        var fake = same(spec, steps);
        assertThat(fake.server())
                .isEqualTo(command("MULTI") + command("INCR", "n") + "*1\r\n$7\r\nDISCARD\r\n" + command("GET", "k"));
        assertThat(fake.client())
                .isEqualTo("+OK\r\n-OOM command not allowed when used memory > 'maxmemory'.\r\n+QUEUED\r\n"
                        + "-EXECABORT Transaction discarded because of previous errors.\r\n$-1\r\n");
    }

    @Test
    void with_client_reply_off_a_faulted_command_gets_no_answer() {
        var steps = List.of(
                c(command("CLIENT", "REPLY", "OFF") + command("GET", "session:1") + command("SET", "a", "b")),
                c(command("CLIENT", "REPLY", "ON") + command("GET", "session:2")),
                s("+OK\r\n"));
        var fake = same(READONLY_SESSION_GETS, steps);
        assertThat(fake.server())
                .isEqualTo(command("CLIENT", "REPLY", "OFF")
                        + command("SET", "a", "b")
                        + command("CLIENT", "REPLY", "ON"));
        assertThat(fake.client()).isEqualTo("+OK\r\n" + READONLY);
        assertThat(fake.log).containsExactly("acted f", "acted f");
    }

    @Test
    void a_faulted_command_after_client_reply_skip_is_replaced_by_a_ping_the_server_skips() {
        var steps = List.of(
                c(command("CLIENT", "REPLY", "SKIP") + command("GET", "session:1") + command("GET", "a")),
                s("$1\r\nx\r\n"));
        var fake = same(READONLY_SESSION_GETS, steps);
        assertThat(fake.server()).isEqualTo(command("CLIENT", "REPLY", "SKIP") + command("PING") + command("GET", "a"));
        assertThat(fake.client()).isEqualTo("$1\r\nx\r\n");
    }

    @Test
    void a_close_fault_waits_for_earlier_replies_then_resets() {
        var spec = Map.<String, Object>of("match", Map.of("key", "cache:*"), "close", "reset");
        var steps = List.of(c(command("INCR", "n") + command("GET", "cache:1") + command("PING")), s(":1\r\n"));
        var fake = same(spec, steps);
        assertThat(fake.server()).isEqualTo(command("INCR", "n"));
        assertThat(fake.client()).isEqualTo(":1\r\n");
        assertThat(fake.log).containsExactly("acted f", "reset");
    }

    @Test
    void a_big_value_streams_once_name_and_key_are_known() {
        var value = "x".repeat(200_000);
        var fake = new Fake();
        fake.faults.add(new InlineContext.ActiveFault("f", READONLY_SESSION_GETS));
        var handler = new RedisCodec().newInlineHandler(fake);
        var bytes = command("SET", "big", value).getBytes(StandardCharsets.ISO_8859_1);
        handler.onData(Side.CLIENT, ByteBuffer.wrap(bytes, 0, 1000));
        assertThat(fake.toServer.size()).isEqualTo(1000);
        handler.onData(Side.CLIENT, ByteBuffer.wrap(bytes, 1000, bytes.length - 1000));
        assertThat(fake.server()).isEqualTo(command("SET", "big", value));
    }

    @Test
    void keys_are_found_where_each_command_has_them() {
        var spec = Map.<String, Object>of(
                "match", Map.of("key", "s:[0-9]?"), "error", Map.of("prefix", "ERR", "message", "x"));
        var steps = List.of(c(command("MGET", "a", "s:12") + command("MSET", "a", "s:12")
                + command("EVAL", "return 1", "1", "s:1x") + command("PUBLISH", "s:12", "m") + "GET s:34\r\n"));
        var fake = same(spec, steps);
        assertThat(fake.server()).isEqualTo(command("MSET", "a", "s:12") + command("PUBLISH", "s:12", "m"));
        // MGET, EVAL and the inline GET acted; only MGET's answer is due: the others wait for MSET's and PUBLISH's.
        assertThat(fake.client()).isEqualTo("-ERR x\r\n");
        assertThat(fake.log).hasSize(3);
    }

    @Test
    void bytes_it_cannot_read_pass_through_from_then_on() {
        var steps = List.of(
                c("*2\r\n$3\r\nGET\r\nnot resp\r\n" + command("GET", "session:1")), s("-ERR Protocol error\r\n"));
        var fake = same(READONLY_SESSION_GETS, steps);
        assertThat(fake.server()).isEqualTo("*2\r\n$3\r\nGET\r\nnot resp\r\n" + command("GET", "session:1"));
        assertThat(fake.client()).isEqualTo("-ERR Protocol error\r\n");
    }

    @Test
    void random_and_mutated_sessions_never_throw_and_lose_nothing_without_faults() {
        var random = new Random(42);
        var base = command("SET", "a", "1") + command("GET", "session:1") + "PING\r\n" + command("HELLO", "3");
        var reply = "+OK\r\n$1\r\n1\r\n+PONG\r\n%1\r\n$5\r\nproto\r\n:3\r\n>2\r\n$1\r\na\r\n$1\r\nb\r\n";
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int round = 0; round < 2000 && System.nanoTime() < deadline; round++) {
            var cb = mutate(base.getBytes(StandardCharsets.ISO_8859_1), random);
            var sb = mutate(reply.getBytes(StandardCharsets.ISO_8859_1), random);
            var steps = List.of(
                    c(new String(cb, StandardCharsets.ISO_8859_1)), s(new String(sb, StandardCharsets.ISO_8859_1)));
            // Without faults: every byte passes, in order.
            var plain = play(null, steps, -1, round);
            plain.handler.onEnd(Side.CLIENT);
            assertThat(plain.toServer.toByteArray()).isEqualTo(cb);
            assertThat(plain.toClient.toByteArray()).isEqualTo(sb);
            // With a fault: no exception, and what the server gets is a subsequence of what the client sent.
            var faulted = play(READONLY_SESSION_GETS, steps, -1, round);
            faulted.handler.onEnd(Side.CLIENT);
            assertThat(((RedisInline) plain.handler).failure()).isNull();
            assertThat(((RedisInline) faulted.handler).failure()).isNull();
            assertThat(faulted.toServer.size()).isLessThanOrEqualTo(cb.length);
        }
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        var out = bytes.clone();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return random.nextInt(5) == 0 ? java.util.Arrays.copyOf(out, random.nextInt(out.length)) : out;
    }

    @Test
    void bad_specs_are_refused_in_one_line() {
        var codec = new RedisCodec();
        assertThatThrownBy(() -> codec.checkFault(Map.of("error", Map.of("prefix", "readonly"))))
                .hasMessage(
                        "redis fault: error.prefix: 'readonly' (expected: an upper-case error code such as READONLY)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("matches", Map.of(), "close", "close")))
                .hasMessage("redis fault: unknown field 'matches' (expected: match, error, close)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("match", Map.of("command", "GET"))))
                .hasMessage(
                        "redis fault: expected exactly one of 'error' (an error reply) or 'close' (\"close\" or \"reset\")");
        assertThatThrownBy(() -> codec.checkFault(Map.of("error", Map.of("prefix", "MOVED"))))
                .hasMessage("redis fault: error.message: required for prefix MOVED (expected: 'slot host:port')");
        assertThatThrownBy(() -> codec.checkFault(Map.of("close", "later")))
                .hasMessage("redis fault: close: 'later' (expected: \"close\" or \"reset\")");
        codec.checkFault(Map.of(
                "match", Map.of("command", List.of("GET", "SET"), "key", "a*"), "error", Map.of("prefix", "LOADING")));
        codec.checkFault(
                RedisFaults.replyError(RedisFaults.Match.any(), RedisFaults.moved(1, "127.0.0.1", 7000))
                                        .effect()
                                instanceof dev.chaostesting.fault.Effect.Protocol p
                        ? p.spec()
                        : Map.of());
    }
}
