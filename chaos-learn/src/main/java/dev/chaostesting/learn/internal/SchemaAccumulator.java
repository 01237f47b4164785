package dev.chaostesting.learn.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.learn.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Merges JSON samples into a {@link Schema}; memory bounded by the number of distinct member paths. */
public final class SchemaAccumulator {
    /** More distinct strings than this and the field is not an enumeration. */
    static final int MAX_ENUM = 6;

    /** Members beyond this many per object are not tracked (maps keyed by ids would grow without bound). */
    private static final int MAX_MEMBERS = 200;

    private static final int MAX_DEPTH = 32;

    private long samples;
    private final Map<String, Long> types = new TreeMap<>();
    private final LinkedHashSet<String> strings = new LinkedHashSet<>();
    private boolean tooManyStrings;
    private long stringCount;
    private @Nullable String format;
    private boolean formatBroken;
    private long objects;
    private final Map<String, SchemaAccumulator> members = new LinkedHashMap<>();
    private final Map<String, Long> memberCounts = new LinkedHashMap<>();
    private @Nullable SchemaAccumulator items;

    public void add(JsonNode node) {
        add(node, 0);
    }

    private void add(JsonNode node, int depth) {
        samples++;
        if (depth > MAX_DEPTH) {
            count("object");
            return;
        }
        if (node.isNull() || node.isMissingNode()) {
            count("null");
        } else if (node.isObject()) {
            count("object");
            objects++;
            var fields = node.fields();
            while (fields.hasNext()) {
                var field = fields.next();
                var member = members.get(field.getKey());
                if (member == null) {
                    if (members.size() >= MAX_MEMBERS) {
                        continue;
                    }
                    member = new SchemaAccumulator();
                    members.put(field.getKey(), member);
                }
                memberCounts.merge(field.getKey(), 1L, Long::sum);
                member.add(field.getValue(), depth + 1);
            }
        } else if (node.isArray()) {
            count("array");
            if (items == null) {
                items = new SchemaAccumulator();
            }
            for (var element : node) {
                items.add(element, depth + 1);
            }
        } else if (node.isIntegralNumber()) {
            count("integer");
        } else if (node.isNumber()) {
            count("number");
        } else if (node.isBoolean()) {
            count("boolean");
        } else {
            addString(node.asText());
        }
    }

    /** Adds a value that travelled as text (a query or path parameter): numbers and booleans count as such. */
    public void addText(String value) {
        if (Values.isInteger(value)) {
            samples++;
            count("integer");
        } else if (Values.isNumber(value)) {
            samples++;
            count("number");
        } else if (value.equals("true") || value.equals("false")) {
            samples++;
            count("boolean");
        } else {
            samples++;
            addString(value);
        }
    }

    private void addString(String value) {
        count("string");
        stringCount++;
        if (!Values.enumLike(value)) {
            tooManyStrings = true;
            strings.clear();
        }
        if (!tooManyStrings) {
            strings.add(value);
            if (strings.size() > MAX_ENUM) {
                tooManyStrings = true;
                strings.clear();
            }
        }
        if (!formatBroken) {
            var f = Values.format(value);
            if (f == null || (format != null && !format.equals(f))) {
                formatBroken = true;
                format = null;
            } else {
                format = f;
            }
        }
    }

    private void count(String type) {
        types.merge(type, 1L, Long::sum);
    }

    public long samples() {
        return samples;
    }

    public Schema toSchema() {
        var typeList = new ArrayList<String>();
        for (var t : List.of("object", "array", "string", "integer", "number", "boolean", "null")) {
            if (types.containsKey(t)) {
                typeList.add(t);
            }
        }
        if (typeList.contains("number")) {
            typeList.remove("integer");
        }
        Map<String, Schema> properties = null;
        List<String> required = null;
        if (types.containsKey("object")) {
            properties = new LinkedHashMap<>();
            required = new ArrayList<>();
            for (var entry : members.entrySet()) {
                properties.put(entry.getKey(), entry.getValue().toSchema());
                if (memberCounts.get(entry.getKey()) == objects) {
                    required.add(entry.getKey());
                }
            }
        }
        Schema itemSchema = null;
        if (types.containsKey("array")) {
            itemSchema = items == null ? new SchemaAccumulator().toSchema() : items.toSchema();
        }
        return new Schema(
                typeList,
                formatBroken ? null : format,
                properties,
                required,
                itemSchema,
                enumValues(typeList),
                samples);
    }

    private @Nullable List<Object> enumValues(List<String> typeList) {
        var nonNull = typeList.stream().filter(t -> !t.equals("null")).toList();
        if (!nonNull.equals(List.of("string")) || tooManyStrings || strings.isEmpty() || format != null) {
            return null;
        }
        if (stringCount < Math.max(3, 3L * strings.size())) {
            return null;
        }
        return new ArrayList<>(strings);
    }
}
