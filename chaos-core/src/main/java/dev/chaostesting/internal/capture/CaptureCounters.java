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
