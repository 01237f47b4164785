package dev.chaostesting.learn;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A JSON value's shape, merged over every sample seen: a small subset of JSON Schema 2020-12.
 *
 * @param type the JSON types seen: {@code object}, {@code array}, {@code string}, {@code integer}, {@code number},
 *     {@code boolean}, {@code null} (nullable when it holds {@code null}); empty when nothing is known (items of arrays
 *     that were always empty)
 * @param format a format every string sample matched: {@code date-time}, {@code date}, {@code uuid}, {@code email},
 *     {@code uri}, {@code ipv4}; null when none
 * @param properties object members in first-seen order, null unless {@code object} is among the types
 * @param required members present in every object sample
 * @param items the merged schema of array elements, null unless {@code array} is among the types
 * @param enumValues the only values seen, when they were few and repeated enough to be an enumeration; else null
 * @param samples how many values this schema was merged from
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Schema(
        List<String> type,
        @Nullable String format,
        @Nullable Map<String, Schema> properties,
        @Nullable List<String> required,
        @Nullable Schema items,
        @JsonProperty("enum") @Nullable List<Object> enumValues,
        long samples) {

    public Schema {
        type = List.copyOf(type);
        properties = properties == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        required = required == null ? null : List.copyOf(required);
        enumValues = enumValues == null ? null : List.copyOf(enumValues);
    }

    /** Whether {@code null} was seen. */
    @JsonIgnore
    public boolean nullable() {
        return type.contains("null");
    }

    /** The member's schema, or null when the member was never seen. */
    public @Nullable Schema property(String name) {
        return properties == null ? null : properties.get(name);
    }
}
