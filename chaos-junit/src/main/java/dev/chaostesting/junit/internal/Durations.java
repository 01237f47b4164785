package dev.chaostesting.junit.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Durations as annotations write them: {@code 200ms}, {@code 1.5s}, {@code 2m}, {@code 500us}, or ISO-8601. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h)");

    private Durations() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming {@code what} and the text when it is not a non-negative duration
     */
    public static Duration parse(String text, String what) {
        var t = text.strip().toLowerCase(Locale.ROOT);
        var m = SIMPLE.matcher(t);
        if (m.matches()) {
            var nanosPerUnit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            var nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit));
            return Duration.ofNanos(nanos.longValue());
        }
        try {
            var d = Duration.parse(text.strip());
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below with the expected forms
        }
        throw new IllegalArgumentException(
                what + ": \"" + text + "\" (expected: a duration such as 200ms, 1.5s, 2m or PT0.2S)");
    }
}
