package dev.chaostesting.protocols.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.spi.Side;
import dev.chaostesting.testing.CheckedCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated protocol traffic: the decoder never throws, and every byte of each side is counted exactly once,
 * in a PostgreSQL interaction or in raw TCP; traffic recorded entirely as raw TCP is recorded byte for byte.
 */
class PostgresFuzzTest {

    private static final int RUNS = 3000;

    private static List<Script> corpus() {
        var extended = Pg.create()
                .parse("S_1", "SELECT $1::int, $2", 23, 25)
                .bind("", "S_1", new int[] {1, 0}, new byte[][] {Pg.int32(5), Pg.utf8("x")}, 1)
                .describe('P', "")
                .execute("", 0)
                .parse("", "INSERT INTO t VALUES ($1)")
                .bind("", "", new int[0], new byte[][] {null})
                .execute("", 0)
                .sync();
        return List.of(
                PostgresDecoderTest.connected()
                        .client(Pg.create().query("SELECT a FROM t; SELECT 1").bytes())
                        .server(Pg.create()
                                .rowDescription(0, "a", 25)
                                .dataRow("x")
                                .commandComplete("SELECT 1")
                                .notice("01000", "careful")
                                .emptyQuery()
                                .ready('I')
                                .bytes()),
                PostgresDecoderTest.connected()
                        .client(extended.bytes())
                        .server(Pg.create()
                                .parseComplete()
                                .bindComplete()
                                .rowDescription(1, "int4", 23, "text", 25)
                                .dataRowBytes(Pg.int32(5), Pg.utf8("x"))
                                .commandComplete("SELECT 1")
                                .parseComplete()
                                .error("ERROR", "23502", "null value")
                                .ready('I')
                                .bytes()),
                Script.create()
                        .client(Pg.create().sslRequest().bytes())
                        .server("N")
                        .client(Pg.create().startup("user", "u").bytes())
                        .server(Pg.create().authSasl("SCRAM-SHA-256").bytes())
                        .client(Pg.create()
                                .saslInitial("SCRAM-SHA-256", "n,,n=,r=abc")
                                .bytes())
                        .server(Pg.create().auth(11, Pg.utf8("r=abcdef")).bytes())
                        .client(Pg.create().saslResponse("c=biws,p=xyz").bytes())
                        .server(Pg.create()
                                .auth(12, Pg.utf8("v=1"))
                                .auth(0)
                                .backendKey(1, 2)
                                .ready('I')
                                .bytes()),
                PostgresDecoderTest.connected()
                        .client(Pg.create().query("COPY t FROM STDIN").bytes())
                        .server(Pg.create().copyInResponse(1).bytes())
                        .client(Pg.create().copyData("a\nb\n").copyDone().bytes())
                        .server(Pg.create().commandComplete("COPY 2").ready('I').bytes())
                        .client(Pg.create().query("COPY t TO STDOUT").bytes())
                        .server(Pg.create()
                                .copyOutResponse(1)
                                .msg('d', Pg.utf8("a\n"))
                                .msg('c', new byte[0])
                                .commandComplete("COPY 1")
                                .ready('I')
                                .notification(9, "ch", "p")
                                .bytes())
                        .client(Pg.create().terminate().bytes()),
                Script.create()
                        .client(Pg.create().sslRequest().bytes())
                        .server("S")
                        .client(HexFormat.of().parseHex("160301000401000000")),
                Script.create().client(Pg.create().cancel(7, 8).bytes()));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void random_and_mutated_traffic_never_breaks_the_decoder() {
        var random = new Random(Long.getLong("fuzz.seed", 0x5eed));
        var corpus = corpus();
        int decodedRuns = 0;
        int failedOpenAfterDecoding = 0;
        for (int run = 0; run < RUNS; run++) {
            var script = switch (run % 4) {
                case 0 -> randomScript(random);
                default -> mutate(corpus.get(random.nextInt(corpus.size())), random);
            };
            var failures = new ArrayList<Throwable>();
            var feed = random.nextInt(8) == 0 ? Script.Feed.BYTES : Script.Feed.RANDOM;
            int maxBody = random.nextBoolean() ? 1 << 20 : random.nextInt(16);
            var interactions = script.run(feed, maxBody, run, new CheckedCodec(new PostgresCodec(), failures));

            var where = "run " + run;
            if (Script.countedBytes(interactions, Side.SERVER) != script.bytes(Side.SERVER).length
                    || Script.countedBytes(interactions, Side.CLIENT) != script.bytes(Side.CLIENT).length) {
                where = where + ": " + describe(script) + "\n" + interactions;
            }
            assertThat(failures).as(where).isEmpty();
            assertThat(Script.countedBytes(interactions, Side.CLIENT))
                    .as(where)
                    .isEqualTo(script.bytes(Side.CLIENT).length);
            assertThat(Script.countedBytes(interactions, Side.SERVER))
                    .as(where)
                    .isEqualTo(script.bytes(Side.SERVER).length);
            boolean allRaw = interactions.stream().allMatch(i -> i.protocol().equals("tcp"));
            if (allRaw && maxBody == 1 << 20) {
                assertThat(Script.rawBytes(interactions, Side.CLIENT)).as(where).isEqualTo(script.bytes(Side.CLIENT));
                assertThat(Script.rawBytes(interactions, Side.SERVER)).as(where).isEqualTo(script.bytes(Side.SERVER));
            }
            if (interactions.stream().anyMatch(i -> i.protocol().equals("postgresql"))) {
                decodedRuns++;
                if (interactions.stream().anyMatch(i -> i.attributes().containsKey("decodeError"))) {
                    failedOpenAfterDecoding++;
                }
            }
        }
        // The mutations must leave enough of the protocol for the decoder to be exercised, not just detection.
        assertThat(decodedRuns).isGreaterThan(RUNS / 3);
        assertThat(failedOpenAfterDecoding).isGreaterThan(RUNS / 10);
    }

    private static Script randomScript(Random random) {
        var script = Script.create();
        int events = 1 + random.nextInt(6);
        for (int e = 0; e < events; e++) {
            var bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (e == 0 && random.nextBoolean()) {
                // A plausible startup packet, so that the decoder (not only detection) sees the random rest.
                bytes = concat(Pg.create().startup("user", "u").bytes(), bytes);
            }
            if (e == 0 || random.nextBoolean()) {
                script.client(bytes);
            } else {
                script.server(bytes);
            }
        }
        return end(script, random);
    }

    private static Script mutate(Script original, Random random) {
        var script = Script.create();
        for (var event : original.events()) {
            if (!(event instanceof Script.Data d)) {
                continue;
            }
            var bytes = d.bytes();
            for (int m = random.nextInt(4) - 1; m >= 0; m--) {
                bytes = mutate(bytes, random);
            }
            if (d.side() == Side.CLIENT) {
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
        return switch (random.nextInt(7)) {
            case 0 -> {
                var copy = bytes.clone();
                copy[at] = (byte) random.nextInt(256);
                yield copy;
            }
            case 1 -> {
                var copy = bytes.clone();
                copy[at] = (byte) (random.nextBoolean() ? 0 : 0xff);
                yield copy;
            }
            case 2 -> Arrays.copyOf(bytes, at);
            case 3 ->
                concat(
                        Arrays.copyOf(bytes, at),
                        Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
            case 4 -> concat(Arrays.copyOf(bytes, at), bytes, Arrays.copyOfRange(bytes, at, bytes.length));
            case 5 -> {
                var noise = new byte[1 + random.nextInt(8)];
                random.nextBytes(noise);
                yield concat(Arrays.copyOf(bytes, at), noise, Arrays.copyOfRange(bytes, at, bytes.length));
            }
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

    private static String describe(Script script) {
        var sb = new StringBuilder();
        for (var event : script.events()) {
            if (event instanceof Script.Data d) {
                sb.append(d.side())
                        .append(' ')
                        .append(HexFormat.of().formatHex(d.bytes()))
                        .append(" | ");
            } else {
                sb.append(event).append(" | ");
            }
        }
        return sb.toString();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (var part : parts) {
            n += part.length;
        }
        var all = new byte[n];
        int at = 0;
        for (var part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
