package dev.chaostesting.protocols.redis.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/** Checks of RESP line values, with one-line reasons naming the field, the value and what was expected. */
final class Lines {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,19}");
    private static final Pattern DOUBLE = Pattern.compile("[+-]?(inf|nan|[0-9]+(\\.[0-9]*)?(e[+-]?[0-9]+)?)");
    private static final Pattern BIG_NUMBER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,19}");

    private Lines() {}

    /** Checks the line of an integer, double, big number or boolean. */
    static void checkScalar(RespType type, String text) throws MalformedRespException {
        switch (type) {
            case INTEGER -> {
                boolean ok = INTEGER.matcher(text).matches();
                if (ok) {
                    try {
                        Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        ok = false;
                    }
                }
                if (!ok) {
                    throw new MalformedRespException("integer: '" + text + "' (expected: a 64-bit integer)");
                }
            }
            case DOUBLE -> {
                if (!DOUBLE.matcher(text.toLowerCase(Locale.ROOT)).matches()) {
                    throw new MalformedRespException("double: '" + text + "' (expected: a decimal, inf or nan)");
                }
            }
            case BIG_NUMBER -> {
                if (!BIG_NUMBER.matcher(text).matches()) {
                    throw new MalformedRespException("big number: '" + abbreviate(text) + "' (expected: digits)");
                }
            }
            case BOOLEAN -> {
                if (!text.equals("t") && !text.equals("f")) {
                    throw new MalformedRespException("boolean: '" + text + "' (expected: t or f)");
                }
            }
            default -> throw new IllegalArgumentException(type.name());
        }
    }

    /** A length or count line: digits, at most {@code max}. */
    static long length(String what, String text, long max) throws MalformedRespException {
        if (!LENGTH.matcher(text).matches()) {
            throw new MalformedRespException(what + ": '" + abbreviate(text) + "' (expected: 0 to " + max + ")");
        }
        long n;
        try {
            n = Long.parseLong(text);
        } catch (NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        if (n > max) {
            throw new MalformedRespException(what + ": " + text + " (expected: <= " + max + ")");
        }
        return n;
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
