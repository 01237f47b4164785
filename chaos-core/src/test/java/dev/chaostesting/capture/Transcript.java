package dev.chaostesting.capture;

import dev.chaostesting.internal.capture.CaptureImporter;
import dev.chaostesting.internal.capture.ConnectionSink;
import dev.chaostesting.internal.capture.PacketSource;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the import pipeline (reader, decoder, reassembly) on a capture and writes down exactly what each connection's
 * observer would be told, in order, with times: the oracle for every reassembly test.
 */
final class Transcript {

    /** One call made to a connection's sink. */
    record Event(String connection, Side side, String kind, String data, long count, long micros) {}

    final List<ConnectionInfo> connections = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    CaptureSummary summary;

    static Transcript of(byte[] capture) {
        return of(capture, CaptureOptions.defaults());
    }

    static Transcript of(byte[] capture, CaptureOptions options) {
        return of(new ByteArrayInputStream(capture), options, Integer.MAX_VALUE);
    }

    static Transcript of(InputStream capture, CaptureOptions options, int maxOpenConnections) {
        var t = new Transcript();
        try {
            var source = PacketSource.open(capture);
            var importer = new CaptureImporter(options, t::open, maxOpenConnections);
            t.summary = importer.run(source).toSummary(source.format(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    private ConnectionSink open(ConnectionInfo info) {
        connections.add(info);
        var id = info.id();
        return new ConnectionSink() {
            @Override
            public void onData(Side side, ByteBuffer data, long atMicros) {
                var copy = new byte[data.remaining()];
                data.duplicate().get(copy);
                events.add(new Event(
                        id, side, "data", new String(copy, StandardCharsets.ISO_8859_1), copy.length, atMicros));
            }

            @Override
            public void onEnd(Side side, boolean reset, long atMicros) {
                events.add(new Event(id, side, reset ? "reset" : "end", "", 0, atMicros));
            }

            @Override
            public void onGap(Side side, long missingBytes, long atMicros) {
                events.add(new Event(id, side, "gap", "", missingBytes, atMicros));
            }
        };
    }

    /**
     * The events as lines, consecutive data from one side of one connection joined (how bytes are split into calls is
     * not part of the contract): {@code c1 client: GET /}, {@code c1 server gap 5}, {@code c1 client end}.
     */
    List<String> lines() {
        var lines = new ArrayList<String>();
        Event previous = null;
        for (var e : events) {
            var who = e.connection() + " " + e.side().name().toLowerCase(Locale.ROOT);
            if (e.kind().equals("data")) {
                if (previous != null
                        && previous.kind().equals("data")
                        && previous.connection().equals(e.connection())
                        && previous.side() == e.side()) {
                    lines.set(lines.size() - 1, lines.get(lines.size() - 1) + e.data());
                } else {
                    lines.add(who + ": " + e.data());
                }
            } else if (e.kind().equals("gap")) {
                lines.add(who + " gap " + e.count());
            } else {
                lines.add(who + " " + e.kind());
            }
            previous = e;
        }
        return lines;
    }

    /** The connections as {@code c1 10.0.0.1:40000 -> 10.0.0.2:80}. */
    List<String> connectionLines() {
        var lines = new ArrayList<String>();
        for (var c : connections) {
            lines.add(c.id() + " " + c.client() + " -> " + c.server());
        }
        return lines;
    }

    /** When the first byte of each data line was passed on, relative to {@link Conversation#START}, in ms. */
    List<Long> dataMillis() {
        var times = new ArrayList<Long>();
        Event previous = null;
        for (var e : events) {
            boolean continues = previous != null
                    && previous.kind().equals("data")
                    && previous.connection().equals(e.connection())
                    && previous.side() == e.side();
            if (e.kind().equals("data") && !continues) {
                times.add((e.micros() - Conversation.START) / 1000);
            }
            previous = e;
        }
        return times;
    }
}
