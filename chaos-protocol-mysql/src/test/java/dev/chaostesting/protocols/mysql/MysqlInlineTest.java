package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.protocols.mysql.internal.MysqlInline;
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
 * The in-line handler on scripted conversations through a fake {@link InlineContext}: injected answers keep their turn
 * behind pipelined commands and multi-result answers (with and without CLIENT_DEPRECATE_EOF), prepared statements are
 * judged by their SQL (pipelined prepare and execute included), a lost connection closes after the earlier answers, TLS
 * and compression pass through, every outcome is the same whole, one byte at a time and in random pieces, and a seeded
 * mutation run never breaks the pass-through.
 */
class MysqlInlineTest {

    /** What the handler did. */
    static final class FakeContext implements InlineContext {
        final List<ActiveFault> faults;
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final List<String> acted = new ArrayList<>();
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
        public void send(Side to, ByteBuffer bytes) {
            var copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            if (copy.length > 0) {
                assertThat(closed).as("sent after the connection was ended").isEmpty();
            }
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

        String outcome() {
            return "to server:\n" + toServer.toString(StandardCharsets.ISO_8859_1) + "\nto client:\n"
                    + toClient.toString(StandardCharsets.ISO_8859_1) + "\nacted: " + acted + "\nclosed: " + closed;
        }
    }

    record Step(Side side, byte[] bytes) {}

    static Step client(byte[]... b) {
        return new Step(Side.CLIENT, concat(b));
    }

    static Step server(byte[]... b) {
        return new Step(Side.SERVER, concat(b));
    }

    static List<Step> handshake(long caps) {
        return List.of(
                server(greeting("10.11.6-MariaDB", caps, "mysql_native_password")),
                client(handshakeResponse(
                        caps,
                        "app",
                        MysqlDecoderTest.SCRAMBLE,
                        "shop",
                        "mysql_native_password",
                        Map.of("_client_name", "test"))),
                server(ok(2, 0, 0, 2, 0)));
    }

    /** Feeds steps whole (seed -1), one byte at a time (seed 0) or in random pieces; returns the context after each. */
    static FakeContext run(List<Step> steps, List<Fault> faults, long seed, List<String> after) {
        var ctx = new FakeContext(faults);
        var handler = new MysqlInline(ctx);
        var random = new Random(seed);
        for (var step : steps) {
            var b = step.bytes();
            int at = 0;
            while (at < b.length) {
                int n = seed < 0 ? b.length : seed == 0 ? 1 : 1 + random.nextInt(Math.min(b.length - at, 13));
                n = Math.min(n, b.length - at);
                handler.onData(step.side(), ByteBuffer.wrap(b, at, n).asReadOnlyBuffer());
                at += n;
            }
            if (after != null) {
                after.add(ctx.outcome());
            }
        }
        handler.onEnd(Side.CLIENT);
        handler.onEnd(Side.SERVER);
        return ctx;
    }

    /** Runs every way and checks the outcome, step by step, is the same; returns the whole run's context. */
    static FakeContext runAllWays(List<Step> steps, List<Fault> faults) {
        var wholeSteps = new ArrayList<String>();
        var whole = run(steps, faults, -1, wholeSteps);
        for (long seed = 0; seed <= 5; seed++) {
            var pieces = new ArrayList<String>();
            var ctx = run(steps, faults, seed, pieces);
            assertThat(pieces).as("seed " + seed).isEqualTo(wholeSteps);
            assertThat(ctx.outcome()).isEqualTo(whole.outcome());
        }
        return whole;
    }

