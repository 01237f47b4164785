package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.spi.Side;
import dev.chaostesting.testing.CheckedCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated sessions: the decoder never throws, never reports an internal error, and every byte of each side
 * is counted exactly once, in a MySQL interaction or in raw TCP; traffic recorded entirely as raw TCP is kept byte for
 * byte.
 */
class MysqlFuzzTest {

    private static final int RUNS = 3000;

    record Event(boolean client, byte[] bytes) {}

    static List<Event> session(long caps, Event... commands) {
        var events = new ArrayList<Event>(List.of(
                new Event(false, greeting("8.0.36", caps, "caching_sha2_password")),
                new Event(
                        true,
                        handshakeResponse(
                                caps,
                                "app",
                                s("0123456789abcdefghij"),
                                "db",
                                "caching_sha2_password",
                                Map.of("k", "v"))),
                new Event(false, packet(2, b(0xfe), nul("mysql_native_password"), s("01234567890123456789"))),
                new Event(true, packet(3, s("abcdefghijabcdefghij"))),
                new Event(false, ok(4, 0, 0, 2, 0))));
        events.addAll(List.of(commands));
        return events;
    }

    static Event c(byte[] bytes) {
        return new Event(true, bytes);
    }

    static Event sv(byte[] bytes) {
        return new Event(false, bytes);
    }

    private static final long DEPRECATE = BASE | CLIENT_DEPRECATE_EOF;

    private static final List<List<Event>> CORPUS = List.of(
            session(
                    BASE,
                    c(command(3, "SELECT id, name FROM t")),
                    sv(concat(
                            packet(1, b(2)),
                            column(2, "t", "id", 8, 0),
                            column(3, "t", "name", 253, 0),
                            eof(4, 2),
                            textRow(5, "1", "a"),
                            textRow(6, "2", null),
                            eof(7, 2))),
                    c(command(3, "INSERT INTO t VALUES (1)")),
                    sv(ok(1, 1, 5, 2, 0)),
                    c(command(3, "bad")),
                    sv(err(1, 1064, "42000", "syntax"))),
            session(
                    DEPRECATE,
                    c(command(3, "SELECT 1; SELECT 2")),
                    sv(concat(
                            packet(1, b(1)),
                            column(2, "", "1", 8, 0),
                            textRow(3, "1"),
                            okEof(4, 0x0a),
                            packet(5, b(1)),
                            column(6, "", "2", 8, 0),
                            textRow(7, "2"),
                            okEof(8, 2))),
                    c(command(0x0e, "")),
                    sv(ok(1, 0, 0, 2, 0)),
                    c(packet(0, b(1)))),
            session(
                    DEPRECATE,
                    c(concat(
                            command(0x16, "SELECT a, b FROM t WHERE c = ? AND d = ?"),
                            packet(
                                    0,
                                    b(0x17),
                                    u32(0xffffffffL),
                                    b(0),
                                    u32(1),
                                    b(0),
                                    b(1),
                                    u16(8),
                                    u16(253),
                                    u64(5),
                                    lenencString("x")))),
                    sv(concat(
                            packet(1, b(0), u32(1), u16(2), u16(2), b(0), u16(0)),
                            column(2, "", "?", 8, 0),
                            column(3, "", "?", 253, 0),
                            column(4, "t", "a", 3, 0),
                            column(5, "t", "b", 12, 0))),
                    sv(concat(
                            packet(1, b(2)),
                            column(2, "t", "a", 3, 0),
                            column(3, "t", "b", 12, 0),
                            packet(4, b(0, 0), u32(7), b(4), u16(2024), b(1, 2)),
                            okEof(5, 2))),
                    c(packet(0, b(0x17), u32(1), b(0), u32(1), b(2), b(0), u64(9))),
                    sv(ok(1, 0, 0, 2, 0)),
                    c(packet(0, b(0x19), u32(1)))),
            session(
                    BASE,
                    c(command(3, "LOAD DATA LOCAL INFILE 'f' INTO TABLE t")),
                    sv(packet(1, b(0xfb), s("f"))),
                    c(concat(packet(2, s("1\n2\n")), packet(3))),
                    sv(ok(4, 2, 0, 2, 0))),
            session(
                    BASE | CLIENT_COMPRESS,
                    c(compressed(0, command(3, "SELECT id, name FROM t"))),
                    sv(compressed(
                            1,
                            concat(
                                    packet(1, b(2)),
                                    column(2, "t", "id", 8, 0),
                                    column(3, "t", "name", 253, 0),
                                    eof(4, 2),
                                    textRow(5, "1", "a"),
                                    textRow(6, "2", null),
                                    eof(7, 2)))),
                    c(stored(0, concat(command(0x0e, ""), command(3, "DO 1")))),
                    sv(compressed(1, concat(ok(1, 0, 0, 2, 0), ok(1, 0, 0, 2, 0)))),
                    c(compressed(0, packet(0, b(1))))),
            session(
                    DEPRECATE | CLIENT_COMPRESS,
                    c(compressed(0, Arrays.copyOf(command(3, "SELECT '" + "x".repeat(300) + "'"), 150))),
                    c(stored(
                            1,
                            Arrays.copyOfRange(
                                    command(3, "SELECT '" + "x".repeat(300) + "'"),
                                    150,
                                    command(3, "SELECT '" + "x".repeat(300) + "'").length))),
                    sv(compressed(2, concat(packet(1, b(1)), column(2, "", "x", 253, 0), textRow(3, "x".repeat(300))))),
                    sv(compressed(3, okEof(4, 2))),
                    c(compressed(0, concat(command(3, "LOAD DATA LOCAL INFILE 'f' INTO TABLE t")))),
                    sv(stored(1, packet(1, b(0xfb), s("f")))),
                    c(compressed(2, concat(packet(2, s("1\n2\n")), packet(3)))),
                    sv(compressed(3, ok(3, 2, 0, 2, 0)))),
            List.of(
                    sv(greeting("8.0.36", BASE | CLIENT_SSL, "caching_sha2_password")),
                    c(concat(sslRequest(BASE), b(0x16, 3, 1, 0, 1, 0))),
                    sv(b(0x16, 3, 3, 0, 1, 0))));

