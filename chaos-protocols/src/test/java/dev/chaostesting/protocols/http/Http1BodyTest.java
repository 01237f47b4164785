package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Body framing (lengths, chunks, trailers), bounded recording and content decoding. */
class Http1BodyTest {

    private static final String TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(40);

    @Test
    void contentLengthBodiesBothWays() {
        var interactions = Script.create()
                .client(
                        "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHELLO")
                .close()
                .runAllWays();

        assertThat(interactions.get(0).httpRequest().body()).isEqualTo(Body.ofText("hello world"));
        assertThat(interactions.get(0).httpResponse().body()).isEqualTo(Body.ofText("HELLO"));
    }

    @Test
    void chunkedBothWaysWithExtensionsAndTrailers() {
        var request = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 999\r\n\r\n"
                + "5;name=value\r\nhello\r\n"
                + "6 ; quoted=\"a;b\"\r\n world\r\n"
                + "0\r\nX-Checksum: 42\r\nX-Other: yes\r\n\r\n";
        var response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "A\r\n0123456789\r\n"
                + "1;last\r\n!\r\n"
                + "0;end=1\r\nServer-Timing: db;dur=53\r\n\r\n";
        var interactions =
                Script.create().client(request).server(response).close().runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpRequest().body()).isEqualTo(Body.ofText("hello world"));
        assertThat(i.httpRequest().trailers()).isEqualTo(Headers.of("X-Checksum", "42", "X-Other", "yes"));
        assertThat(i.httpResponse().body()).isEqualTo(Body.ofText("0123456789!"));
        assertThat(i.httpResponse().trailers()).isEqualTo(Headers.of("Server-Timing", "db;dur=53"));
        assertThat(i.requestBytes()).isEqualTo(request.length());
        assertThat(i.responseBytes()).isEqualTo(response.length());
        assertThat(i.error()).isNull();
    }

    @Test
    void chunkedWithoutTrailersThenAnotherExchange() {
        var interactions = Script.create()
                .client("GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                .client("GET /b HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb")
                .close()
                .runAllWays();

        assertThat(interactions).extracting(i -> i.httpResponse().body().text()).containsExactly("abc", "b");
        assertThat(interactions.get(0).httpResponse().trailers()).isEqualTo(Headers.empty());
    }

    @Test
    void binaryBodiesAreKeptByteForByte() {
        var bytes = new byte[1024];
        for (int n = 0; n < bytes.length; n++) {
            bytes[n] = (byte) (n * 7 + 3);
        }
        var interactions = Script.create()
                .client(concat(
                        "PUT /blob HTTP/1.1\r\nHost: h\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\n\r\n",
                        bytes))
                .server(concat("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n", bytes, "\r\n0\r\n\r\n"))
                .close()
                .runAllWays();

        assertThat(interactions.get(0).httpRequest().body().bytes()).isEqualTo(bytes);
        assertThat(interactions.get(0).httpResponse().body().bytes()).isEqualTo(bytes);
        assertThat(interactions.get(0).httpResponse().body().isText()).isFalse();
    }

    @Test
    void bodiesAtTheEdgesOfTheLimit() {
        // The copy as sent is sized from Content-Length: at, just under and over the limit, and with no room at all.
        var body = TEXT.substring(0, 40);
        for (int limit : new int[] {0, 1, 39, 40, 41, 1000}) {
            var interactions = Script.create()
                    .client("POST / HTTP/1.1\r\nContent-Length: 40\r\n\r\n" + body)
                    .server("HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n" + body)
                    .client("POST /2 HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
                    .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n" + body + "\r\n0\r\n\r\n")
                    .close()
                    .runAllWays(limit);

            int kept = Math.min(limit, 40);
            var expected = new Body(body.substring(0, kept).getBytes(StandardCharsets.UTF_8), 40, kept < 40, null);
            assertThat(interactions.get(0).httpRequest().body())
                    .as("limit %d", limit)
                    .isEqualTo(expected);
            assertThat(interactions.get(0).httpResponse().body())
                    .as("limit %d", limit)
                    .isEqualTo(expected);
            assertThat(interactions.get(1).httpRequest().body()).isEqualTo(Body.empty());
            assertThat(interactions.get(1).httpResponse().body())
                    .as("limit %d", limit)
                    .isEqualTo(expected);
        }
    }

    @Test
    void aBodyCutShortKeepsWhatArrived() {
        var interactions = Script.create()
                .client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
                .close()
                .runAllWays();

        var body = interactions.get(0).httpResponse().body();
        assertThat(body).isEqualTo(new Body("only this".getBytes(StandardCharsets.UTF_8), 9, true, null));
        assertThat(interactions.get(0).error()).isEqualTo("response ended after 9 of 100 body bytes");
    }

    @Test
    void bodyLongerThanTheLimitIsTruncatedWithItsFullSize() {
        var body = TEXT.substring(0, 1000);
        var interactions = Script.create()
                .client("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000\r\n\r\n" + body)
                .server("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n" + body + "\r\n0\r\n\r\n")
                .close()
                .runAllWays(100);

        var expected = new Body(body.substring(0, 100).getBytes(StandardCharsets.UTF_8), 1000, true, null);
        assertThat(interactions.get(0).httpRequest().body()).isEqualTo(expected);
        assertThat(interactions.get(0).httpResponse().body()).isEqualTo(expected);
        assertThat(interactions.get(0).error()).isNull();
    }

    @Test
    void gzipBodiesAreStoredDecodedAndMarked() throws Exception {
        var gz = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
        var interactions = Script.create()
                .client(concat(
                        "POST /in HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.length
                                + "\r\n\r\n",
                        gz))
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: x-gzip\r\nContent-Length: " + gz.length + "\r\n\r\n", gz))
                .close()
                .runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpRequest().body()).isEqualTo(Body.ofText(TEXT).withContentEncoding("gzip"));
        assertThat(i.httpResponse().body()).isEqualTo(Body.ofText(TEXT).withContentEncoding("x-gzip"));
        assertThat(i.attributes()).doesNotContainKey("bodyDecodeError");
        assertThat(i.responseBytes()).isLessThan(TEXT.length());
    }

    @Test
    void gzipWithHeaderFieldsAndSeveralMembers() throws Exception {
        // FEXTRA, FNAME, FCOMMENT and FHCRC set, then a second member, as RFC 1952 allows.
        var header = new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, (byte) 255, 3, 0, 'x', 'y', 'z'};
        var rawDeflate = deflate("part one, ".getBytes(StandardCharsets.UTF_8), true);
        var crc = new java.util.zip.CRC32();
        crc.update("part one, ".getBytes(StandardCharsets.UTF_8));
        var member = new ByteArrayOutputStream();
        member.writeBytes(header);
        member.writeBytes("name\0comment\0".getBytes(StandardCharsets.ISO_8859_1));
        member.writeBytes(new byte[] {0x12, 0x34});
        member.writeBytes(rawDeflate);
        member.writeBytes(littleEndian(crc.getValue()));
        member.writeBytes(littleEndian(10));
        member.writeBytes(gzip("part two".getBytes(StandardCharsets.UTF_8)));
        var gz = member.toByteArray();
        var interactions = Script.create()
                .client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n", gz))
                .close()
                .runAllWays();

        assertThat(interactions.get(0).httpResponse().body())
                .isEqualTo(Body.ofText("part one, part two").withContentEncoding("gzip"));
    }

    @Test
    void deflateBodiesZlibWrappedOrRaw() throws Exception {
        var zlib = deflate(TEXT.getBytes(StandardCharsets.UTF_8), false);
        var raw = deflate(TEXT.getBytes(StandardCharsets.UTF_8), true);
        var interactions = Script.create()
                .client("GET /z HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: " + zlib.length + "\r\n\r\n",
                        zlib))
                .client("GET /r HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: Deflate\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(raw.length) + "\r\n",
                        raw,
                        "\r\n0\r\n\r\n"))
                .close()
                .runAllWays();

        for (var i : interactions) {
            assertThat(i.httpResponse().body()).isEqualTo(Body.ofText(TEXT).withContentEncoding("deflate"));
        }
    }

    @Test
    void decodedOutputIsBoundedByTheLimit() throws Exception {
        var big = new byte[200_000];
        Arrays.fill(big, (byte) 'a');
        var gz = gzip(big);
        var interactions = Script.create()
                .client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.length + "\r\n\r\n", gz))
                .close()
                .runAllWays(1000);

        var body = interactions.get(0).httpResponse().body();
        assertThat(body.length()).isEqualTo(1000);
        assertThat(body.truncated()).isTrue();
        // Decoding stops one byte past the limit: the size is a lower bound.
        assertThat(body.size()).isEqualTo(1001);
        assertThat(body.contentEncoding()).isEqualTo("gzip");
        assertThat(body.text()).isEqualTo("a".repeat(1000));
    }

    @Test
    void undecodableBodiesAreStoredAsSentWithTheReason() throws Exception {
        var gz = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
        var corrupt = gz.clone();
        corrupt[gz.length / 2] ^= 0x55;
        var cut = Arrays.copyOf(gz, gz.length - 10);
        var interactions = Script.create()
                .client("GET /corrupt HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + corrupt.length + "\r\n\r\n",
                        corrupt))
                .client("GET /cut HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + cut.length + "\r\n\r\n", cut))
                .client("GET /brotli HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\n",
                        new byte[] {1, 2, 3, 4}))
                .close()
                .runAllWays();

        assertThat(interactions.get(0).httpResponse().body()).isEqualTo(Body.of(corrupt));
        assertThat(interactions.get(0).attributes().get("bodyDecodeError")).startsWith("response body: gzip: ");
        assertThat(interactions.get(1).httpResponse().body()).isEqualTo(Body.of(cut));
        assertThat(interactions.get(1).attributes())
                .containsEntry(
                        "bodyDecodeError", "response body: gzip: compressed data ended before the end of the stream");
        assertThat(interactions.get(2).httpResponse().body()).isEqualTo(Body.of(new byte[] {1, 2, 3, 4}));
        assertThat(interactions.get(2).attributes()).doesNotContainKey("bodyDecodeError");
    }

    @Test
    void compressedResponseCutShortIsStoredAsSent() throws Exception {
        var gz = gzip(TEXT.getBytes(StandardCharsets.UTF_8));
        var half = Arrays.copyOf(gz, gz.length / 2);
        var interactions = Script.create()
                .client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(concat(
                        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + gz.length + "\r\n\r\n", half))
                .close()
                .runAllWays();

        var i = interactions.get(0);
        assertThat(i.httpResponse().body()).isEqualTo(new Body(half, half.length, true, null));
        assertThat(i.attributes()).containsKey("bodyDecodeError");
        assertThat(i.error()).isEqualTo("response ended after " + half.length + " of " + gz.length + " body bytes");
    }

    @Test
    void sixtyFourMebibyteBodyStreamsInBoundedMemory() {
        int limit = 1 << 20;
        long size = 64L << 20;
        var out = new ArrayList<Interaction.Builder>();
        var observer = new ConnectionObserver(Script.CONNECTION, Codecs.of(new Http1Codec()), null, limit, out::add);
        observer.onData(Side.CLIENT, ascii("GET /big HTTP/1.1\r\nHost: h\r\n\r\n"), 1);
        observer.onData(Side.SERVER, ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"), 2);
        var chunk = new byte[64 * 1024];
        new Random(7).nextBytes(chunk);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
        long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (long sent = 0; sent < size; sent += chunk.length) {
            observer.onData(Side.SERVER, ByteBuffer.wrap(chunk).asReadOnlyBuffer(), 3);
        }
        long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        observer.onEnd(Side.SERVER, false, 4);
        observer.onEnd(Side.CLIENT, false, 4);

        var body = out.get(0).build().httpResponse().body();
        assertThat(body.length()).isEqualTo(limit);
        assertThat(body.size()).isEqualTo(size);
        assertThat(body.truncated()).isTrue();
        assertThat(Arrays.copyOf(body.bytes(), chunk.length)).isEqualTo(chunk);
        assertThat(out.get(0).build().responseBytes()).isGreaterThan(size);
        // The recorded prefix and its growth cost a few MiB; the other 63 MiB must not have been copied.
        assertThat(allocated).isLessThan(16L << 20);
    }

    static byte[] concat(Object... parts) {
        var out = new ByteArrayOutputStream();
        for (var part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] data, boolean raw) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            d.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] littleEndian(long value) {
        return new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }
}
