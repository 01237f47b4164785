package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an endpoint answers, before encoding: {@link ResponseWriter} decides on compression and framing.
 *
 * @param body the JSON body, or {@code null} for a response without one (204)
 * @param headers extra response headers, in the order they are sent
 * @param chunkWhenLarge whether a large body is sent with chunked transfer encoding instead of a Content-Length
 */
record Response(int status, JsonNode body, Map<String, String> headers, boolean chunkWhenLarge) {
    Response {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    static Response json(int status, JsonNode body) {
        return new Response(status, body, Map.of(), false);
    }

    static Response empty(int status) {
        return new Response(status, null, Map.of(), false);
    }

    Response withHeader(String name, String value) {
        var copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Response(status, body, copy, chunkWhenLarge);
    }

    Response chunkedWhenLarge() {
        return new Response(status, body, headers, true);
    }
}
