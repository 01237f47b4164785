package dev.chaostesting.bench;

import java.util.Arrays;

/**
 * Every latency sample of a run, kept exactly: at a fixed rate the count is known in advance (20,000 for 10 s at
 * 2,000/s), so a plain array is smaller and simpler than a histogram and its percentiles are exact.
 */
final class Latencies {

    private final long[] nanos;
    private int count;

    Latencies(int capacity) {
        this.nanos = new long[capacity];
    }

    void add(long latencyNanos) {
        if (count < nanos.length) {
            nanos[count++] = latencyNanos;
        }
    }

    int count() {
        return count;
    }

    /** Sorted copy of the samples; percentiles are read from it by {@link #percentile}. */
    long[] sorted() {
        var copy = Arrays.copyOf(nanos, count);
        Arrays.sort(copy);
        return copy;
    }

    /** Nearest-rank percentile ({@code p} in 0..100) of sorted samples, in microseconds. */
    static double percentileMicros(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1_000.0;
    }
}
