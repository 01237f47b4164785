package dev.chaostesting.protocols.postgres.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Decoding of the messages whose content is a list of fields: errors, notices, row and parameter descriptions. */
final class Fields {

    private Fields() {}

    /**
     * An ErrorResponse or NoticeResponse as {@code {severity, code, message, detail, hint, position, ...}}. The
     * server's source location (file, line, routine) is left out. A cut message gives the fields that arrived whole.
     */
    static Map<String, @Nullable Object> notice(Frame frame) throws MalformedMessageException {
        var p = frame.read();
        var out = new LinkedHashMap<String, @Nullable Object>();
        String localized = null;
        try {
            while (true) {
                byte code = p.int8("field type");
                if (code == 0) {
                    break;
                }
                var value = p.cstring("field value");
                switch (code) {
                    case 'S' -> localized = value;
                    case 'V' -> out.put("severity", value);
                    case 'C' -> out.put("code", value);
                    case 'M' -> out.put("message", value);
                    case 'D' -> out.put("detail", value);
                    case 'H' -> out.put("hint", value);
                    case 'P' -> out.put("position", number(value));
                    case 'p' -> out.put("internalPosition", number(value));
                    case 'q' -> out.put("internalQuery", value);
                    case 'W' -> out.put("where", value);
                    case 's' -> out.put("schema", value);
                    case 't' -> out.put("table", value);
                    case 'c' -> out.put("column", value);
                    case 'd' -> out.put("dataType", value);
                    case 'n' -> out.put("constraint", value);
                    default -> {}
                }
            }
        } catch (MalformedMessageException e) {
            if (frame.whole()) {
                throw e;
            }
        }
        if (!out.containsKey("severity") && localized != null) {
            out.put("severity", localized);
        }
        // Order for readers: severity, code, message first.
        var ordered = new LinkedHashMap<String, @Nullable Object>();
        for (var key : List.of("severity", "code", "message")) {
            if (out.containsKey(key)) {
                ordered.put(key, out.remove(key));
            }
        }
        ordered.putAll(out);
        return ordered;
    }

    private static Object number(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return value;
        }
    }

    /** A RowDescription's columns. */
    static Columns rowDescription(Frame frame) throws MalformedMessageException {
        var p = frame.read();
        int n = p.count16("field count", 19);
        var names = new ArrayList<String>(n);
        var types = new int[n];
        var formats = new int[n];
        for (int i = 0; i < n; i++) {
            names.add(p.cstring("field name"));
            p.skip(6, "table and column");
            types[i] = p.int32("type oid");
            p.skip(6, "type size and modifier");
            formats[i] = p.int16("format code");
        }
        p.end();
        return new Columns(names, types, formats);
    }

    /** A ParameterDescription's type OIDs. */
    static int[] parameterDescription(Frame frame) throws MalformedMessageException {
        var p = frame.read();
        int n = p.count16("parameter count", 4);
        var types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = p.int32("parameter type");
        }
        p.end();
        return types;
    }

    static List<String> typeNames(int[] oids) {
        var out = new ArrayList<String>(oids.length);
        for (int oid : oids) {
            out.add(PgTypes.name(oid));
        }
        return out;
    }

    /** The columns of a result: names, type OIDs and formats. */
    record Columns(List<String> names, int[] types, int[] formats) {

        int size() {
            return names.size();
        }

        /** The same columns read in the formats a Bind asked for (none: all text; one: all that one). */
        Columns withFormats(int @Nullable [] resultFormats) {
            if (resultFormats == null) {
                return this;
            }
            var f = new int[types.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = resultFormats.length == 0
                        ? 0
                        : resultFormats.length == 1
                                ? resultFormats[0]
                                : i < resultFormats.length ? resultFormats[i] : 0;
            }
            return new Columns(names, types, f);
        }

        List<Map<String, @Nullable Object>> toFields() {
            var out = new ArrayList<Map<String, @Nullable Object>>(names.size());
            for (int i = 0; i < names.size(); i++) {
                var c = new LinkedHashMap<String, @Nullable Object>();
                c.put("name", names.get(i));
                c.put("type", PgTypes.name(types[i]));
                c.put("typeOid", types[i] & 0xffffffffL);
                out.add(c);
            }
            return out;
        }
    }
}
