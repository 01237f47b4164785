package dev.chaostesting.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message of a protocol other than HTTP, as a tree of named fields: values are strings, numbers, booleans, null,
 * {@link Body}, lists and maps of these. Each protocol documents its fields (e.g. {@code sql}, {@code command}).
 */
public record StructuredMessage(Map<String, @Nullable Object> fields) implements Message {

    public StructuredMessage {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(fields, "fields")));
        fields.values().forEach(StructuredMessage::checkValue);
    }

    public static StructuredMessage of(Map<String, @Nullable Object> fields) {
        return new StructuredMessage(fields);
    }

    public @Nullable Object get(String name) {
        return fields.get(name);
    }

    private static void checkValue(@Nullable Object value) {
        if (value == null
                || value instanceof String
                || value instanceof Number
                || value instanceof Boolean
                || value instanceof Body) {
            return;
        }
        if (value instanceof List<?> list) {
            list.forEach(StructuredMessage::checkValue);
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (!(k instanceof String)) {
                    throw new IllegalArgumentException("field name: " + k + " (expected: a string)");
                }
                checkValue(v);
            });
            return;
        }
        throw new IllegalArgumentException("field value type: "
                + value.getClass().getName() + " (expected: String, Number, Boolean, Body, List, Map or null)");
    }
}
