package dev.chaostesting.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * When a fault is active, counted from the moment it is injected: connections and times are those of the interceptor
 * it is injected into. The parts combine: {@code Schedule.always().after(ofSeconds(5)).during(ofSeconds(10))} is active
 * from 5 s to 15 s. Immutable.
 *
 * @param firstConnections only the first N connections opened after injection (0: no limit)
 * @param everyNth only every Nth connection (1: every one)
 * @param after not before this long after injection
 * @param during only for this long after {@code after} (null: no end)
 * @param ramp the toxicity grows linearly from 0 to its value over this long after {@code after} (zero: at once)
 */
public record Schedule(int firstConnections, int everyNth, Duration after, Duration during, Duration ramp) {

    /** No end: a duration used for {@link #during} when there is none. */
    public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE / 2);

    private static final Schedule ALWAYS = new Schedule(0, 1, Duration.ZERO, FOREVER, Duration.ZERO);

    public Schedule {
        if (firstConnections < 0) {
            throw new IllegalArgumentException("firstConnections: " + firstConnections + " (expected: >= 0)");
        }
        if (everyNth < 1) {
            throw new IllegalArgumentException("everyNth: " + everyNth + " (expected: >= 1)");
        }
        check(after, "after");
        check(during, "during");
        check(ramp, "ramp");
    }

    /** Active from injection until removed. */
    public static Schedule always() {
        return ALWAYS;
    }

    public Schedule firstConnections(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("firstConnections: " + n + " (expected: >= 1)");
        }
        return new Schedule(n, everyNth, after, during, ramp);
    }

    public Schedule everyNth(int n) {
        return new Schedule(firstConnections, n, after, during, ramp);
    }

    public Schedule after(Duration delay) {
        return new Schedule(firstConnections, everyNth, delay, during, ramp);
    }

    public Schedule during(Duration duration) {
        return new Schedule(firstConnections, everyNth, after, duration, ramp);
    }

    public Schedule ramp(Duration duration) {
        return new Schedule(firstConnections, everyNth, after, during, duration);
    }

    /** Whether the connection numbered {@code n} (from 1, counted since injection) is one this schedule picks. */
    public boolean picksConnection(long n) {
        return (firstConnections == 0 || n <= firstConnections) && n % everyNth == 0;
    }

    /**
     * The share of the toxicity that applies {@code sinceInjection} after injection: 0 outside the active window, then
     * rising over the ramp to 1.
     */
    public double strength(Duration sinceInjection) {
        if (sinceInjection.compareTo(after) < 0) {
            return 0;
        }
        var inWindow = sinceInjection.minus(after);
        if (inWindow.compareTo(during) >= 0) {
            return 0;
        }
        if (ramp.isZero() || inWindow.compareTo(ramp) >= 0) {
            return 1;
        }
        return (double) inWindow.toNanos() / ramp.toNanos();
    }

    private static void check(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
        }
    }
}
