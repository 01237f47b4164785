package dev.chaostesting.model;

import java.util.Locale;

/** Which way an interaction goes, seen from the observed service. */
public enum Direction {
    /** Traffic to the observed service: a client calling it. */
    INBOUND,
    /** The observed service calling one of its dependencies (a database, a cache, a broker, another service). */
    OUTBOUND;

    /** The lower-case name used in recordings: {@code inbound} or {@code outbound}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #wireName()}, ignoring case. */
    public static Direction fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
