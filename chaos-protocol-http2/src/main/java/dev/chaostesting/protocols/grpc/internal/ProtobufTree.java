package dev.chaostesting.protocols.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.chaostesting.model.Body;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes protobuf bytes without a schema into a list of fields, as {@code protoc --decode_raw} does: each field is
 * {@code {"number", "wireType", "value"}}; a length-delimited value becomes a nested list of fields when its bytes
 * parse as a message, else a string when they are UTF-8, else a {@link Body} (base64 in recordings).
 */
public final class ProtobufTree {

    /** Nesting deeper than this is left as bytes. */
    static final int MAX_DEPTH = 32;

    private ProtobufTree() {}

    /** The fields of a message, or null when the bytes are not a protobuf message. */
    public static @Nullable List<Map<String, @Nullable Object>> decode(byte[] bytes) {
        var set = parse(ByteString.copyFrom(bytes));
        return set == null ? null : fields(set, 0);
    }

    private static @Nullable UnknownFieldSet parse(ByteString bytes) {
        try {
            var in = CodedInputStream.newInstance(bytes.asReadOnlyByteBuffer());
            var set = UnknownFieldSet.newBuilder().mergeFrom(in).build();
            if (!in.isAtEnd()) {
                return null;
            }
            return set;
        } catch (IOException | RuntimeException e) {
            // An end-group tag at top level ends parsing early; isAtEnd catches it. Anything else is not a message.
            return null;
        }
    }

    private static List<Map<String, @Nullable Object>> fields(UnknownFieldSet set, int depth) {
        var out = new ArrayList<Map<String, @Nullable Object>>();
        for (var entry : set.asMap().entrySet()) {
            int number = entry.getKey();
            var field = entry.getValue();
            for (long v : field.getVarintList()) {
                out.add(field(number, "varint", v));
            }
            for (int v : field.getFixed32List()) {
                out.add(field(number, "fixed32", Integer.toUnsignedLong(v)));
            }
            for (long v : field.getFixed64List()) {
                out.add(field(number, "fixed64", v));
            }
            for (var v : field.getLengthDelimitedList()) {
                out.add(field(number, "len", lengthDelimited(v, depth)));
            }
            for (var v : field.getGroupList()) {
                out.add(field(number, "group", fields(v, depth + 1)));
            }
        }
        return out;
    }

    private static @Nullable Object lengthDelimited(ByteString bytes, int depth) {
        if (bytes.isEmpty()) {
            return "";
        }
        if (depth < MAX_DEPTH) {
            var nested = parse(bytes);
            if (nested != null && !nested.asMap().isEmpty() && !hasGroups(nested)) {
                return fields(nested, depth + 1);
            }
        }
        var text = utf8(bytes);
        return text != null ? text : Body.of(bytes.toByteArray());
    }

    /** Groups are long deprecated: bytes that only parse with them are text or bytes far more often than messages. */
    private static boolean hasGroups(UnknownFieldSet set) {
        for (var field : set.asMap().values()) {
            if (!field.getGroupList().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, @Nullable Object> field(int number, String wireType, @Nullable Object value) {
        var m = new LinkedHashMap<String, @Nullable Object>();
        m.put("number", number);
        m.put("wireType", wireType);
        m.put("value", value);
        return m;
    }

    private static @Nullable String utf8(ByteString bytes) {
        return bytes.isValidUtf8() ? bytes.toStringUtf8() : null;
    }
}
