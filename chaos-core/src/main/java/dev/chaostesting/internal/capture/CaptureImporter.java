package dev.chaostesting.internal.capture;

import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.Side;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads every packet of a capture, decodes it, and hands TCP segments to reassembly; counts everything it could not
 * use. Single-threaded; one instance per import.
 */
public final class CaptureImporter {

    /** Connections followed at once before the idlest is ended; bounds memory on captures of scans and floods. */
    static final int MAX_OPEN_CONNECTIONS = 1 << 16;

    private final CaptureOptions options;
    private final Function<ConnectionInfo, ConnectionSink> sinks;
    private final int maxOpenConnections;
    private final CaptureCounters counters = new CaptureCounters();

    /** @param sinks opens what each new connection's reassembled bytes are fed to */
    public CaptureImporter(CaptureOptions options, Function<ConnectionInfo, ConnectionSink> sinks) {
        this(options, sinks, MAX_OPEN_CONNECTIONS);
    }

    public CaptureImporter(
            CaptureOptions options, Function<ConnectionInfo, ConnectionSink> sinks, int maxOpenConnections) {
        if (maxOpenConnections < 1) {
            throw new IllegalArgumentException("maxOpenConnections: " + maxOpenConnections + " (expected: >= 1)");
        }
        this.options = options;
        this.sinks = sinks;
        this.maxOpenConnections = maxOpenConnections;
    }

    /**
     * The counts so far. Written only by the thread running {@link #run}; other threads reading them for progress
     * display may see slightly stale values.
     */
    public CaptureCounters counters() {
        return counters;
    }

    /**
     * Imports every packet of the source. When the file turns out to be broken part way, what was read before is still
     * passed on (connections are flushed) before the error is thrown.
     */
    public CaptureCounters run(PacketSource source) throws IOException {
        var table = new ConnectionTable(new ReassemblySettings(
                options.ports(), options.direction(), options.maxBufferedBytes(), maxOpenConnections, counters, sinks));
        var decoder = new PacketDecoder();
        try {
            for (var packet = source.next(); packet != null; packet = source.next()) {
                handle(packet, decoder, table);
            }
        } catch (IOException e) {
            table.finish();
            throw e;
        }
        if (source.endedMidRecord()) {
            counters.packets++;
            counters.truncated++;
        }
        table.finish();
        return counters;
    }

    private void handle(CapturedPacket packet, PacketDecoder decoder, ConnectionTable table) {
        counters.packets++;
        boolean truncated = packet.truncated();
        if (truncated) {
            counters.truncated++;
        }
        switch (decoder.decode(packet)) {
            case TCP -> {
                var segment = decoder.segment();
                var ports = options.ports();
                if (ports.isEmpty()
                        || ports.contains(segment.source().port())
                        || ports.contains(segment.destination().port())) {
                    table.onSegment(segment);
                } else {
                    counters.skipped++;
                }
            }
            case NOT_TCP -> counters.skipped++;
            case FRAGMENT -> counters.fragments++;
            case UNDECODABLE -> {
                // A packet the capture cut short is already counted as truncated: that is the reason it is unreadable.
                if (!truncated) {
                    counters.undecodable++;
                }
            }
            case UNSUPPORTED_LINK_TYPE -> {
                counters.skipped++;
                counters.unsupportedLinkTypes.add(packet.linkType());
            }
        }
    }

    /**
     * Feeds each connection to a {@link ConnectionObserver}: protocol detection and every codec on the class path work
     * on captured traffic exactly as on proxied traffic.
     *
     * @param protocol a codec name or {@code tcp} to skip detection, or null to detect
     */
    public static Function<ConnectionInfo, ConnectionSink> observing(
            Codecs codecs, @Nullable String protocol, int maxBodyBytes, Consumer<Interaction.Builder> emit) {
        return info -> {
            var observer = new ConnectionObserver(info, codecs, protocol, maxBodyBytes, emit);
            return new ConnectionSink() {
                @Override
                public void onData(Side side, ByteBuffer data, long atMicros) {
                    observer.onData(side, data, atMicros);
                }

                @Override
                public void onEnd(Side side, boolean reset, long atMicros) {
                    observer.onEnd(side, reset, atMicros);
                }

                @Override
                public void onGap(Side side, long missingBytes, long atMicros) {
                    observer.onGap(side, missingBytes, atMicros);
                }

                @Override
                public void startsMidStream() {
                    observer.startsMidStream();
                }
            };
        };
    }
}
