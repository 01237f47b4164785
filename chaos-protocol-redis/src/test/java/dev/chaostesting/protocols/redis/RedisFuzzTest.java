package dev.chaostesting.protocols.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Side;
import dev.chaostesting.testing.CheckedCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated traffic: the decoder never throws, and every byte of each side is counted exactly once, in an
 * Redis interaction or in raw TCP; traffic recorded entirely as raw TCP is recorded byte for byte.
 */
class RedisFuzzTest {

    private static final int RUNS = 4000;

    private static final List<List<String>> CORPUS = List.of(
            List.of(
                    "C:*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
                    "S:+OK\r\n$1\r\nv\r\n"),
            List.of("C:PING\r\nset a \"b c\"\r\n", "S:+PONG\r\n+OK\r\n"),
            List.of(
                    "C:*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*1\r\n$4\r\nEXEC\r\n",
                    "S:+OK\r\n+QUEUED\r\n*1\r\n:1\r\n"),
            List.of(
                    "C:*2\r\n$9\r\nSUBSCRIBE\r\n$1\r\nc\r\n",
                    "S:*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n",
                    "C:*1\r\n$11\r\nUNSUBSCRIBE\r\n",
                    "S:*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n"),
            List.of(
                    "C:*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*1\r\n$1\r\nX\r\n*1\r\n$1\r\nY\r\n",
                    "S:%1\r\n+proto\r\n:3\r\n>2\r\n+invalidate\r\n*1\r\n$1\r\nk\r\n",
                    "S:_\r\n#t\r\n,1.5\r\n(123\r\n!3\r\nERR\r\n=7\r\ntxt:abc\r\n~1\r\n:1\r\n|1\r\n+a\r\n+b\r\n$?\r\n;2\r\nab\r\n;0\r\n"),
            List.of(
                    "C:*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n*1\r\n$7\r\nMONITOR\r\n",
                    "S:*-1\r\n+OK\r\n+1.2 [0 1:2] \"GET\"\r\n-ERR x\r\n*?\r\n:1\r\n.\r\n"),
            List.of(
                    "C:*3\r\n$3\r\nSET\r\n$4\r\nlong\r\n$100\r\n" + "v".repeat(100) + "\r\n"
                            + "*2\r\n$3\r\nGET\r\n$4\r\nlong\r\n*4\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$1\r\n0\r\n$2\r\n-1\r\n",
                    "S:+OK\r\n$100\r\n" + "v".repeat(100) + "\r\n*3\r\n$20\r\n" + "e".repeat(20)
                            + "\r\n$0\r\n\r\n$1\r\nx\r\n"),
            List.of(
                    "C:*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n",
                    "S:+OK\r\n$-1\r\n"));

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void random_and_mutated_traffic_never_breaks_the_decoder() {
        var random = new Random(0x5eed);
        int redisRuns = 0;
        int failedOpenAfterRedis = 0;
        for (int run = 0; run < RUNS; run++) {
            var script = switch (run % 4) {
                case 0 -> randomScript(random, false);
                case 1 -> randomScript(random, true);
                default -> mutate(CORPUS.get(random.nextInt(CORPUS.size())), random);
            };
            var failures = new ArrayList<Throwable>();
            var feed = random.nextInt(8) == 0 ? Script.Feed.BYTES : Script.Feed.RANDOM;
            int maxBody = random.nextBoolean() ? 1 << 20 : 1 + random.nextInt(16);
            var interactions = script.run(feed, maxBody, run, new CheckedCodec(new RedisCodec(), failures));

            var where = "run " + run + ": " + describe(script);
            script.assertAccountedFor(interactions, failures, maxBody == 1 << 20, where);
            if (interactions.stream().anyMatch(i -> i.protocol().equals("redis"))) {
                redisRuns++;
                if (interactions.stream().anyMatch(i -> i.protocol().equals("tcp"))) {
                    failedOpenAfterRedis++;
                }
            }
        }
        // The mutations must leave enough Redis for the decoder to be exercised, not just the sniffer.
        assertThat(redisRuns).isGreaterThan(RUNS / 4);
        assertThat(failedOpenAfterRedis).isGreaterThan(RUNS / 10);
    }

