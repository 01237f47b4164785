package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request as the endpoints see it: read once, body included, so they never touch the exchange and cannot leave a
 * body half-read on a keep-alive connection.
 *
 * @param segments the decoded path split on {@code /}, empty segments dropped (so a trailing slash is ignored)
 * @param query decoded query parameters; the first occurrence of a repeated name wins
 */
record Request(
        String method, String path, List<String> segments, Map<String, String> query, Headers headers, byte[] body) {

    static Request read(HttpExchange exchange, int maxBody) throws IOException {
        var uri = exchange.getRequestURI();
        var headers = exchange.getRequestHeaders();
        // Refuse an announced oversize body before reading any of it.
        if (declaredLength(headers) > maxBody) {
            throw ApiException.payloadTooLarge(maxBody);
        }
        var body = exchange.getRequestBody().readNBytes(maxBody + 1);
        if (body.length > maxBody) {
            throw ApiException.payloadTooLarge(maxBody);
        }
        var segments = Arrays.stream(uri.getPath().split("/"))
                .filter(segment -> !segment.isEmpty())
                .toList();
        return new Request(
                exchange.getRequestMethod(), uri.getPath(), segments, parseQuery(uri.getRawQuery()), headers, body);
    }

    String header(String name) {
        return headers.getFirst(name);
    }

    /** Fails with 405 unless the method is one of {@code allowed}. */
    void allow(String... allowed) {
        if (!List.of(allowed).contains(method)) {
            throw ApiException.methodNotAllowed(String.join(", ", allowed));
        }
    }

    /** The body as a JSON object, or a 4xx explaining why it is not one. */
    ObjectNode json() {
        var contentType = header("Content-Type");
        if (contentType != null) {
            var mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            // A missing Content-Type is tolerated; a declared non-JSON one (such as curl -d's form encoding) is not.
            if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
                throw ApiException.unsupportedMediaType(contentType);
            }
        }
        if (body.length == 0) {
            throw ApiException.badRequest("request body is required", null);
        }
        try {
            var node = Json.MAPPER.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw ApiException.badRequest("request body must be a JSON object", null);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input back; a fixed message keeps error bodies predictable.
            throw ApiException.badRequest("request body is not valid JSON", null);
        } catch (IOException e) {
            throw new IllegalStateException("reading an in-memory body cannot fail", e);
        }
    }

    /** An integer query parameter within bounds, or {@code fallback} when absent. */
    int intParam(String name, int fallback, int min, int max) {
        var value = query.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            var parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below together with the out-of-range case.
        }
        var range = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        throw ApiException.badRequest(name + " must be " + range, name);
    }

    private static long declaredLength(Headers headers) {
        var value = headers.getFirst("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            // HttpServer frames the body itself; an unreadable header only means we learn the size by reading.
            return -1;
        }
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        var query = new LinkedHashMap<String, String>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (var pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            var parts = pair.split("=", 2);
            try {
                var name = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                var value = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
                query.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("malformed query string", null);
            }
        }
        return query;
    }
}
