package dev.chaostesting.replay;

import java.util.Locale;

/**
 * How one endpoint behaved under one fault, compared with the fault-free baseline. When several apply, the report names
 * the first in this order of severity and lists the others as flags.
 */
public enum Outcome {
    /** The process is gone or its port no longer accepts connections (checked after each step). */
    CRASHED,
    /** At least one request got no response within the request timeout. */
    HUNG,
    /** A write reported failed but visible afterwards, or reported successful but missing (recorded reads replayed). */
    INCONSISTENT,
    /** A response body shows internals: a stack trace, SQL, an exception name or an internal file path. */
    LEAKY,
    /** The 99th percentile latency went beyond k times the baseline's (and beyond it by more than the noise floor). */
    SLOW,
    /** Error statuses (or closed connections) the baseline did not have, within bounded time. */
    GRACEFUL,
    /** Same statuses as the baseline, within its latency bound. */
    UNAFFECTED;

    /** The name used in reports and options: {@code hung}, {@code crashed}... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a {@link #wireName()}, case-insensitively. */
    public static Outcome parse(String text) {
        for (var o : values()) {
            if (o.wireName().equalsIgnoreCase(text.strip())) {
                return o;
            }
        }
        throw new IllegalArgumentException("outcome: '" + text
                + "' (expected one of: crashed, hung, inconsistent, leaky, slow, graceful, unaffected)");
    }
}
