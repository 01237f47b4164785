package dev.chaostesting.protocols.postgres.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Type names by OID and decoding of values in the text (0) and binary (1) formats. Parameters are recorded as JSON
 * values (numbers, booleans, strings), so that the same value sent in either format records the same; row values are
 * recorded as PostgreSQL's text representation.
 */
final class PgTypes {

    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int CHAR = 18;
    static final int NAME = 19;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int OID = 26;
    static final int JSON = 114;
    static final int XML = 142;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int UNKNOWN = 705;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int DATE = 1082;
    static final int TIME = 1083;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int NUMERIC = 1700;
    static final int UUID = 2950;
    static final int JSONB = 3802;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(BOOL, "bool"),
            Map.entry(BYTEA, "bytea"),
            Map.entry(CHAR, "char"),
            Map.entry(NAME, "name"),
            Map.entry(INT8, "int8"),
            Map.entry(INT2, "int2"),
            Map.entry(INT4, "int4"),
            Map.entry(24, "regproc"),
            Map.entry(TEXT, "text"),
            Map.entry(OID, "oid"),
            Map.entry(JSON, "json"),
            Map.entry(XML, "xml"),
            Map.entry(FLOAT4, "float4"),
            Map.entry(FLOAT8, "float8"),
            Map.entry(UNKNOWN, "unknown"),
            Map.entry(BPCHAR, "bpchar"),
            Map.entry(VARCHAR, "varchar"),
            Map.entry(DATE, "date"),
            Map.entry(TIME, "time"),
            Map.entry(TIMESTAMP, "timestamp"),
            Map.entry(TIMESTAMPTZ, "timestamptz"),
            Map.entry(1186, "interval"),
            Map.entry(1266, "timetz"),
            Map.entry(NUMERIC, "numeric"),
            Map.entry(UUID, "uuid"),
            Map.entry(JSONB, "jsonb"),
            Map.entry(869, "inet"),
            Map.entry(650, "cidr"),
            Map.entry(829, "macaddr"),
            Map.entry(1560, "bit"),
            Map.entry(1562, "varbit"),
            Map.entry(2205, "regclass"),
            Map.entry(2249, "record"),
            Map.entry(2278, "void"),
            Map.entry(3614, "tsvector"),
            Map.entry(1000, "bool[]"),
            Map.entry(1001, "bytea[]"),
            Map.entry(1005, "int2[]"),
            Map.entry(1007, "int4[]"),
            Map.entry(1016, "int8[]"),
            Map.entry(1009, "text[]"),
            Map.entry(1015, "varchar[]"),
            Map.entry(1021, "float4[]"),
            Map.entry(1022, "float8[]"),
            Map.entry(1182, "date[]"),
            Map.entry(1115, "timestamp[]"),
            Map.entry(1185, "timestamptz[]"),
            Map.entry(1231, "numeric[]"),
            Map.entry(2951, "uuid[]"),
            Map.entry(199, "json[]"),
            Map.entry(3807, "jsonb[]"));

    private static final LocalDateTime EPOCH_2000 = LocalDateTime.of(2000, 1, 1, 0, 0);
    private static final LocalDate DAY_2000 = LocalDate.of(2000, 1, 1);

    private PgTypes() {}

    /** The type's name, {@code unspecified} for 0, or the OID as text for types not listed here. */
    static String name(int oid) {
        if (oid == 0) {
            return "unspecified";
        }
        return NAMES.getOrDefault(oid, Integer.toUnsignedString(oid));
    }

    /** A parameter's value as a JSON value: numbers and booleans as such, everything else as text. */
    static @Nullable Object parameter(int oid, int format, byte @Nullable [] value, boolean cut) {
        if (value == null) {
            return null;
        }
        if (format == 1 && !cut) {
            Object binary = binary(oid, value);
            if (binary != null) {
                return binary;
            }
        }
        if (format == 1) {
            return hex(value);
        }
        var text = new String(value, StandardCharsets.UTF_8);
        if (cut) {
            return text;
        }
        try {
            switch (oid) {
                case INT2, INT4, INT8, OID -> {
                    return Long.parseLong(text.trim());
                }
                case FLOAT4, FLOAT8 -> {
                    double d = Double.parseDouble(text.trim());
                    return Double.isFinite(d) ? (Object) d : text;
                }
                case BOOL -> {
                    var b = bool(text);
                    return b == null ? text : b;
                }
                default -> {
                    return text;
                }
            }
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** A row value as PostgreSQL's text representation (binary values are converted to it when the type is known). */
    static @Nullable String text(int oid, int format, byte @Nullable [] value, boolean cut) {
        if (value == null) {
            return null;
        }
        if (format != 1) {
            return new String(value, StandardCharsets.UTF_8);
        }
        Object decoded = cut ? null : binary(oid, value);
        if (decoded == null) {
            return hex(value);
        }
        if (decoded instanceof Boolean b) {
            return b ? "t" : "f";
        }
        if (decoded instanceof Double d) {
            return floatText(d);
        }
        return decoded.toString();
    }

    private static @Nullable Boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "on", "1", "yes", "y" -> Boolean.TRUE;
            case "f", "false", "off", "0", "no", "n" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** Decodes a binary value of a known type; null when the type is not known here or the bytes do not fit it. */
    private static @Nullable Object binary(int oid, byte[] v) {
        switch (oid) {
            case BOOL:
                return v.length == 1 ? (Object) (v[0] != 0) : null;
            case INT2:
                return v.length == 2 ? (Object) (long) (short) (((v[0] & 0xff) << 8) | (v[1] & 0xff)) : null;
            case INT4:
                return v.length == 4 ? (Object) (long) Wire.int32(v, 0) : null;
            case OID:
                return v.length == 4 ? (Object) (Wire.int32(v, 0) & 0xffffffffL) : null;
            case INT8:
                return v.length == 8 ? (Object) int64(v, 0) : null;
            case FLOAT4:
                return v.length == 4 ? (Object) (double) Float.intBitsToFloat(Wire.int32(v, 0)) : null;
            case FLOAT8:
                return v.length == 8 ? (Object) Double.longBitsToDouble(int64(v, 0)) : null;
            case TEXT, VARCHAR, BPCHAR, NAME, CHAR, JSON, XML, UNKNOWN:
                return new String(v, StandardCharsets.UTF_8);
            case JSONB:
                return v.length >= 1 && v[0] == 1 ? new String(v, 1, v.length - 1, StandardCharsets.UTF_8) : null;
            case BYTEA:
                return hex(v);
            case UUID:
                if (v.length != 16) {
                    return null;
                }
                var h = HexFormat.of().formatHex(v);
                return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                        + h.substring(16, 20) + "-" + h.substring(20);
            case DATE:
                if (v.length != 4) {
                    return null;
                }
                int days = Wire.int32(v, 0);
                return days == Integer.MAX_VALUE
                        ? "infinity"
                        : days == Integer.MIN_VALUE
                                ? "-infinity"
                                : DAY_2000.plusDays(days).toString();
            case TIMESTAMP, TIMESTAMPTZ:
                if (v.length != 8) {
                    return null;
                }
                long micros = int64(v, 0);
                if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
                    return micros > 0 ? "infinity" : "-infinity";
                }
                var at = EPOCH_2000
                        .plusSeconds(Math.floorDiv(micros, 1_000_000L))
                        .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L);
                return at.toLocalDate() + " " + time(at.toLocalTime()) + (oid == TIMESTAMPTZ ? "+00" : "");
            case TIME:
                return v.length == 8
                        ? time(LocalTime.ofNanoOfDay(Math.floorMod(int64(v, 0), 86_400_000_000L) * 1000))
                        : null;
            case NUMERIC:
                return numeric(v);
            default:
                return null;
        }
    }

    private static String time(LocalTime t) {
        var s = String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        int micros = t.getNano() / 1000;
        if (micros == 0) {
            return s;
        }
        var fraction = String.format("%06d", micros).replaceAll("0+$", "");
        return s + "." + fraction;
    }

    private static @Nullable String numeric(byte[] v) {
        if (v.length < 8) {
            return null;
        }
        int ndigits = ((v[0] & 0xff) << 8) | (v[1] & 0xff);
        int weight = (short) (((v[2] & 0xff) << 8) | (v[3] & 0xff));
        int sign = ((v[4] & 0xff) << 8) | (v[5] & 0xff);
        int dscale = ((v[6] & 0xff) << 8) | (v[7] & 0xff);
        if (v.length != 8 + 2 * ndigits || dscale > 16383) {
            return null;
        }
        switch (sign) {
            case 0xC000:
                return "NaN";
            case 0xD000:
                return "Infinity";
            case 0xF000:
                return "-Infinity";
            case 0x0000, 0x4000:
                break;
            default:
                return null;
        }
        var unscaled = BigInteger.ZERO;
        var base = BigInteger.valueOf(10_000);
        for (int i = 0; i < ndigits; i++) {
            int digit = ((v[8 + 2 * i] & 0xff) << 8) | (v[9 + 2 * i] & 0xff);
            if (digit > 9999) {
                return null;
            }
            unscaled = unscaled.multiply(base).add(BigInteger.valueOf(digit));
        }
        var value = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - ndigits + 1));
        value = value.setScale(dscale, RoundingMode.DOWN);
        return (sign == 0x4000 ? value.negate() : value).toPlainString();
    }

    private static String floatText(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    static long int64(byte[] b, int at) {
        return ((long) Wire.int32(b, at) << 32) | (Wire.int32(b, at + 4) & 0xffffffffL);
    }

    static String hex(byte[] v) {
        return "\\x" + HexFormat.of().formatHex(v);
    }
}
