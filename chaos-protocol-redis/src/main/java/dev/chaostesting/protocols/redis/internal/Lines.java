package dev.chaostesting.protocols.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Checks of RESP line values, with one-line reasons naming the field, the value and what was expected. */
final class Lines {

    private static final Pattern DOUBLE = Pattern.compile("[+-]?(inf|nan|[0-9]+(\\.[0-9]*)?(e[+-]?[0-9]+)?)");
    private static final Pattern BIG_NUMBER = Pattern.compile("[+-]?[0-9]+");

    private Lines() {}

    /** Checks the line ({@code n} bytes of {@code line}) of an integer, double, big number or boolean. */
    static void checkScalar(RespType type, byte[] line, int n) throws MalformedRespException {
        switch (type) {
            case INTEGER -> {
                if (!isInteger(line, n)) {
                    throw new MalformedRespException("integer: '" + text(line, n) + "' (expected: a 64-bit integer)");
                }
            }
            case DOUBLE -> {
                var text = text(line, n);
                if (!DOUBLE.matcher(text.toLowerCase(Locale.ROOT)).matches()) {
                    throw new MalformedRespException("double: '" + text + "' (expected: a decimal, inf or nan)");
                }
            }
            case BIG_NUMBER -> {
                var text = text(line, n);
                if (!BIG_NUMBER.matcher(text).matches()) {
                    throw new MalformedRespException("big number: '" + abbreviate(text) + "' (expected: digits)");
                }
            }
            case BOOLEAN -> {
                if (n != 1 || (line[0] != 't' && line[0] != 'f')) {
                    throw new MalformedRespException("boolean: '" + text(line, n) + "' (expected: t or f)");
                }
            }
            default -> throw new IllegalArgumentException(type.name());
        }
    }

    /** Whether the line is an optional sign and 1 to 19 digits within the range of a {@code long}. */
    private static boolean isInteger(byte[] line, int n) {
        int i = n > 0 && (line[0] == '+' || line[0] == '-') ? 1 : 0;
        int digits = n - i;
        if (digits < 1 || digits > 19) {
            return false;
        }
        boolean negative = line[0] == '-';
        long value = 0;
        for (; i < n; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // Accumulated negatively, so Long.MIN_VALUE fits.
            if (value < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            value = value * 10 - d;
        }
        return negative || value != Long.MIN_VALUE;
    }

    /**
     * A length or count line: 1 to 19 digits, at most {@code max}. {@code what} names it in errors, after the name of
     * {@code type} when there is one (e.g. "bulk string" + " length"): the name is composed only for an error.
     */
    static long length(@Nullable RespType type, String what, byte[] line, int n, long max)
            throws MalformedRespException {
        if (n < 1 || n > 19) {
            throw new MalformedRespException(
                    name(type, what) + ": '" + abbreviate(text(line, n)) + "' (expected: 0 to " + max + ")");
        }
        long value = 0;
        boolean overflow = false;
        for (int i = 0; i < n; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) {
                throw new MalformedRespException(
                        name(type, what) + ": '" + abbreviate(text(line, n)) + "' (expected: 0 to " + max + ")");
            }
            if (value > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                value = value * 10 + d;
            }
        }
        if (overflow || value > max) {
            throw new MalformedRespException(name(type, what) + ": " + text(line, n) + " (expected: <= " + max + ")");
        }
        return value;
    }

    private static String name(@Nullable RespType type, String what) {
        return type == null ? what : type.recordedName() + " " + what;
    }

    static String text(byte[] line, int n) {
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** A byte as a reason shows it: the character when printable, else hex. */
    static String describe(byte b) {
        int c = b & 0xff;
        return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
