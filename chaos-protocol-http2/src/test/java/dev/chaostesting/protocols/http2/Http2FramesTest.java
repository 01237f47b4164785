package dev.chaostesting.protocols.http2;

import static dev.chaostesting.protocols.http2.Frames.concat;
import static dev.chaostesting.protocols.http2.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Frame-level behaviour, each script fed whole, in random fragments and byte by byte with equal results. */
class Http2FramesTest {

    static List<Interaction> runAllWays(Frames f, int maxBody) {
        var codec = new Http2Codec();
        var whole = Feed.run(f.events, Feed.Mode.WHOLE, 1, maxBody, codec);
        for (long seed = 1; seed <= 3; seed++) {
            assertThat(comparable(Feed.run(f.events, Feed.Mode.RANDOM, seed, maxBody, codec)))
                    .as("random fragments, seed %d", seed)
                    .isEqualTo(comparable(whole));
        }
        assertThat(comparable(Feed.run(f.events, Feed.Mode.BYTES, 1, maxBody, codec)))
                .as("byte by byte")
                .isEqualTo(comparable(whole));
        return whole;
    }

    /** Raw bytes handed back by a fail-open are stamped with the wall clock by the core: times are not comparable. */
    static List<Interaction> comparable(List<Interaction> list) {
        return list.stream()
                .map(i -> i.protocol().equals("tcp")
                        ? i.newBuilder()
                                .startedAt(java.time.Instant.EPOCH)
                                .durationMicros(0)
                                .timeToFirstByteMicros(0)
                                .build()
                        : i)
                .toList();
    }

    static Frames opened() {
        var f = new Frames();
        f.server(Frames.settings(3, 100));
        f.client(concat(Frames.PREFACE, Frames.settings(1, 4096, 4, 65535)));
        f.server(Frames.settingsAck());
        f.client(Frames.settingsAck());
        return f;
    }

    static byte[] gzip(String text) throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void interleaved_streams_are_emitted_in_completion_order_with_padding_continuation_and_gzip() throws Exception {
        var f = opened();
        var get = f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":authority", "example", ":path", "/a?x=1");
        // Stream 1: HEADERS split across CONTINUATION, with PRIORITY and padding flags.
        var padded = concat(new byte[] {3}, new byte[] {0, 0, 0, 0, 16}, slice(get, 0, 5), new byte[3]);
        f.client(frame(1, 0x08 | 0x20 | 0x01, 1, padded));
        f.client(frame(9, 0x04, 1, slice(get, 5, get.length)));
        // Stream 3: a POST with a padded DATA body.
        f.client(frame(
                1,
                0x04,
                3,
                f.block(
                        Side.CLIENT,
                        ":method",
                        "POST",
                        ":scheme",
                        "http",
                        ":authority",
                        "example",
                        ":path",
                        "/b",
                        "content-type",
                        "text/plain")));
        f.client(frame(
                0, 0x08 | 0x01, 3, concat(new byte[] {2}, "hello".getBytes(StandardCharsets.UTF_8), new byte[2])));
        f.client(frame(2, 0, 5, new byte[] {0, 0, 0, 0, 1})); // PRIORITY for an idle stream
        f.client(frame(6, 0, 0, new byte[8])); // PING
        f.client(frame(8, 0, 0, new byte[] {0, 0, 1, 0})); // WINDOW_UPDATE
        // Stream 3 answers first, with an interim 103.
        f.server(frame(1, 0x04, 3, f.block(Side.SERVER, ":status", "103", "link", "</x>")));
        f.server(frame(1, 0x04, 3, f.block(Side.SERVER, ":status", "201", "content-encoding", "gzip")));
        f.server(frame(0, 0x01, 3, gzip("created b")));
        f.server(frame(1, 0x04, 1, f.block(Side.SERVER, ":status", "200", "content-type", "text/plain")));
        f.server(frame(0, 0, 1, "part one, ".getBytes(StandardCharsets.UTF_8)));
        f.server(frame(0, 0, 1, "part two".getBytes(StandardCharsets.UTF_8)));
        f.server(frame(1, 0x05, 1, f.block(Side.SERVER, "x-checksum", "abc")));
        f.end(Side.CLIENT).end(Side.SERVER);