    static List<Step> steps(List<Step> first, Step... more) {
        var all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    static final Fault LOCK_WAIT_ON_UPDATE =
            MysqlFaults.statementError("UPDATE", "accounts", MysqlFaults.LOCK_WAIT_TIMEOUT);

    static byte[] resultSet(boolean deprecateEof, int status, String value) {
        var end = deprecateEof ? okEof(deprecateEof ? 4 : 5, status) : eof(5, status);
        if (deprecateEof) {
            return concat(packet(1, b(1)), column(2, "", "x", 253, 0), textRow(3, value), end);
        }
        return concat(packet(1, b(1)), column(2, "", "x", 253, 0), eof(3, 2), textRow(4, value), end);
    }

    static byte[] multiResult(boolean deprecateEof) {
        // Two result sets: the first's end says more results exist (SERVER_MORE_RESULTS_EXISTS).
        var first = resultSet(deprecateEof, 2 | 8, "a");
        int seq = deprecateEof ? 5 : 6;
        byte[] second = deprecateEof
                ? concat(packet(seq, b(1)), column(seq + 1, "", "x", 253, 0), textRow(seq + 2, "b"), okEof(seq + 3, 2))
                : concat(
                        packet(seq, b(1)),
                        column(seq + 1, "", "x", 253, 0),
                        eof(seq + 2, 2),
                        textRow(seq + 3, "b"),
                        eof(seq + 4, 2));
        return concat(first, second);
    }

    @Test
    void an_injected_error_waits_for_the_answers_to_earlier_pipelined_commands() {
        for (boolean deprecateEof : new boolean[] {true, false}) {
            long caps = BASE | (deprecateEof ? CLIENT_DEPRECATE_EOF : 0);
            var select = command(0x03, "SELECT 'a'; SELECT 'b'");
            var update = command(0x03, "UPDATE accounts SET balance = 0 WHERE id = 1");
            var after = command(0x03, "SELECT 2");
            var first = multiResult(deprecateEof);
            var third = resultSet(deprecateEof, 2, "2");
            var steps = steps(handshake(caps), client(select, update, after), server(first), server(third));
            var outcomes = new ArrayList<String>();
            var ctx = run(steps, List.of(LOCK_WAIT_ON_UPDATE), -1, outcomes);
            var handshakeToClient = concat(
                    handshake(caps).get(0).bytes(), handshake(caps).get(2).bytes());
            var error = MysqlFaults.errorReply(MysqlFaults.LOCK_WAIT_TIMEOUT);
            assertThat(ctx.toServer.toByteArray())
                    .isEqualTo(concat(handshake(caps).get(1).bytes(), select, after));
            assertThat(ctx.toClient.toByteArray()).isEqualTo(concat(handshakeToClient, first, error, third));
            assertThat(ctx.acted).containsExactly("mysql_1205");
            // After the client's pipelined commands, nothing of ours was sent yet: the first answer is not there.
            assertThat(outcomes.get(3)).doesNotContain("Lock wait");
            assertThat(outcomes.get(4)).contains("Lock wait");
            runAllWays(steps, List.of(LOCK_WAIT_ON_UPDATE));
        }
    }

    @Test
    void a_prepared_update_is_judged_by_its_sql_pipelined_or_by_id() {
        long caps = BASE | CLIENT_DEPRECATE_EOF;
        var prepare = command(0x16, "UPDATE accounts SET balance = ? WHERE id = ?");
        var executeLast =
                packet(0, b(0x17), u32(0xffffffffL), b(0), u32(1), b(0), b(1), u16(3), u16(3), u32(5), u32(1));
        var executeById = packet(0, b(0x17), u32(7), b(0), u32(1), b(0), b(0), u32(6), u32(1));
        var prepareAnswer = concat(
                packet(1, b(0), u32(7), u16(0), u16(2), b(0), u16(0)),
                column(2, "", "?", 253, 0),
                column(3, "", "?", 253, 0));
        var close = packet(0, b(0x19), u32(7));
        var ping = packet(0, b(0x0e));
        var steps = steps(
                handshake(caps),
                client(prepare, executeLast),
                server(prepareAnswer),
                client(executeById),
                client(close, ping),
                server(ok(1, 0, 0, 2, 0)));
        var ctx = runAllWays(steps, List.of(LOCK_WAIT_ON_UPDATE));
        var error = MysqlFaults.errorReply(MysqlFaults.LOCK_WAIT_TIMEOUT);
        assertThat(ctx.acted).containsExactly("mysql_1205", "mysql_1205");
        assertThat(ctx.toServer.toByteArray())
                .isEqualTo(concat(handshake(caps).get(1).bytes(), prepare, close, ping));
        assertThat(ctx.toClient.toByteArray())
                .isEqualTo(concat(
                        handshake(caps).get(0).bytes(),
                        handshake(caps).get(2).bytes(),
                        prepareAnswer,
                        error,
                        error,
                        ok(1, 0, 0, 2, 0)));
        // Limited to text queries, the prepared statement's executions pass.
        var onlyQueries = Faults.protocol("mysql", Map.of("match", Map.of("command", "QUERY", "kind", "UPDATE")))
                .named("q");
        var passed = runAllWays(steps, List.of(onlyQueries));
        assertThat(passed.acted).isEmpty();
    }

    @Test
    void a_deadlock_sends_a_rollback_in_place_of_the_command_and_answers_with_the_error_once_it_is_done() {
        long caps = BASE | CLIENT_DEPRECATE_EOF;
        var select = command(0x03, "SELECT 1");
        var update = command(0x03, "UPDATE accounts SET balance = 0 WHERE id = 1");
        var after = command(0x03, "SELECT 2");
        var first = resultSet(true, 2 | 1, "1");
        var rollbackOk = ok(1, 0, 0, 2, 0);
        var third = resultSet(true, 2, "2");
        var deadlock = MysqlFaults.statementError("UPDATE", "accounts", MysqlFaults.DEADLOCK);
        var steps =
                steps(handshake(caps), client(select, update, after), server(first), server(rollbackOk), server(third));
        var ctx = runAllWays(steps, List.of(deadlock));
        assertThat(ctx.acted).containsExactly("mysql_1213");
        assertThat(ctx.toServer.toByteArray())
                .isEqualTo(concat(handshake(caps).get(1).bytes(), select, command(0x03, "ROLLBACK"), after));
        // The server's OK to the ROLLBACK is not passed on: the client gets the error in its place, in its turn.
        assertThat(ctx.toClient.toByteArray())
                .isEqualTo(concat(
                        handshake(caps).get(0).bytes(),
                        handshake(caps).get(2).bytes(),
                        first,
                        MysqlFaults.errorReply(MysqlFaults.DEADLOCK),
                        third));
        // Without the rollback, nothing replaces the command.
        var noRollback = Faults.protocol(
                        "mysql",
                        Map.of("match", Map.of("kind", "UPDATE"), "error", Map.of("code", 1213, "rollback", false)))
                .named("plain");
        var plain = run(
                steps(handshake(caps), client(select, update, after), server(first), server(third)),
                List.of(noRollback),
                -1,
                null);
        assertThat(plain.toServer.toByteArray())
                .isEqualTo(concat(handshake(caps).get(1).bytes(), select, after));
        assertThat(plain.toClient.toByteArray())
                .endsWith(concat(first, MysqlFaults.errorReply(MysqlFaults.DEADLOCK), third));
    }

    @Test
    void a_lost_connection_closes_after_the_earlier_answers_and_sends_nothing_after() {
        long caps = BASE | CLIENT_DEPRECATE_EOF;
        var select = command(0x03, "SELECT 1");
        var update = command(0x03, "update `accounts` set balance = 0");
        var answer = resultSet(true, 2, "1");
        var steps = steps(handshake(caps), client(select, update), server(answer));
        var ctx = runAllWays(steps, List.of(MysqlFaults.lostConnection(null, "accounts", true)));
        assertThat(ctx.closed).isEqualTo("reset");
        assertThat(ctx.acted).containsExactly("mysql_lost_connection");
        assertThat(ctx.toServer.toByteArray())
                .isEqualTo(concat(handshake(caps).get(1).bytes(), select));
        assertThat(ctx.toClient.toByteArray())
                .isEqualTo(concat(
                        handshake(caps).get(0).bytes(), handshake(caps).get(2).bytes(), answer));
    }

    @Test
    void tls_and_compression_pass_through_whatever_the_faults() {
        var update = command(0x03, "UPDATE accounts SET balance = 0");
        var tls = List.of(
                server(greeting("10.11.6-MariaDB", BASE | CLIENT_SSL, "mysql_native_password")),
                client(sslRequest(BASE)),
                client(b(0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5)),
                server(b(0x16, 3, 3, 0, 2, 9, 9)),
                client(update));
        var ctx = runAllWays(tls, List.of(LOCK_WAIT_ON_UPDATE));
        assertThat(ctx.acted).isEmpty();
        assertThat(ctx.toServer.toByteArray())
                .isEqualTo(concat(
                        tls.get(1).bytes(), tls.get(2).bytes(), tls.get(4).bytes()));

        var compressed = steps(handshake(BASE | CLIENT_COMPRESS), client(b(9, 0, 0, 0, 0, 0, 0), update));
        var zlib = runAllWays(compressed, List.of(LOCK_WAIT_ON_UPDATE));
        assertThat(zlib.acted).isEmpty();
        assertThat(zlib.toServer.toByteArray()).endsWith(update);
    }

    @Test
    void big_commands_stream_through_unjudged_and_bad_bytes_turn_to_pass_through() {
        long caps = BASE | CLIENT_DEPRECATE_EOF;
        var big = command(0x03, "UPDATE accounts SET note = '" + "x".repeat((1 << 20) + 10) + "'");
        var steps = steps(handshake(caps), client(big), server(ok(1, 1, 0, 2, 0)));
        var ctx = run(steps, List.of(LOCK_WAIT_ON_UPDATE), -1, null);
        assertThat(ctx.acted).isEmpty();
        assertThat(ctx.toServer.toByteArray()).endsWith(big);

        var bad = steps(handshake(caps), server(b(1, 0, 0, 7, 0)), client(command(0x03, "UPDATE accounts SET v = 1")));
        var passed = runAllWays(bad, List.of(LOCK_WAIT_ON_UPDATE));
        assertThat(passed.acted).isEmpty();
        assertThat(passed.toServer.toByteArray()).endsWith(command(0x03, "UPDATE accounts SET v = 1"));
    }

    @Test
    void seeded_mutations_never_lose_or_reorder_a_byte_without_faults() {
        long caps = BASE | CLIENT_DEPRECATE_EOF;
        var base = steps(
                handshake(caps),
                client(command(0x03, "SELECT 'a'; SELECT 'b'"), command(0x03, "UPDATE accounts SET v = 1")),
                server(multiResult(true)),
                server(ok(1, 1, 0, 2, 0)));
        var random = new Random(42);
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int round = 0; round < 3000 && System.nanoTime() < deadline; round++) {
            var mutated = new ArrayList<Step>();
            var clientBytes = new ByteArrayOutputStream();
            var serverBytes = new ByteArrayOutputStream();
            for (var step : base) {
                var b = step.bytes().clone();
                int flips = random.nextInt(3);
                for (int i = 0; i < flips; i++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(10) == 0) {
                    b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
                }
                mutated.add(new Step(step.side(), b));
                (step.side() == Side.CLIENT ? clientBytes : serverBytes).writeBytes(b);
            }
            var ctx = run(mutated, List.of(), round % 7 - 1, null);
            assertThat(ctx.toServer.toByteArray()).isEqualTo(clientBytes.toByteArray());
            assertThat(ctx.toClient.toByteArray()).isEqualTo(serverBytes.toByteArray());
            // With a fault the handler never throws and never sends after a close.
            run(mutated, List.of(LOCK_WAIT_ON_UPDATE), round % 5 - 1, null);
        }
    }

