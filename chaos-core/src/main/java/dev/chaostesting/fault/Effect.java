package dev.chaostesting.fault;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a fault does to the bytes of a connection. Every effect keeps the bytes it forwards in order and loses none it
 * does not mean to: only {@link BlackHole} discards, and {@link LimitData} and {@link Reset} end the connection.
 */
public sealed interface Effect {

    /**
     * Each chunk is held for {@code delay}, plus or minus up to {@code jitter} (uniformly, or normally distributed with
     * {@code jitter} as the standard deviation); never reordered, so a chunk waits at least for the one before it.
     */
    record Latency(Duration delay, Duration jitter, Distribution distribution) implements Effect {
        public Latency {
            nonNegative(delay, "delay");
            nonNegative(jitter, "jitter");
            Objects.requireNonNull(distribution, "distribution");
        }
    }

    /** How latency jitter is drawn. */
    enum Distribution {
        UNIFORM,
        NORMAL
    }

    /** At most this many bytes per second (a token bucket with one second's worth of burst). */
    record Bandwidth(long bytesPerSecond) implements Effect {
        public Bandwidth {
            if (bytesPerSecond <= 0) {
                throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: > 0)");
            }
        }
    }

    /** Each chunk is cut into slices of {@code averageBytes} (plus or minus {@code variationBytes}) sent {@code delay} apart. */
    record Slicer(int averageBytes, int variationBytes, Duration delay) implements Effect {
        public Slicer {
            if (averageBytes < 1) {
                throw new IllegalArgumentException("averageBytes: " + averageBytes + " (expected: >= 1)");
            }
            if (variationBytes < 0 || variationBytes >= averageBytes) {
                throw new IllegalArgumentException(
                        "variationBytes: " + variationBytes + " (expected: 0 <= variation < average)");
            }
            nonNegative(delay, "delay");
        }
    }

    /** The end of the flow (FIN, or the close) is passed on only after {@code delay}. */
    record SlowClose(Duration delay) implements Effect {
        public SlowClose {
            nonNegative(delay, "delay");
        }
    }

    /**
     * Bytes are swallowed: nothing reaches the other side. With a positive {@code closeAfter} the connection is closed
     * that long after the first swallowed chunk (a timeout); with zero it stays open (a black hole).
     */
    record BlackHole(Duration closeAfter) implements Effect {
        public BlackHole {
            nonNegative(closeAfter, "closeAfter");
        }
    }

    /** The connection is reset (RST to both peers) {@code after} this long from the fault's first chance to act. */
    record Reset(Duration after) implements Effect {
        public Reset {
            nonNegative(after, "after");
        }
    }

    /** After {@code bytes} bytes of the flow were forwarded, the connection is closed (the rest is not sent). */
    record LimitData(long bytes) implements Effect {
        public LimitData {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
            }
        }
    }

    /** New connections are refused (accepted and reset at once, the target is not contacted). */
    record Down() implements Effect {}

    /**
     * The flow stops for {@code duration} from the fault's first chance to act, then resumes with everything held back
     * (nothing lost, order kept).
     */
    record Stall(Duration duration) implements Effect {
        public Stall {
            nonNegative(duration, "duration");
        }
    }

    /**
     * A fault at the level of the protocol's messages, carried out by that protocol's codec in line with the traffic
     * (an HTTP 503, a PostgreSQL error for UPDATE statements, a Redis {@code -READONLY}...). {@code spec} is the codec's
     * own description of what to match and what to do, documented on its page in docs/protocols; it holds strings,
     * numbers, booleans, lists and maps only.
     */
    record Protocol(String protocol, Map<String, Object> spec) implements Effect {
        public Protocol {
            Objects.requireNonNull(protocol, "protocol");
            spec = Map.copyOf(spec);
        }
    }

    private static void nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
    }
}
