package dev.chaostesting.replay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/** Lenient JSON reading: bodies that are not JSON are simply not JSON. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    public static @Nullable JsonNode parse(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        var t = text.strip();
        if (!(t.startsWith("{") || t.startsWith("["))) {
            return null;
        }
        try {
            return MAPPER.readTree(t);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** A scalar as text (ids are compared as text), or null for objects, arrays and nulls. */
    public static @Nullable String scalar(@Nullable JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        return node.asText();
    }
}
