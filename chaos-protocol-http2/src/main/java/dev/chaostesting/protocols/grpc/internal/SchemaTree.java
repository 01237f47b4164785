package dev.chaostesting.protocols.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.chaostesting.model.Body;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes protobuf bytes with their message descriptor into a map of field names to values: nested messages are maps,
 * repeated fields lists, enums their value names, bytes a {@link Body}, 64-bit integers numbers.
 */
public final class SchemaTree {

    private SchemaTree() {}

    /** The message as a map, or null when the bytes do not parse as this type. */
    public static @Nullable Map<String, @Nullable Object> decode(Descriptor type, byte[] bytes) {
        try {
            return toMap(DynamicMessage.parseFrom(type, bytes));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, @Nullable Object> toMap(Message message) {
        var out = new LinkedHashMap<String, @Nullable Object>();
        for (var e : message.getAllFields().entrySet()) {
            var field = e.getKey();
            if (field.isRepeated()) {
                var list = new ArrayList<@Nullable Object>();
                for (var v : (List<?>) e.getValue()) {
                    list.add(value(field, v));
                }
                out.put(field.getName(), list);
            } else {
                out.put(field.getName(), value(field, e.getValue()));
            }
        }
        if (!message.getUnknownFields().asMap().isEmpty()) {
            out.put(
                    "_unknownFields",
                    ProtobufTree.decode(message.getUnknownFields().toByteArray()));
        }
        return out;
    }

    private static @Nullable Object value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case MESSAGE -> toMap((Message) value);
            case ENUM -> ((EnumValueDescriptor) value).getName();
            case BYTE_STRING -> Body.of(((ByteString) value).toByteArray());
            // JSON has no NaN or infinities: those are recorded as their names.
            case FLOAT, DOUBLE -> Double.isFinite(((Number) value).doubleValue()) ? value : value.toString();
            case INT, LONG, BOOLEAN, STRING -> value;
        };
    }
}