    @Test
    void the_corpus_decodes_without_errors_in_any_fragmentation() {
        for (var events : CORPUS) {
            var script = Script.create();
            events.forEach(e -> {
                if (e.client()) {
                    script.client(e.bytes());
                } else {
                    script.server(e.bytes());
                }
            });
            var all = script.close().runAllWays();
            script.assertAccountedFor(all, List.of(), true, describe(script));
            assertThat(all)
                    .as(describe(script))
                    .allSatisfy(i -> assertThat(i.error()).isNull())
                    .noneSatisfy(i -> assertThat(i.attributes()).containsKey("decodeError"));
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void random_and_mutated_sessions_never_break_the_decoder_and_lose_no_byte() {
        var random = new Random(0x5eed);
        int mysqlRuns = 0;
        int failedOpenAfterMysql = 0;
        for (int run = 0; run < RUNS; run++) {
            var script = switch (run % 5) {
                case 0 -> randomScript(random);
                default -> mutate(CORPUS.get(random.nextInt(CORPUS.size())), random);
            };
            var failures = new ArrayList<Throwable>();
            var feed = random.nextInt(8) == 0 ? Script.Feed.BYTES : Script.Feed.RANDOM;
            int maxBody = random.nextBoolean() ? 1 << 20 : 1 + random.nextInt(16);
            var interactions = script.run(feed, maxBody, run, new CheckedCodec(new MysqlCodec(), failures));

            var where = "run " + run + ": " + summary(interactions) + describe(script);
            assertThat(interactions)
                    .as(where)
                    .noneSatisfy(i -> assertThat(i.attributes().getOrDefault("decodeError", ""))
                            .startsWith("internal error"));
            script.assertAccountedFor(interactions, failures, maxBody == 1 << 20, where);
            if (interactions.stream().anyMatch(i -> i.protocol().equals("mysql"))) {
                mysqlRuns++;
                if (interactions.stream().anyMatch(i -> i.attributes().containsKey("decodeError"))) {
                    failedOpenAfterMysql++;
                }
            }
        }
        // The mutations must leave enough MySQL for the decoder to be exercised, not just the detection.
        assertThat(mysqlRuns).isGreaterThan(RUNS / 3);
        assertThat(failedOpenAfterMysql).isGreaterThan(RUNS / 10);
    }

    private static String describe(Script script) {
        var sb = new StringBuilder();
        for (var e : script.events()) {
            if (e instanceof Script.Data d) {
                sb.append("\n  ")
                        .append(d.side())
                        .append(' ')
                        .append(java.util.HexFormat.of().formatHex(d.bytes()));
            } else {
                sb.append("\n  ").append(e);
            }
        }
        return sb.toString();
    }

    private static String summary(List<dev.chaostesting.model.Interaction> interactions) {
        var sb = new StringBuilder();
        for (var i : interactions) {
            sb.append("\n  ")
                    .append(i.protocol())
                    .append(" c=")
                    .append(i.requestBytes())
                    .append(" s=")
                    .append(i.responseBytes())
                    .append(' ')
                    .append(i.error())
                    .append(' ')
                    .append(i.attributes())
                    .append(' ')
                    .append(i.request() instanceof dev.chaostesting.model.StructuredMessage m ? m.get("command") : "");
        }
        return sb.toString();
    }

    private static Script randomScript(Random random) {
        var script = Script.create();
        var first = new byte[random.nextInt(60)];
        random.nextBytes(first);
        script.server(concat(greeting("5.7.1", BASE, "mysql_native_password"), first));
        int events = random.nextInt(6);
        for (int e = 0; e < events; e++) {
            var bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (random.nextBoolean()) {
                script.client(bytes);
            } else {
                script.server(bytes);
            }
        }
        return end(script, random);
    }

    private static Script mutate(List<Event> events, Random random) {
        var script = Script.create();
        int mutated = random.nextInt(events.size());
        for (int e = 0; e < events.size(); e++) {
            var bytes = events.get(e).bytes();
            if (e >= mutated) {
                for (int m = random.nextInt(3) - (e == mutated ? 0 : 1); m >= 0; m--) {
                    bytes = mutate(bytes, random);
                }
            }
            if (events.get(e).client()) {
                script.client(bytes);
            } else {
                script.server(bytes);
            }
        }
        return end(script, random);
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return bytes;
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(6)) {
            case 0, 1 -> {
                var copy = bytes.clone();
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            case 2 -> Arrays.copyOf(bytes, at);
            case 3 ->
                concat(
                        Arrays.copyOf(bytes, at),
                        Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
            case 4 -> concat(Arrays.copyOf(bytes, at), bytes, Arrays.copyOfRange(bytes, at, bytes.length));
            default -> concat(bytes, bytes);
        };
    }

    private static Script end(Script script, Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> script.reset(random.nextBoolean() ? Side.CLIENT : Side.SERVER);
            case 1 -> script.endClient().endServer();
            default -> script.close();
        };
    }
}
