package dev.chaostesting.protocols.mysql.internal;

import dev.chaostesting.model.Body;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Values of the binary protocol (prepared statement parameters and binary rows) and of text rows, as recorded. */
final class Values {

    /** The most bytes of one value (a string, a blob) kept in a recording. */
    static final int MAX_VALUE_BYTES = 1024;

    private Values() {}

    /** Reads one binary-protocol value of a type; {@code unsigned} from the type's flag. */
    static Object binary(Payload p, int type, boolean unsigned) throws MalformedPacketException {
        return switch (type) {
            case 1 -> unsigned ? (Object) (long) p.u8() : (Object) (long) (byte) p.u8();
            case 2, 13 -> unsigned ? (Object) (long) p.u16() : (Object) (long) (short) p.u16();
            case 3, 9 -> unsigned ? (Object) p.u32() : (Object) (long) (int) p.u32();
            case 8 -> {
                long v = p.u64();
                yield unsigned && v < 0 ? (Object) new BigInteger(Long.toUnsignedString(v)) : (Object) v;
            }
            case 4 -> finite(Float.intBitsToFloat((int) p.u32()));
            case 5 -> finite(Double.longBitsToDouble(p.u64()));
            case 6 -> null;
            case 7, 10, 12, 14 -> dateTime(p, type == 10 || type == 14);
            case 11 -> time(p);
            case 0, 246 -> decimal(p.lenencBytes());
            default -> {
                // Strings, blobs, JSON, ENUM, SET, BIT, GEOMETRY: length-encoded bytes.
                var b = p.lenencBytes();
                yield b == null ? null : cell(b);
            }
        };
    }

    /** NaN and infinities as text: JSON has no number for them. */
    private static Object finite(double d) {
        return Double.isFinite(d) ? (Object) d : (Object) Double.toString(d);
    }

    private static Object decimal(byte[] b) {
        if (b == null) {
            return null;
        }
        var s = new String(b, StandardCharsets.ISO_8859_1);
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return cell(b);
        }
    }

    private static String dateTime(Payload p, boolean dateOnly) throws MalformedPacketException {
        int n = p.u8();
        if (n != 0 && n != 4 && n != 7 && n != 11) {
            throw new MalformedPacketException("datetime value: length " + n + " (expected: 0, 4, 7 or 11)");
        }
        int year = n >= 4 ? p.u16() : 0;
        int month = n >= 4 ? p.u8() : 0;
        int day = n >= 4 ? p.u8() : 0;
        int hour = n >= 7 ? p.u8() : 0;
        int minute = n >= 7 ? p.u8() : 0;
        int second = n >= 7 ? p.u8() : 0;
        long micros = n >= 11 ? p.u32() : 0;
        var s = String.format("%04d-%02d-%02d", year, month, day);
        if (dateOnly) {
            return s;
        }
        s += String.format(" %02d:%02d:%02d", hour, minute, second);
        return micros != 0 ? s + String.format(".%06d", micros) : s;
    }

    private static String time(Payload p) throws MalformedPacketException {
        int n = p.u8();
        if (n != 0 && n != 8 && n != 12) {
            throw new MalformedPacketException("time value: length " + n + " (expected: 0, 8 or 12)");
        }
        boolean negative = n >= 8 && p.u8() == 1;
        long days = n >= 8 ? p.u32() : 0;
        int hour = n >= 8 ? p.u8() : 0;
        int minute = n >= 8 ? p.u8() : 0;
        int second = n >= 8 ? p.u8() : 0;
        long micros = n >= 12 ? p.u32() : 0;
        var s = String.format("%s%02d:%02d:%02d", negative ? "-" : "", days * 24 + hour, minute, second);
        return micros != 0 ? s + String.format(".%06d", micros) : s;
    }

    /** A string or blob value: text when it is UTF-8, else a body; at most {@link #MAX_VALUE_BYTES} kept. */
    static Object cell(byte[] b) {
        boolean cut = b.length > MAX_VALUE_BYTES;
        var kept = cut ? Arrays.copyOf(b, MAX_VALUE_BYTES) : b;
        if (!cut && Payload.isUtf8(kept)) {
            return new String(kept, StandardCharsets.UTF_8);
        }
        return new Body(kept, b.length, cut, null);
    }
}
