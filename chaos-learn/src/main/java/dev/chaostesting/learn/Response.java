package dev.chaostesting.learn;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What an endpoint answered with one status code.
 *
 * @param status the status code
 * @param count how many responses had it
 * @param headers response headers that matter (framing headers are left out)
 * @param body the merged JSON body schema, or null when no body was JSON
 * @param contentType the first {@code Content-Type} seen, or null
 * @param dynamic values a test must not compare literally, with the reasons
 * @param echoes values that always equalled a value of the request (compare with the request instead)
 * @param example the first exchange that got this status
 */
public record Response(
        int status,
        long count,
        List<HeaderRule> headers,
        @Nullable String contentType,
        @Nullable Schema body,
        List<DynamicField> dynamic,
        List<Echo> echoes,
        @Nullable Example example) {
    public Response {
        headers = List.copyOf(headers);
        dynamic = List.copyOf(dynamic);
        echoes = List.copyOf(echoes);
    }

    /** The dynamic entry for a location such as {@code body:$.id}, or null when that value is stable. */
    public @Nullable DynamicField dynamicAt(String location) {
        for (var field : dynamic) {
            if (field.location().equals(location)) {
                return field;
            }
        }
        return null;
    }
}
