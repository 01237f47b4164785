package dev.chaostesting.model;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A message of a protocol other than HTTP, as a tree of named fields: values are strings, numbers, booleans, null,
 * {@link Body}, lists and maps of these. Each protocol documents its fields (e.g. {@code sql}, {@code command}).
 */
public record StructuredMessage(Map<String, @Nullable Object> fields) implements Message {

    /** A copy of {@code fields} is kept (in their order), unless they come from a {@link Builder}, already checked. */
    public StructuredMessage {
        if (!(Objects.requireNonNull(fields, "fields") instanceof Built)) {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            fields.values().forEach(StructuredMessage::checkValue);
        }
    }

    public static StructuredMessage of(Map<String, @Nullable Object> fields) {
        return new StructuredMessage(fields);
    }

    /** A builder, for codecs that make many messages: the fields are checked as they are put, and not copied again. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fields put one by one, in order; a value is checked when it is put (lists and maps in it should not change
     * afterwards). Not thread-safe. Building does not end the builder: later puts do not change messages built before.
     */
    public static final class Builder {
        private LinkedHashMap<String, @Nullable Object> fields = new LinkedHashMap<>();
        private boolean shared;

        private Builder() {}

        /** Sets a field (replacing a value put before under that name, in its place). */
        public Builder put(String name, @Nullable Object value) {
            Objects.requireNonNull(name, "name");
            checkValue(value);
            if (shared) {
                fields = new LinkedHashMap<>(fields);
                shared = false;
            }
            fields.put(name, value);
            return this;
        }

        /** The value put under {@code name}, or null. */
        public @Nullable Object get(String name) {
            return fields.get(name);
        }

        public StructuredMessage build() {
            shared = true;
            return new StructuredMessage(new Built(Collections.unmodifiableMap(fields)));
        }
    }

    /** Fields handed over by a {@link Builder}: checked, and never changed after. */
    private static final class Built extends AbstractMap<String, @Nullable Object> {
        private final Map<String, @Nullable Object> fields;

        Built(Map<String, @Nullable Object> fields) {
            this.fields = fields;
        }

        @Override
        public Set<Entry<String, @Nullable Object>> entrySet() {
            return fields.entrySet();
        }

        @Override
        public @Nullable Object get(Object key) {
            return fields.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return fields.containsKey(key);
        }

        @Override
        public int size() {
            return fields.size();
        }

        @Override
        public void forEach(java.util.function.BiConsumer<? super String, ? super @Nullable Object> action) {
            fields.forEach(action);
        }
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