    /**
     * The reader takes whole common values in one pass when a buffer holds them, and everything else byte by byte: fed
     * whole and fed one byte at a time, mutated conversations must be recorded alike, whatever the recording limit
     * (which decides what the one-pass reader leaves to the other).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void whole_buffers_and_single_bytes_are_recorded_alike() {
        var random = new Random(0xfa57);
        for (int run = 0; run < 1500; run++) {
            var script = run % 3 == 0
                    ? randomScript(random, true)
                    : mutate(CORPUS.get(random.nextInt(CORPUS.size())), random);
            int maxBody = switch (random.nextInt(3)) {
                case 0 -> 1 << 20;
                case 1 -> 1 + random.nextInt(16);
                default -> 900 + random.nextInt(300);
            };
            var whole = decoded(script.run(Script.Feed.WHOLE, maxBody, run));
            var bytes = decoded(script.run(Script.Feed.BYTES, maxBody, run));
            assertThat(whole)
                    .as("run %d, max body %d: %s", run, maxBody, describe(script))
                    .isEqualTo(bytes);
        }
    }

    /**
     * What the decoder made of a conversation: its interactions and, after a fail-open, the reason. The raw recording
     * that follows a fail-open is left out: it groups bytes by the chunks they came in, whatever the decoder.
     */
    private static List<Object> decoded(List<Interaction> interactions) {
        var out = new ArrayList<Object>();
        for (var i : interactions) {
            if (i.protocol().equals("tcp")) {
                var reason = i.attributes().get("decodeError");
                if (reason != null) {
                    out.add("raw after: " + reason);
                }
            } else {
                out.add(i);
            }
        }
        return out;
    }

    private static Script randomScript(Random random, boolean redisStart) {
        var script = Script.create();
        int events = 1 + random.nextInt(6);
        for (int e = 0; e < events; e++) {
            var bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (e == 0 && redisStart) {
                var start = "*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII);
                bytes = concat(start, bytes);
            }
            if (e == 0 || random.nextBoolean()) {
                script.client(bytes);
            } else {
                script.server(bytes);
            }
        }
        return end(script, random);
    }

    private static Script mutate(List<String> events, Random random) {
        var script = Script.create();
        for (var event : events) {
            var bytes = event.substring(2).getBytes(StandardCharsets.ISO_8859_1);
            // Most events get a mutation or a few; some stay intact so that later events meet a sane state.
            for (int m = random.nextInt(4) - 1; m >= 0; m--) {
                bytes = mutate(bytes, random);
            }
            if (event.startsWith("C:")) {
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
                copy[at] = (byte) "0123456789$*+-:_#,(!=%~|>.?; \r\n".charAt(random.nextInt(31));
                yield copy;
            }
            case 2 -> Arrays.copyOf(bytes, at);
            case 3 ->
                concat(
                        Arrays.copyOf(bytes, at),
                        Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
            case 4 -> concat(Arrays.copyOf(bytes, at), bytes, Arrays.copyOfRange(bytes, at, bytes.length));
            case 5 ->
                new String(bytes, StandardCharsets.ISO_8859_1)
                        .replace("\r\n", random.nextBoolean() ? "\n" : "\r")
                        .getBytes(StandardCharsets.ISO_8859_1);
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

    private static String describe(Script script) {
        var sb = new StringBuilder();
        for (var event : script.events()) {
            if (event instanceof Script.Data d) {
                sb.append(d.side())
                        .append(' ')
                        .append(new String(d.bytes(), StandardCharsets.ISO_8859_1)
                                .replace("\r", "\\r")
                                .replace("\n", "\\n"))
                        .append(" | ");
            } else {
                sb.append(event).append(" | ");
            }
        }
        return sb.toString();
    }
}
