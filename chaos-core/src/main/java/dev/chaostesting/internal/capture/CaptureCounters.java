package dev.chaostesting.internal.capture;

import dev.chaostesting.capture.CaptureSummary;
import java.util.Set;
import java.util.TreeSet;

/** What an import counted on the way, turned into the public {@link CaptureSummary} at the end. Not thread-safe. */
public final class CaptureCounters {

    long packets;
    long connections;
    long payloadBytes;
    long gaps;
    long missingBytes;
    long conflictingBytes;
    long truncated;
    long undecodable;
    long fragments;
    long skipped;
    final Set<Integer> unsupportedLinkTypes = new TreeSet<>();

    /** Packets so far; read from other threads only as a progress hint (plain fields, possibly stale). */
    public long packets() {
        return packets;
    }

    /** TCP connections followed so far; a progress hint like {@link #packets()}. */
    public long connections() {
        return connections;
    }

    /** Payload bytes passed to the codecs so far; a progress hint like {@link #packets()}. */
    public long payloadBytes() {
        return payloadBytes;
    }

    public CaptureSummary toSummary(String format, long interactions) {
        return new CaptureSummary(
                format,
                packets,
                connections,
                interactions,
                payloadBytes,
                gaps,
                missingBytes,
                conflictingBytes,
                truncated,
                undecodable,
                fragments,
                skipped,
                unsupportedLinkTypes);
    }
}