    @Test
    void specs_are_checked_in_one_line() {
        var codec = new MysqlCodec();
        codec.checkFault(Map.of());
        codec.checkFault(Map.of("match", Map.of("kind", "UPDATE"), "error", Map.of("code", 1205)));
        codec.checkFault(Map.of("disconnect", "reset"));
        assertThatThrownBy(() -> codec.checkFault(Map.of("matches", Map.of())))
                .hasMessage("mysql fault: unknown field 'matches' (expected: match, error, disconnect)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("error", Map.of("code", "12x"))))
                .hasMessage("mysql fault: error code '12x' (expected: a number from 1 to 65534)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("error", Map.of("code", 70000))))
                .hasMessage("mysql fault: error code: 70000 (expected: 1 to 65534)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("error", Map.of("sqlState", "4001"))))
                .hasMessage("mysql fault: error sqlState: '4001' (expected: 5 ASCII characters)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("error", Map.of("rollback", "yes"))))
                .hasMessage("mysql fault: error rollback 'yes' (expected: true or false)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("disconnect", "later")))
                .hasMessage("mysql fault: disconnect 'later' (expected: close or reset)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("match", Map.of("command", "PING"))))
                .hasMessage("mysql fault: match command 'PING' (expected: QUERY or EXECUTE)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("match", Map.of("sql", "(("))))
                .hasMessageStartingWith("mysql fault: match sql '((' (expected a regex: ");
    }
}