        var recorded = runAllWays(f, 1 << 20);
        assertThat(recorded).hasSize(2);
        var first = recorded.get(0);
        assertThat(first.protocol()).isEqualTo("http2");
        assertThat(first.attributes()).containsEntry("streamId", "3").containsEntry("authority", "example");
        assertThat(first.httpRequest().method()).isEqualTo("POST");
        assertThat(first.httpRequest().body().text()).isEqualTo("hello");
        assertThat(first.httpResponse().status()).isEqualTo(201);
        assertThat(first.httpResponse().interim()).containsExactly(103);
        assertThat(first.httpResponse().body().text()).isEqualTo("created b");
        assertThat(first.httpResponse().body().contentEncoding()).isEqualTo("gzip");
        var second = recorded.get(1);
        assertThat(second.httpRequest().target()).isEqualTo("/a?x=1");
        assertThat(second.httpRequest().version()).isEqualTo("HTTP/2");
        assertThat(second.httpResponse().body().text()).isEqualTo("part one, part two");
        assertThat(second.httpResponse().trailers().first("x-checksum")).contains("abc");
        assertThat(second.httpResponse().headers().first("content-type")).contains("text/plain");
        assertThat(second.error()).isNull();
    }

    @Test
    void header_table_size_changes_are_honoured_in_both_directions() {
        var f = opened();
        // The client allows a larger table; once acknowledged the server's encoder uses it (size update first).
        f.client(Frames.settings(1, 65536));
        f.server(Frames.settingsAck());
        try {
            f.serverHpack.maxHeaderTableSize(65536);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        var big = "v".repeat(3000);
        for (int id = 1; id <= 5; id += 2) {
            f.client(frame(1, 0x05, id, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/" + id)));
            f.server(frame(1, 0x05, id, f.block(Side.SERVER, ":status", "200", "x-a", big, "x-b", big)));
        }
        // Then the client shrinks it to 0: the server's next block must start with a size update, which is read.
        f.client(Frames.settings(1, 0));
        f.server(Frames.settingsAck());
        try {
            f.serverHpack.maxHeaderTableSize(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        f.client(frame(1, 0x05, 7, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/7")));
        f.server(frame(1, 0x05, 7, f.block(Side.SERVER, ":status", "204", "x-a", big)));
        var recorded = runAllWays(f, 1 << 20);
        assertThat(recorded).extracting(i -> i.httpResponse().status()).containsExactly(200, 200, 200, 204);
        assertThat(recorded)
                .allSatisfy(
                        i -> assertThat(i.httpResponse().headers().first("x-a")).contains(big));
    }

    @Test
    void max_frame_size_bounds_frames_and_a_larger_setting_allows_them() {
        var f = new Frames();
        f.client(concat(Frames.PREFACE, Frames.settings(5, 65536)));
        f.server(concat(Frames.settings(), Frames.settingsAck()));
        f.client(frame(1, 0x04, 1, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/big")));
        f.server(frame(1, 0x04, 1, f.block(Side.SERVER, ":status", "200")));
        f.server(frame(0, 0x01, 1, new byte[40_000]));
        // The server allowed only the default 16384: a 20000-byte frame from the client is not HTTP/2.
        f.client(frame(0, 0x00, 3, new byte[20_000]));
        f.end(Side.CLIENT).end(Side.SERVER);
        var recorded = runAllWays(f, 1 << 20);
        assertThat(recorded.get(0).httpResponse().body().size()).isEqualTo(40_000);
        var raw = recorded.get(1);
        assertThat(raw.protocol()).isEqualTo("tcp");
        assertThat(raw.attributes().get("decodeError"))
                .isEqualTo("DATA frame length: 20000 (expected: <= 16384, SETTINGS_MAX_FRAME_SIZE)");
    }

    @Test
    void push_promise_reset_and_goaway_are_recorded() {
        var f = opened();
        f.client(frame(1, 0x05, 1, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/page")));
        f.client(frame(1, 0x05, 3, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/slow")));
        f.client(frame(1, 0x05, 5, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/late")));
        var promise = f.block(Side.SERVER, ":method", "GET", ":scheme", "http", ":path", "/style.css");
        f.server(frame(5, 0x04, 1, concat(new byte[] {0, 0, 0, 2}, promise)));
        f.server(frame(1, 0x04, 1, f.block(Side.SERVER, ":status", "200")));
        f.server(frame(0, 0x01, 1, "<html>".getBytes(StandardCharsets.UTF_8)));
        f.server(frame(1, 0x04, 2, f.block(Side.SERVER, ":status", "200", "content-type", "text/css")));
        f.server(frame(0, 0x01, 2, "p{}".getBytes(StandardCharsets.UTF_8)));
        f.client(frame(3, 0, 3, new byte[] {0, 0, 0, 8})); // RST_STREAM CANCEL
        f.server(frame(7, 0, 0, new byte[] {0, 0, 0, 3, 0, 0, 0, 0})); // GOAWAY, last stream 3
        f.end(Side.SERVER).end(Side.CLIENT);
        var recorded = runAllWays(f, 1 << 20);
        assertThat(recorded).extracting(i -> i.attributes().get("streamId")).containsExactly("1", "2", "3", "5");
        assertThat(recorded.get(1).attributes()).containsEntry("pushPromisedBy", "1");
        assertThat(recorded.get(1).httpRequest().target()).isEqualTo("/style.css");
        assertThat(recorded.get(1).httpResponse().body().text()).isEqualTo("p{}");
        assertThat(recorded.get(2).error()).isEqualTo("stream reset by the client: CANCEL (0x8)");
        assertThat(recorded.get(2).response()).isNull();
        assertThat(recorded.get(3).error())
                .isEqualTo("refused by GOAWAY from the server (last stream 3): NO_ERROR (0x0)");
    }

    @Test
    void bad_frames_and_hpack_errors_fail_open_with_a_reason_and_keep_the_bytes() {
        record Case(byte[] clientFrame, String reason) {}
        var cases = List.of(
                new Case(frame(4, 0, 0, new byte[5]), "SETTINGS frame length: 5 (expected: a multiple of 6)"),
                new Case(frame(6, 0, 0, new byte[3]), "PING frame length: 3 (expected: 8)"),
                new Case(frame(4, 0, 1, new byte[0]), "SETTINGS frame on stream 1 (expected: stream 0)"),
                new Case(
                        frame(9, 4, 1, new byte[1]),
                        "CONTINUATION on stream 1 (expected: only after HEADERS or PUSH_PROMISE without END_HEADERS on that stream)"),
                new Case(frame(1, 5, 1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}), null),
                new Case(
                        frame(1, 5, 2, new byte[] {(byte) 0x82}),
                        "HEADERS from the client on stream 2 (expected: an odd id)"));
        for (var c : cases) {
            var f = opened();
            f.client(c.clientFrame());
            f.end(Side.CLIENT).end(Side.SERVER);
            var recorded = runAllWays(f, 1 << 20);
            assertThat(recorded).isNotEmpty();
            var raw = recorded.get(0);
            assertThat(raw.protocol()).isEqualTo("tcp");
            var reason = raw.attributes().get("decodeError");
            if (c.reason() != null) {
                assertThat(reason).isEqualTo(c.reason());
            } else {
                assertThat(reason).startsWith("HPACK: ").doesNotContain("\n");
            }
            assertThat(((TcpData) raw.request()).data().bytes()).isEqualTo(c.clientFrame());
        }
    }

    @Test
    void bodies_are_bounded_by_max_body_bytes() {
        var f = opened();
        f.client(frame(1, 0x04, 1, f.block(Side.CLIENT, ":method", "PUT", ":scheme", "http", ":path", "/up")));
        for (int i = 0; i < 10; i++) {
            f.client(frame(0, i == 9 ? 1 : 0, 1, new byte[10_000]));
        }
        f.server(frame(1, 0x05, 1, f.block(Side.SERVER, ":status", "204")));
        var recorded = runAllWays(f, 4096);
        var body = recorded.get(0).httpRequest().body();
        assertThat(body.length()).isEqualTo(4096);
        assertThat(body.size()).isEqualTo(100_000);
        assertThat(body.truncated()).isTrue();
    }

    @Test
    void a_connection_closed_mid_stream_records_what_arrived() {
        var f = opened();
        f.client(frame(1, 0x04, 1, f.block(Side.CLIENT, ":method", "POST", ":scheme", "http", ":path", "/x")));
        f.client(frame(0, 0, 1, "abc".getBytes(StandardCharsets.UTF_8)));
        f.client(new byte[] {0, 0, 9, 0}); // a frame header cut short
        f.end(Side.CLIENT).end(Side.SERVER);
        var recorded = runAllWays(f, 1 << 20);
        assertThat(recorded).hasSize(2);
        assertThat(recorded.get(0).protocol()).isEqualTo("tcp");
        assertThat(recorded.get(0).error()).isEqualTo("connection closed in a frame from the client");
        assertThat(recorded.get(1).httpRequest().body().text()).isEqualTo("abc");
        assertThat(recorded.get(1).error()).isEqualTo("connection closed before the stream completed");
    }

    @Test
    void more_than_a_thousand_open_streams_fail_open() {
        var f = opened();
        var out = new java.io.ByteArrayOutputStream();
        for (int id = 1; id <= 2001; id += 2) {
            out.writeBytes(
                    frame(1, 0x04, id, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/s")));
        }
        f.client(out.toByteArray());
        f.end(Side.CLIENT).end(Side.SERVER);
        var recorded = Feed.run(f.events, Feed.Mode.RANDOM, 1, 1 << 20, new Http2Codec());
        assertThat(recorded).hasSize(1001);
        assertThat(recorded.subList(0, 1000))
                .allSatisfy(i -> assertThat(i.error())
                        .isEqualTo("stream not fully decoded: open streams: 1001 (expected: <= 1000)"));
        assertThat(recorded.get(1000).attributes())
                .containsEntry("decodeError", "open streams: 1001 (expected: <= 1000)");
    }

    @Test
    void bytes_lost_from_a_capture_end_decoding_and_emit_the_open_streams() {
        var emitted = new java.util.ArrayList<Interaction>();
        var failures = new java.util.ArrayList<String>();
        var decoder = new Http2Codec().newDecoder(new TestContext(emitted, failures));
        var f = new Frames();
        decoder.onData(Side.CLIENT, java.nio.ByteBuffer.wrap(concat(Frames.PREFACE, Frames.settings())), 1);
        decoder.onData(
                Side.CLIENT,
                java.nio.ByteBuffer.wrap(
                        frame(1, 0x05, 1, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/x"))),
                2);
        assertThat(decoder.onGap(Side.SERVER, 12, 3)).isFalse();
        assertThat(failures).containsExactly("12 bytes missing from the server");
        assertThat(emitted).singleElement().satisfies(i -> {
            assertThat(i.httpRequest().target()).isEqualTo("/x");
            assertThat(i.error()).isEqualTo("stream not fully decoded: 12 bytes missing from the server");
        });
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }
}
