package dev.chaostesting.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Parsing and printing of durations and sizes as users type them: {@code 90s}, {@code 5m}, {@code 1MiB}. */
final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private Units() {}

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            var m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration (expected e.g. 500ms, 60s, 5m, 1h)");
            }
            double amount = Double.parseDouble(m.group(1));
            var unit = m.group(2) == null ? "s" : m.group(2);
            double millis = switch (unit) {
                case "ms" -> amount;
                case "m" -> amount * 60_000;
                case "h" -> amount * 3_600_000;
                default -> amount * 1000;
            };
            return Duration.ofMillis((long) millis);
        }
    }

    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            var m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a size (expected e.g. 65536, 64KiB, 1MiB)");
            }
            long n = Long.parseLong(m.group(1));
            var unit = m.group(2) == null ? "b" : m.group(2);
            long bytes = switch (unit.charAt(0)) {
                case 'k' -> n * 1024;
                case 'm' -> n * 1024 * 1024;
                case 'g' -> n * 1024 * 1024 * 1024;
                default -> n;
            };
            if (bytes > Integer.MAX_VALUE - 64) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too large (expected: < 2GiB)");
            }
            return (int) bytes;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }

    static String millis(double micros) {
        return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
