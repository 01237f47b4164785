package dev.chaostesting.learn.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** Parses recorded bodies as JSON and walks their leaves. */
public final class JsonBodies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private JsonBodies() {}

    /** The body as JSON, or null when it is empty, truncated, not text or not JSON. */
    public static @Nullable JsonNode parse(Headers headers, Body body) {
        if (body.isEmpty() || body.truncated()) {
            return null;
        }
        var type = headers.first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        var text = body.textIfValid();
        if (text == null) {
            return null;
        }
        var trimmed = text.strip();
        boolean looksJson = trimmed.startsWith("{") || trimmed.startsWith("[");
        if (!type.contains("json") && !looksJson) {
            return null;
        }
        try {
            var node = MAPPER.readTree(trimmed);
            return node == null || node.isMissingNode() ? null : node;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Visits every scalar leaf with its path: {@code $.a.b} for members, {@code $.items[].id} inside arrays. A value
     * inside an array has {@code inArray} true.
     */
    public static void leaves(JsonNode node, LeafVisitor visitor) {
        walk(node, "$", false, visitor, 0);
    }

    /** Receives one leaf. */
    @FunctionalInterface
    public interface LeafVisitor {
        void leaf(String path, JsonNode value, boolean inArray);
    }

    private static void walk(JsonNode node, String path, boolean inArray, LeafVisitor visitor, int depth) {
        if (depth > 32) {
            return;
        }
        if (node.isObject()) {
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                walk(field.getValue(), path + "." + field.getKey(), inArray, visitor, depth + 1);
            }
        } else if (node.isArray()) {
            for (var element : node) {
                walk(element, path + "[]", true, visitor, depth + 1);
            }
        } else {
            visitor.leaf(path, node, inArray);
        }
    }

    /** The member name a leaf path ends with ({@code $.items[].id} gives {@code id}). */
    public static String lastName(String path) {
        var p = path;
        while (p.endsWith("[]")) {
            p = p.substring(0, p.length() - 2);
        }
        int dot = p.lastIndexOf('.');
        return dot < 0 ? p : p.substring(dot + 1);
    }

    /** The first value of each header, for examples. */
    static void firstValues(Headers headers, List<String> skip, BiConsumer<String, String> sink) {
        var seen = new java.util.HashSet<String>();
        for (var entry : headers.entries()) {
            var lower = entry.getKey().toLowerCase(Locale.ROOT);
            if (skip.contains(lower) || !seen.add(lower)) {
                continue;
            }
            sink.accept(entry.getKey(), entry.getValue());
        }
    }
}
