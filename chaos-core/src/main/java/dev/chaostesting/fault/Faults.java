package dev.chaostesting.fault;

import java.time.Duration;

/**
 * Factories for the faults of the TCP level. Each returns a {@link Fault} acting on both directions (where that means
 * something), always, on every connection; refine it with {@link Fault#downstream()}, {@link Fault#toxicity},
 * {@link Fault#schedule} and the like.
 */
public final class Faults {

    private Faults() {}

    /** Every chunk is delayed by {@code delay}. Downstream by default: answers arrive late. */
    public static Fault latency(Duration delay) {
        return latency(delay, Duration.ZERO);
    }

    /** Every chunk is delayed by {@code delay} plus or minus up to {@code jitter}, drawn uniformly. */
    public static Fault latency(Duration delay, Duration jitter) {
        return Fault.of("latency", new Effect.Latency(delay, jitter, Effect.Distribution.UNIFORM), Flow.DOWNSTREAM);
    }

    /** Every chunk is delayed by {@code delay} with normally distributed jitter ({@code stddev}), never below zero. */
    public static Fault latencyNormal(Duration delay, Duration stddev) {
        return Fault.of("latency", new Effect.Latency(delay, stddev, Effect.Distribution.NORMAL), Flow.DOWNSTREAM);
    }

    /** At most {@code bytesPerSecond} in each direction. */
    public static Fault bandwidth(long bytesPerSecond) {
        return Fault.of("bandwidth", new Effect.Bandwidth(bytesPerSecond), Flow.BOTH);
    }

    /** Chunks are cut into slices of about {@code averageBytes}, sent {@code delay} apart. */
    public static Fault slicer(int averageBytes, int variationBytes, Duration delay) {
        return Fault.of("slicer", new Effect.Slicer(averageBytes, variationBytes, delay), Flow.BOTH);
    }

    /** The close of the connection reaches the other side {@code delay} late. */
    public static Fault slowClose(Duration delay) {
        return Fault.of("slow_close", new Effect.SlowClose(delay), Flow.BOTH);
    }

    /** Nothing gets through, and the connection is closed {@code after} the first chunk was swallowed. */
    public static Fault timeout(Duration after) {
        if (after.isZero()) {
            throw new IllegalArgumentException("timeout: 0 (expected: > 0; blackHole() never closes)");
        }
        return Fault.of("timeout", new Effect.BlackHole(after), Flow.BOTH);
    }

    /** Nothing gets through, and the connection stays open: the peers wait forever. */
    public static Fault blackHole() {
        return Fault.of("black_hole", new Effect.BlackHole(Duration.ZERO), Flow.BOTH);
    }

    /** The connection is reset (RST to both peers) at its first chunk. */
    public static Fault reset() {
        return resetAfter(Duration.ZERO);
    }

    /** The connection is reset {@code after} this long (from its start, or from injection for open connections). */
    public static Fault resetAfter(Duration after) {
        return Fault.of("reset", new Effect.Reset(after), Flow.BOTH);
    }

    /** The connection is closed once {@code bytes} have been forwarded downstream (the answer is cut). */
    public static Fault limitData(long bytes) {
        return Fault.of("limit_data", new Effect.LimitData(bytes), Flow.DOWNSTREAM);
    }

    /** New connections are refused: the service looks down. */
    public static Fault down() {
        return Fault.of("down", new Effect.Down(), Flow.BOTH);
    }

    /**
     * A fault carried out by a protocol's codec on the messages themselves: {@code spec} says what to match and what
     * to answer, in the codec's own terms (docs/protocols/&lt;protocol&gt;.md), e.g. for {@code postgresql}
     * {@code {"match": {"kind": "UPDATE"}, "error": {"code": "40001"}}}. The interceptor must run connections in line
     * ({@code Interceptor.protocolFaults()}, implied when a protocol fault is given to {@code Interceptor.inject}).
     */
    public static Fault protocol(String protocol, java.util.Map<String, ?> spec) {
        @SuppressWarnings("unchecked")
        var copy = (java.util.Map<String, Object>) (java.util.Map<String, ?>) java.util.Map.copyOf(spec);
        return Fault.of(protocol + "_fault", new Effect.Protocol(protocol, copy), Flow.BOTH);
    }

    /** Both directions stop for {@code duration}, then everything held back is sent, in order. */
    public static Fault stall(Duration duration) {
        return Fault.of("stall", new Effect.Stall(duration), Flow.BOTH);
    }
}
