package dev.chaostesting.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An ordered, immutable list of header fields. Names keep their case as seen on the wire; look-ups ignore case.
 * Repeated names are kept as separate entries, in order.
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(List.of());

    private final List<Map.Entry<String, String>> entries;

    private Headers(List<Map.Entry<String, String>> entries) {
        this.entries = entries;
    }

    public static Headers empty() {
        return EMPTY;
    }

    /** Headers from alternating names and values: {@code Headers.of("Content-Type", "text/plain", "X-Id", "7")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "namesAndValues: " + namesAndValues.length + " (expected: an even count)");
        }
        var builder = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            builder.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder newBuilder() {
        var builder = new Builder();
        builder.entries.addAll(entries);
        return builder;
    }

    /** The first value of the named header, ignoring case. */
    public Optional<String> first(String name) {
        for (var e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** All values of the named header, ignoring case, in order. */
    public List<String> all(String name) {
        var values = new ArrayList<String>(2);
        for (var e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values.add(e.getValue());
            }
        }
        return values;
    }

    public boolean contains(String name) {
        return first(name).isPresent();
    }

    /** Whether a comma-separated header (e.g. {@code Connection}, {@code Transfer-Encoding}) has this token. */
    public boolean hasToken(String name, String token) {
        for (var value : all(name)) {
            for (var part : value.split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** All entries in wire order. */
    public List<Map.Entry<String, String>> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    /** Collects header entries; {@link #build()} takes a copy. */
    public static final class Builder {
        private final List<Map.Entry<String, String>> entries = new ArrayList<>();

        private Builder() {}

        public Builder add(String name, String value) {
            entries.add(Map.entry(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")));
            return this;
        }

        /** Replaces every entry of this name (ignoring case) by one entry with this value. */
        public Builder set(String name, String value) {
            remove(name);
            return add(name, value);
        }

        public Builder remove(String name) {
            entries.removeIf(e -> e.getKey().equalsIgnoreCase(name));
            return this;
        }

        public Headers build() {
            return entries.isEmpty() ? EMPTY : new Headers(Collections.unmodifiableList(new ArrayList<>(entries)));
        }
    }
}
