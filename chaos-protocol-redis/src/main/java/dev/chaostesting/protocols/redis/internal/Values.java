package dev.chaostesting.protocols.redis.internal;

import dev.chaostesting.model.Body;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns decoded RESP values into the recorded tree. Bulk strings, integers, nulls and arrays nest as plain JSON
 * values (a string, a number, null, a list); every other type nests as a tagged object {@code {"type", "value"}} so
 * that nothing is lost (a simple string, an error inside an EXEC reply, a map with non-string keys...).
 */
public final class Values {

    private Values() {}

    /** The fields of a {@code response} object for one top-level reply. */
    public static Map<String, @Nullable Object> reply(Resp value) {
        var fields = new LinkedHashMap<String, @Nullable Object>();
        fields.put("type", value.type.recordedName());
        describe(value, fields);
        return fields;
    }

    /** {@code value} (or {@code error}) and the marks of one value, into {@code fields}. */
    static void describe(Resp value, Map<String, @Nullable Object> fields) {
        switch (value.type) {
            case ERROR, BULK_ERROR -> fields.put("error", error(value));
            case NULL -> {
                fields.put("value", null);
                if (value.nullOf != null) {
                    fields.put("nullType", value.nullOf.recordedName());
                }
            }
            case VERBATIM -> {
                var data = value.data;
                fields.put("format", new String(data, 0, Math.min(3, data.length), StandardCharsets.UTF_8));
                fields.put(
                        "value",
                        string(
                                data.length >= 4 ? java.util.Arrays.copyOfRange(data, 4, data.length) : new byte[0],
                                Math.max(0, value.size - 4)));
            }
            default -> fields.put("value", plainValue(value));
        }
        if (value.type.aggregate()) {
            if (value.elementsTruncated()) {
                fields.put("size", value.type == RespType.MAP ? value.count / 2 : value.count);
                fields.put("truncated", true);
            }
        } else if (value.dataTruncated() && (value.type == RespType.SIMPLE || value.type == RespType.ERROR)) {
            fields.put("size", value.size);
            fields.put("truncated", true);
        }
        if (value.attributes != null) {
            fields.put("attributes", pairs(value.attributes));
        }
    }

    /** {@code {prefix, message}} of an error reply; prefix is absent when the text starts with no upper-case word. */
    public static Map<String, @Nullable Object> error(Resp value) {
        var text = value.text();
        var fields = new LinkedHashMap<String, @Nullable Object>();
        int space = text.indexOf(' ');
        var first = space < 0 ? text : text.substring(0, space);
        if (!first.isEmpty()
                && first.chars()
                        .allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            fields.put("prefix", first);
            fields.put("message", space < 0 ? "" : text.substring(space + 1));
        } else {
            fields.put("message", text);
        }
        if (value.dataTruncated()) {
            fields.put("truncated", true);
        }
        return fields;
    }

    /** The value of a top-level reply, without its type. */
    static @Nullable Object plainValue(Resp value) {
        return switch (value.type) {
            case SIMPLE, BULK -> string(value.data, value.size);
            case INTEGER ->
                Long.parseLong(value.text().startsWith("+") ? value.text().substring(1) : value.text());
            case BOOLEAN -> value.text().equals("t");
            case DOUBLE, BIG_NUMBER -> value.text();
            case NULL -> null;
            case ARRAY, SET, PUSH -> list(value);
            case MAP, ATTRIBUTE -> pairs(value);
            case ERROR, BULK_ERROR -> value.text();
            case VERBATIM -> string(value.data, value.size);
        };
    }

    /** A value inside an aggregate. */
    static @Nullable Object nested(Resp value) {
        boolean plain = value.attributes == null
                && switch (value.type) {
                    case BULK, INTEGER -> true;
                    case NULL -> true;
                    case ARRAY -> !value.elementsTruncated();
                    default -> false;
                };
        if (plain) {
            return plainValue(value);
        }
        var tagged = new LinkedHashMap<String, @Nullable Object>();
        tagged.put("type", value.type.recordedName());
        if (value.type == RespType.ERROR || value.type == RespType.BULK_ERROR) {
            tagged.put("value", value.text());
            if (value.dataTruncated()) {
                tagged.put("truncated", true);
            }
        } else {
            describe(value, tagged);
        }
        return tagged;
    }

    private static List<@Nullable Object> list(Resp value) {
        var out = new ArrayList<@Nullable Object>(value.elements.size());
        for (var e : value.elements) {
            out.add(nested(e));
        }
        return out;
    }

    /** Map entries as {@code [{"key", "value"}, ...]}: keys may be of any type and repeat. */
    private static List<@Nullable Object> pairs(Resp value) {
        var out = new ArrayList<@Nullable Object>(value.elements.size() / 2);
        for (int i = 0; i + 1 < value.elements.size(); i += 2) {
            var pair = new LinkedHashMap<String, @Nullable Object>();
            pair.put("key", nested(value.elements.get(i)));
            pair.put("value", nested(value.elements.get(i + 1)));
            out.add(pair);
        }
        return out;
    }

    /** A string when complete and valid UTF-8, else a body (base64 and/or truncated). */
    public static Object string(byte[] data, long size) {
        var body = new Body(data, size, size > data.length, null);
        if (!body.truncated()) {
            var text = body.textIfValid();
            if (text != null) {
                return text;
            }
        }
        return body;
    }
}
