package dev.chaostesting.replay;

import java.util.Locale;

/**
 * The pace of the replay: the recorded pace ({@link #recorded()}), a multiple of it ({@code 200%}: twice as fast), or a
 * fixed number of requests per second.
 *
 * @param factor speed-up of the recorded pace (1: as recorded); 0 when {@link #perSecond} is set
 * @param perSecond fixed requests per second; 0 when the recorded pace is used
 */
public record Rate(double factor, double perSecond) {

    public Rate {
        if (!(factor >= 0) || !(perSecond >= 0) || (factor == 0) == (perSecond == 0)) {
            throw new IllegalArgumentException(
                    "rate: factor " + factor + ", perSecond " + perSecond + " (expected: exactly one above 0)");
        }
    }

    /** The recorded pace. */
    public static Rate recorded() {
        return new Rate(1, 0);
    }

    /** {@code 200%} (a multiple of the recorded pace), {@code 150} or {@code 150/s} (requests per second), {@code recorded}. */
    public static Rate parse(String text) {
        var t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("recorded")) {
                return recorded();
            }
            if (t.endsWith("%")) {
                double percent =
                        Double.parseDouble(t.substring(0, t.length() - 1).strip());
                if (percent > 0) {
                    return new Rate(percent / 100, 0);
                }
            } else {
                double n = Double.parseDouble(
                        t.endsWith("/s") ? t.substring(0, t.length() - 2).strip() : t);
                if (n > 0) {
                    return new Rate(0, n);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "rate: '" + text + "' (expected e.g. 200% of the recorded pace, 500 requests per second, or recorded)");
    }

    @Override
    public String toString() {
        if (perSecond > 0) {
            return (perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond))
                    + "/s";
        }
        return Math.round(factor * 100) + "%";
    }
}
