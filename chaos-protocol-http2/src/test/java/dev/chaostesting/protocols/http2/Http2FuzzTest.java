package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Seeded mutations of a valid session and random frames: decoding ends cleanly, never with an internal error. */
class Http2FuzzTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void mutated_and_random_frames_never_escape_or_hang() {
        var valid = Feed.run(session(new Frames()).events, Feed.Mode.WHOLE, 1, 1 << 16, new Http2Codec());
        assertThat(valid).hasSize(4).allSatisfy(i -> {
            assertThat(i.protocol()).isEqualTo("grpc");
            assertThat(i.error()).isNull();
        });
        var random = new Random(20261124);
        // A fixed number of runs, so the result does not depend on how busy the machine is.
        int runs = 0;
        while (runs < 60) {
            var f = new Frames();
            var base = session(f);
            var events = new ArrayList<RecordingRelay.Event>();
            for (var e : base.events) {
                var bytes = e.bytes();
                if (bytes != null && random.nextInt(4) == 0) {
                    bytes = bytes.clone();
                    switch (random.nextInt(4)) {
                        case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                        case 1 -> bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                        case 2 -> {
                            var extra = new byte[random.nextInt(40)];
                            random.nextBytes(extra);
                            bytes = Frames.concat(bytes, extra);
                        }
                        default ->
                            bytes = Frames.frame(
                                    random.nextInt(12),
                                    random.nextInt(256),
                                    random.nextInt(8),
                                    randomBytes(random, random.nextInt(64)));
                    }
                }
                events.add(new RecordingRelay.Event(e.side(), bytes, e.atMicros()));
            }
            var mode = random.nextBoolean() ? Feed.Mode.RANDOM : Feed.Mode.WHOLE;
            List<Interaction> recorded = Feed.run(events, mode, random.nextLong(), 1 << 16, new Http2Codec());
            for (var i : recorded) {
                assertThat(i.attributes().getOrDefault("decodeError", ""))
                        .doesNotContain("decoder failed")
                        .doesNotContain("HTTP/2 decoder: java")
                        .doesNotContain("\n");
                assertThat(String.valueOf(i.error())).doesNotContain("HTTP/2 decoder: java");
            }
            runs++;
        }
        assertThat(runs).isEqualTo(60);
    }

    private static Frames session(Frames f) {
        f.server(Frames.settings(3, 100));
        f.client(Frames.concat(Frames.PREFACE, Frames.settings(1, 8192, 5, 20000)));
        f.server(Frames.settingsAck());
        f.client(Frames.settingsAck());
        for (int id = 1; id <= 7; id += 2) {
            f.client(Frames.frame(
                    1,
                    0x04,
                    id,
                    f.block(
                            Side.CLIENT,
                            ":method",
                            "POST",
                            ":scheme",
                            "http",
                            ":path",
                            "/test.Echo/Unary",
                            "content-type",
                            "application/grpc",
                            "grpc-encoding",
                            "gzip")));
            f.client(Frames.frame(
                    0, 0x01, id, Frames.grpcMessage(false, new byte[] {0x0a, 0x02, 0x68, 0x69, 0x10, 0x05})));
            f.server(Frames.frame(
                    1, 0x04, id, f.block(Side.SERVER, ":status", "200", "content-type", "application/grpc")));
            f.server(Frames.frame(
                    0,
                    0x08,
                    id,
                    Frames.concat(
                            new byte[] {4}, Frames.grpcMessage(false, new byte[] {0x0a, 0x01, 0x7a}), new byte[4])));
            f.server(Frames.frame(1, 0x05, id, f.block(Side.SERVER, "grpc-status", "0")));
        }
        f.end(Side.CLIENT).end(Side.SERVER);
        return f;
    }

    private static byte[] randomBytes(Random r, int n) {
        var b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
