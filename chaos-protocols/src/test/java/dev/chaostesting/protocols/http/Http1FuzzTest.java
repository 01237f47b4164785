package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

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
 * HTTP exchange or in raw TCP; traffic recorded entirely as raw TCP is recorded byte for byte.
 */
class Http1FuzzTest {

    private static final int RUNS = 4000;

    private static final List<List<String>> CORPUS = List.of(
            List.of(
                    "C:GET /a?b=c HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
                    "S:HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
            List.of(
                    "C:POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nabcd\r\n0\r\nT: 1\r\n\r\n",
                    "S:HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"),
            List.of(
                    "C:GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nHEAD /3 HTTP/1.1\r\n\r\n",
                    "S:HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 204 No Content\r\n\r\n"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"),
            List.of(
                    "C:PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
                    "S:HTTP/1.1 100 Continue\r\n\r\n",
                    "C:xyz",
                    "S:HTTP/1.1 201 Created\r\n\r\n"),
            List.of(
                    "C:GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                    "S:HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi",
                    "C:\u0081\u0082abcd??"),
            List.of(
                    "C:CONNECT h:443 HTTP/1.1\r\n\r\n\u0016\u0003\u0001",
                    "S:HTTP/1.1 200 OK\r\n\r\n",
                    "S:\u0016\u0003\u0003"),
            List.of("C:GET / HTTP/1.0\r\n\r\n", "S:HTTP/1.0 200 OK\r\n\r\nuntil close"),
            List.of(
                    "C:GET /gz HTTP/1.1\r\n\r\n",
                    "S:HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 23\r\n\r\n"
                            + "\u001f\u008b\b\u0000\u0000\u0000\u0000\u0000\u0000\u0003\u00cbH\u00cd\u00c9\u00c9\u0007"
                            + "\u0000\u0086\u00a6\u00106\u0005\u0000\u0000\u0000"));

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void randomAndMutatedTrafficNeverBreaksTheDecoder() {
        var random = new Random(0x5eed);
        int httpRuns = 0;
        int failedOpenAfterHttp = 0;
        for (int run = 0; run < RUNS; run++) {
            var script = switch (run % 4) {
                case 0 -> randomScript(random, false);
                case 1 -> randomScript(random, true);
                default -> mutate(CORPUS.get(random.nextInt(CORPUS.size())), random);
            };
            var failures = new ArrayList<Throwable>();
            var feed = random.nextInt(8) == 0 ? Script.Feed.BYTES : Script.Feed.RANDOM;
            int maxBody = random.nextBoolean() ? 1 << 20 : 1 + random.nextInt(16);
            var interactions = script.run(feed, maxBody, run, new CheckedCodec(new Http1Codec(), failures));

            var where = "run " + run + ": " + describe(script);
            script.assertAccountedFor(interactions, failures, maxBody == 1 << 20, where);
            if (interactions.stream().anyMatch(i -> i.protocol().equals("http"))) {
                httpRuns++;
                if (interactions.stream().anyMatch(i -> i.protocol().equals("tcp"))) {
                    failedOpenAfterHttp++;
                }
            }
        }
        // The mutations must leave enough HTTP for the decoder to be exercised, not just the sniffer.
        assertThat(httpRuns).isGreaterThan(RUNS / 4);
        assertThat(failedOpenAfterHttp).isGreaterThan(RUNS / 10);
    }

    private static Script randomScript(Random random, boolean httpStart) {
        var script = Script.create();
        int events = 1 + random.nextInt(6);
        for (int e = 0; e < events; e++) {
            var bytes = new byte[random.nextInt(120)];
            random.nextBytes(bytes);
            if (e == 0 && httpStart) {
                var start = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
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
                copy[at] = (byte) "0123456789abcdef:; \r\n-".charAt(random.nextInt(22));
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
