package dev.chaostesting.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.Message;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The direct encoder writes every interaction byte for byte as {@link InteractionJson#write} does through Jackson, on
 * its direct path (ASCII HTTP and TCP) and through the generator for the rest.
 */
class JsonLineEncoderTest {

    @Test
    void asciiHttpTakesTheDirectPathAndMatchesTheGenerator() throws IOException {
        var interactions = new ArrayList<Interaction>();
        for (int i = 0; i < 50; i++) {
            // Connections interleaved, the Date changing, the same strings as equal but distinct objects.
            interactions.add(nginxLike(i + 1, "c" + (i % 4), "Tue, 24 Nov 2026 09:04:" + (10 + i / 20) + " GMT"));
        }
        var encoder = new JsonLineEncoder();

        assertThat(encode(encoder, interactions)).isEqualTo(jackson(interactions));
        assertThat(encoder.fallbacks()).isZero();
    }

    @Test
    void everyAsciiCharacterIsWrittenAsTheGeneratorWritesIt() throws IOException {
        var all = new StringBuilder();
        var bytes = new byte[128];
        for (int c = 0; c < 128; c++) {
            all.append((char) c);
            bytes[c] = (byte) c;
        }
        var text = all.toString();
        var interaction = base(1).request(HttpRequest.builder()
                        .method("GET")
                        .target("/" + text)
                        .headers(Headers.of("X-All", text, text, "v"))
                        .body(Body.of(bytes))
                        .build())
                .response(HttpResponse.builder()
                        .status(200)
                        .reason(text)
                        .headers(Headers.of("Content-Type", "application/json"))
                        .body(Body.ofText("{\"a\":\"b\\\\c\\n\",\"tab\":\"\t\"}"))
                        .build())
                .error(text)
                .attribute(text, text)
                .build();
        var encoder = new JsonLineEncoder();

        assertThat(encode(encoder, List.of(interaction, interaction)))
                .isEqualTo(jackson(List.of(interaction, interaction)));
        assertThat(encoder.fallbacks()).isZero();
    }

    @Test
    void textBeyondAsciiIsWrittenByTheGenerator() throws IOException {
        var plain = nginxLike(1, "c1", "d");
        var cases = List.of(
                withResponseHeader(2, "X-Name", "caf\u00e9"),
                withResponseHeader(3, "X-Emoji", "\uD83D\uDE00 and a lone \uD800 surrogate"),
                base(4).request(HttpRequest.builder()
                                .target("/caf\u00e9")
                                .body(Body.ofText("{\"name\":\"\u00e9t\u00e9 \uD83D\uDE00\"}"))
                                .build())
                        .build(),
                base(5).attribute("note", "\u00fcber").build(),
                base(6).client("\u0100:1").build());
        for (var odd : cases) {
            var encoder = new JsonLineEncoder();
            var list = List.of(plain, odd, plain);

            assertThat(encode(encoder, list)).isEqualTo(jackson(list));
            assertThat(encoder.fallbacks()).as("fallbacks for %s", odd).isEqualTo(1);
        }
    }

    @Test
    void binaryBodiesAreBase64AsTheGeneratorWritesThem() throws IOException {
        var random = new Random(7);
        var list = new ArrayList<Interaction>();
        for (int n = 0; n < 64; n++) {
            var bytes = new byte[n];
            random.nextBytes(bytes);
            if (n > 0) {
                bytes[0] = (byte) 0xff; // never valid UTF-8
            }
            list.add(base(n + 1)
                    .protocol("tcp")
                    .request(new TcpData(Body.of(bytes)))
                    .response(new TcpData(new Body(bytes, n + 1000L, true, "gzip")))
                    .build());
        }
        var encoder = new JsonLineEncoder();

        assertThat(encode(encoder, list)).isEqualTo(jackson(list));
        assertThat(encoder.fallbacks()).isZero();
    }

    @Test
    void numbersAndInstantsAtTheirEdges() throws IOException {
        long[] numbers = {
            0,
            -1,
            9,
            10,
            99,
            100,
            12345,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE + 1L,
            -Integer.MAX_VALUE,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            Long.MIN_VALUE + 1,
            1_000_000_000_000L
        };
        Instant[] instants = {
            Instant.EPOCH,
            Instant.ofEpochSecond(1_764_000_000L, 1_000_000),
            Instant.ofEpochSecond(1_764_000_000L, 123_000),
            Instant.ofEpochSecond(1_764_000_000L, 1),
            Instant.ofEpochSecond(1_764_000_000L, 999_999_999),
            Instant.ofEpochSecond(-1, 500),
            Instant.ofEpochSecond(-62_167_219_200L), // year 0
            Instant.ofEpochSecond(-62_167_219_201L, 7), // year -1
            Instant.ofEpochSecond(253_402_300_800L, 10), // year 10000
            Instant.MAX,
            Instant.MIN
        };
        var list = new ArrayList<Interaction>();
        int k = 0;
        for (long n : numbers) {
            list.add(base(n).startedAt(instants[k++ % instants.length])
                    .timeToFirstByteMicros(-n)
                    .durationMicros(n)
                    .requestBytes(n)
                    .responseBytes(n)
                    .response(HttpResponse.builder()
                            .status(100 + (int) Math.floorMod(n, 900L))
                            .interim(List.of(100, 103))
                            .build())
                    .build());
        }
        for (var instant : instants) {
            list.add(base(1).startedAt(instant).build());
        }
        var encoder = new JsonLineEncoder();

        assertThat(encode(encoder, list)).isEqualTo(jackson(list));
        assertThat(encoder.fallbacks()).isZero();
    }

    @Test
    void everyKindOfMessageAndOptionalField() throws IOException {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("sql", "SELECT 1");
        fields.put("n", 1.5);
        fields.put("list", List.of(1L, "x", true));
        var list = List.of(
                base(1).request(null).response(null).build(),
                base(2).protocol("postgresql")
                        .request(new StructuredMessage(fields))
                        .build(),
                base(3).direction(Direction.OUTBOUND)
                        .request(HttpRequest.builder()
                                .method("POST")
                                .headers(Headers.of("A", "1", "A", "2"))
                                .body(Body.ofText("x=1&y=2"))
                                .trailers(Headers.of("X-Checksum", "abc"))
                                .build())
                        .response(HttpResponse.builder()
                                .status(101)
                                .reason("")
                                .body(new Body("partial".getBytes(StandardCharsets.US_ASCII), 90, true, "br"))
                                .trailers(Headers.of("T", "v"))
                                .interim(List.of(100, 103))
                                .build())
                        .error("cut short")
                        .attribute("upgrade", "websocket")
                        .attribute("bodyDecodeError", "a \"quoted\" reason")
                        .build(),
                base(4).protocol("tcp").request(new TcpData(Body.empty())).build());
        var encoder = new JsonLineEncoder();

        assertThat(encode(encoder, list)).isEqualTo(jackson(list));
        assertThat(encoder.fallbacks()).isEqualTo(1); // the structured message
    }

    @Test
    void aLineThatCannotBeWrittenLeavesNothingBehind() throws IOException {
        // A list is checked when the message is made, not copied: a value of no JSON type added later fails the write.
        var values = new ArrayList<Object>(List.of("a"));
        var fields = new LinkedHashMap<String, Object>();
        fields.put("odd", values);
        var bad = base(2).protocol("x").request(new StructuredMessage(fields)).build();
        values.add(new Object());
        var good = nginxLike(1, "c1", "d");
        var encoder = new JsonLineEncoder();
        encoder.append(good);
        int before = encoder.buffered();

        assertThatThrownBy(() -> encoder.append(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThat(encoder.buffered()).isEqualTo(before);
        encoder.append(good);
        var out = new ByteArrayOutputStream();
        encoder.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(jackson(List.of(good, good)));
    }

    /** Seeded random interactions from a small pool of strings (cache hits, equal but distinct objects, misses). */
    @Test
    void randomInteractionsMatchTheGenerator() throws IOException {
        var random = new Random(20261124);
        var pool = new ArrayList<String>();
        String alphabet = "abcXYZ019 -:/\"\\\t\n\u0001\u007f";
        for (int i = 0; i < 40; i++) {
            var sb = new StringBuilder();
            int n = random.nextInt(12);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (random.nextInt(10) == 0) {
                sb.append(random.nextBoolean() ? '\u00e9' : '\u4e2d');
            }
            pool.add(sb.toString());
        }
        var list = new ArrayList<Interaction>();
        for (int i = 0; i < 3000; i++) {
            list.add(randomInteraction(random, pool, i));
        }
        var encoder = new JsonLineEncoder();

        assertThat(encode(encoder, list)).isEqualTo(jackson(list));
        assertThat(encoder.fallbacks()).isPositive().isLessThan(list.size());
    }

    private static Interaction randomInteraction(Random random, List<String> pool, long sequence) {
        var b = base(sequence)
                .connection(pick(random, pool))
                .client(pick(random, pool))
                .startedAt(Instant.ofEpochSecond(1_764_000_000L + random.nextInt(3), random.nextInt(4) * 250_000_000L));
        var requestHeaders = Headers.builder();
        var responseHeaders = Headers.builder();
        for (int k = random.nextInt(6); k > 0; k--) {
            requestHeaders.add(pick(random, pool), pick(random, pool));
            responseHeaders.add(pick(random, pool), pick(random, pool));
        }
        var body = random.nextInt(4) == 0
                ? new byte[] {(byte) 0xc3, (byte) random.nextInt(256)}
                : pick(random, pool).getBytes(StandardCharsets.UTF_8);
        Message request = random.nextInt(8) == 0
                ? new TcpData(Body.of(body))
                : HttpRequest.builder()
                        .method(pick(random, pool))
                        .target(pick(random, pool))
                        .headers(requestHeaders.build())
                        .body(Body.of(body))
                        .build();
        b.request(request);
        if (random.nextInt(6) != 0) {
            b.response(HttpResponse.builder()
                    .status(100 + random.nextInt(500))
                    .reason(pick(random, pool))
                    .headers(responseHeaders.build())
                    .body(Body.ofText(pick(random, pool)))
                    .build());
        }
        if (random.nextInt(5) == 0) {
            b.error(pick(random, pool));
        }
        if (random.nextInt(5) == 0) {
            b.attribute(pick(random, pool), pick(random, pool));
        }
        return b.build();
    }

    /** A string of the pool, half the time as a distinct but equal object. */
    private static String pick(Random random, List<String> pool) {
        var s = pool.get(random.nextInt(pool.size()));
        return random.nextBoolean() ? new String(s.toCharArray()) : s;
    }

    private static Interaction nginxLike(long sequence, String connection, String date) {
        return base(sequence)
                .connection(connection)
                .request(HttpRequest.builder()
                        .method("GET")
                        .target("/")
                        .headers(Headers.of("Host", new String("127.0.0.1:28180".toCharArray())))
                        .build())
                .response(HttpResponse.builder()
                        .status(200)
                        .reason("OK")
                        .headers(Headers.of(
                                "Server", "nginx/1.22.1",
                                "Date", date,
                                "Content-Type", "text/html",
                                "Content-Length", "13",
                                "ETag", "\"6b055336-d\""))
                        .body(Body.ofText("Hello, world!"))
                        .build())
                .build();
    }

    private static Interaction withResponseHeader(long sequence, String name, String value) {
        return base(sequence)
                .response(
                        HttpResponse.builder().headers(Headers.of(name, value)).build())
                .build();
    }

    private static Interaction.Builder base(long sequence) {
        return Interaction.builder()
                .sequence(sequence)
                .protocol("http")
                .connection("c1")
                .client("127.0.0.1:40000")
                .server("127.0.0.1:8080")
                .startedAt(Instant.ofEpochSecond(1_764_000_000L, 123_456_000))
                .timeToFirstByteMicros(350)
                .durationMicros(400)
                .requestBytes(41)
                .responseBytes(248);
    }

    private static byte[] encode(JsonLineEncoder encoder, List<Interaction> interactions) throws IOException {
        var out = new ByteArrayOutputStream();
        for (var interaction : interactions) {
            encoder.append(interaction);
        }
        encoder.writeTo(out);
        return out.toByteArray();
    }

    /** What the recording writer wrote before the direct encoder: the generator, then a newline. */
    private static byte[] jackson(List<Interaction> interactions) throws IOException {
        var out = new ByteArrayOutputStream();
        var generator = Json.lineGenerator(out);
        for (var interaction : interactions) {
            InteractionJson.write(interaction, generator);
            generator.flush();
            out.write('\n');
        }
        return out.toByteArray();
    }
}
