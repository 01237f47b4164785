package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A head that arrives whole is parsed in one pass; in pieces, line by line. Both give the same head, consume the same
 * bytes, keep the same bytes as unparsed, and fail with the same message, whatever kind of buffer holds the input.
 */
class HeadParserTest {

    private static final List<Function<byte[], ByteBuffer>> BUFFERS = List.of(
            ByteBuffer::wrap,
            b -> ByteBuffer.wrap(b).asReadOnlyBuffer(),
            b -> ByteBuffer.allocateDirect(b.length).put(b).flip(),
            b -> {
                var padded = ByteBuffer.allocate(b.length + 9);
                padded.position(5).put(b);
                return padded.position(5).limit(5 + b.length).slice();
            });

    @Test
    void wholeAndPiecemealHeadsAgree() {
        var heads = new ArrayList<>(List.of(
                "GET / HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET /caf\u00e9?q=\u00fc HTTP/1.1\r\nHost: h\r\nX-N: \u00e9t\u00e9\r\n\r\nbody",
                "POST /x HTTP/1.0\nContent-Length: 3\nX-Bare: lf\n\nabc",
                "GET / HTTP/1.1\r\nX-Fold: a\r\n  b\r\nX-Empty:\r\nX-Sp:   v  \t\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\n\r",
                "\r\nGET / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nContent-Length: 5, 5\r\nTransfer-Encoding: gzip\r\nContent-Encoding: br\r\n\r\n",
                "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
                "GET / HTTP/1.1\r\n: h\r\n\r\n",
                "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                "GET /\r\n\r\n",
                "GET / HTTP/1.1\r\nX-Big: " + "v".repeat(9000) + "\r\n\r\n",
                "GET / HTTP/1.1\r\nX-Lat: \u00ff\u00fe\r\n\r\n",
                // Line feeds are found eight bytes at a time: a byte 0x0B just after one is a false candidate there,
                // and bytes after the head (here not ASCII) must not count for the head's text.
                "GET / HTTP/1.1\n\u000b\u000bX: v\n\n",
                "GET / HTTP/1.1\nX: a\n\u000b\n\n",
                "GET /1234567 HTTP/1.1\r\nX: \u000b\u000b\u000b\r\n\r\n\u00e9\u00e9\u00e9\u00e9",
                "GET / HTTP/1.1\r\nHost: h\r\n\r\n\u00e9"));
        var random = new Random(5);
        for (int i = 0; i < 300; i++) {
            heads.add(randomHead(random));
        }
        for (var kind : List.of(HeadParser.Kind.REQUEST, HeadParser.Kind.RESPONSE)) {
            for (var head : heads) {
                var text =
                        kind == HeadParser.Kind.REQUEST ? head : head.replaceFirst("^GET [^ \r\n]* ", "HTTP/1.1 200 ");
                var bytes = text.getBytes(
                        kind == HeadParser.Kind.REQUEST && head.contains("\u00ff")
                                ? StandardCharsets.ISO_8859_1
                                : StandardCharsets.UTF_8);
                var expected = parse(kind, bytes, 1, ByteBuffer::wrap);
                for (var buffer : BUFFERS) {
                    for (int piece : new int[] {bytes.length, 7}) {
                        assertThat(parse(kind, bytes, piece, buffer))
                                .as("%s in pieces of %d", text, piece)
                                .isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void aSecondHeadOnTheSameParserStartsAfresh() {
        var parser = new HeadParser(HeadParser.Kind.REQUEST);
        var first = ByteBuffer.wrap("GET /a HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        var second = ByteBuffer.wrap("PUT /b HTTP/1.0\r\nX: y\r\n\r\nrest".getBytes(StandardCharsets.US_ASCII));

        assertThat(parse(parser, first)).isTrue();
        parser.reset();
        assertThat(parse(parser, second)).isTrue();

        var head = parser.head();
        assertThat(head.method()).isEqualTo("PUT");
        assertThat(head.target()).isEqualTo("/b");
        assertThat(head.version()).isEqualTo("HTTP/1.0");
        assertThat(head.headers().entries()).hasSize(1);
        assertThat(second.remaining()).isEqualTo(4);
        assertThat(StandardCharsets.US_ASCII.decode(parser.unparsed()).toString())
                .isEqualTo("PUT /b HTTP/1.0\r\nX: y\r\n\r\n");
    }

    /** What a parse of {@code bytes} fed in pieces of {@code piece} bytes ends with. */
    private record Outcome(boolean done, String head, String error, int consumed, String unparsed) {}

    private static Outcome parse(HeadParser.Kind kind, byte[] bytes, int piece, Function<byte[], ByteBuffer> buffer) {
        var parser = new HeadParser(kind);
        int consumed = 0;
        boolean done = false;
        String error = null;
        for (int at = 0; at < bytes.length && !done && error == null; at += piece) {
            var chunk = java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + piece));
            var data = buffer.apply(chunk);
            int start = data.position();
            try {
                done = parser.parse(data);
            } catch (MalformedHttpException e) {
                error = e.getMessage();
            }
            consumed += data.position() - start;
            if (done || error != null) {
                // What a whole head consumes ends at its last line: within this piece.
                break;
            }
        }
        var unparsed = parser.unparsed();
        var kept = new byte[unparsed.remaining()];
        unparsed.get(kept);
        return new Outcome(
                done,
                done ? parser.head().toString() : "",
                String.valueOf(error),
                error == null ? consumed : -1,
                new String(kept, StandardCharsets.ISO_8859_1));
    }

    private static boolean parse(HeadParser parser, ByteBuffer data) {
        try {
            return parser.parse(data);
        } catch (MalformedHttpException e) {
            throw new AssertionError(e);
        }
    }

    private static String randomHead(Random random) {
        String[] lines = {
            "Host: h",
            "X-A: 1",
            "Content-Length: 0",
            "Accept: */*",
            "X-Odd:\t v\t",
            "Bad Line",
            "X:",
            "  folded",
            "Content-Length: 2",
            "Transfer-Encoding: chunked",
            "X-\u00e9: 1",
            "X-U: \u00e9",
            "X-V: a\u000bb",
            "\u000b",
            "X-Long: " + "w".repeat(random.nextInt(20))
        };
        var sb = new StringBuilder(
                random.nextInt(8) == 0 ? "GET  / HTTP/1.1" : "GET /p" + random.nextInt(9) + " HTTP/1.1");
        for (int n = random.nextInt(6); n > 0; n--) {
            sb.append(random.nextBoolean() ? "\r\n" : "\n").append(lines[random.nextInt(lines.length)]);
        }
        return sb.append(random.nextBoolean() ? "\r\n\r\n" : "\n\n")
                .append(random.nextBoolean() ? "body" : random.nextBoolean() ? "\u00e9t\u00e9" : "")
                .toString();
    }
}
