package dev.chaostesting.control.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One request: its path parameters, query and JSON body, and the ways to answer it. */
public final class Call {

    /** The largest request body read (a fault list or an interceptor is a few hundred bytes). */
    static final int MAX_BODY_BYTES = 1 << 20;

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private final HttpExchange exchange;
    private final Map<String, String> pathParameters;
    private final Map<String, String> query;
    private boolean answered;

    Call(HttpExchange exchange, Map<String, String> pathParameters) {
        this.exchange = exchange;
        this.pathParameters = pathParameters;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String path(String name) {
        var value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalStateException("no path parameter " + name);
        }
        return value;
    }

    /** A query parameter that is a whole number from {@code min}, or {@code fallback} when absent. */
    public long longQuery(String name, long fallback, long min) {
        var text = query.get(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiError(400, "query parameter " + name + "=" + text + " (expected: a whole number >= " + min + ")");
    }

    /** A query parameter that is a duration ({@code 5s}, {@code 200ms}, or milliseconds), at most {@code max}. */
    public Duration durationQuery(String name, Duration fallback, Duration max) {
        var text = query.get(name);
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        Duration value;
        try {
            value = dev.chaostesting.fault.FaultSpecs.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new ApiError(
                    400, "query parameter " + name + "=" + text + " (expected a duration, e.g. 5s or 200ms)");
        }
        if (value.isNegative() || value.compareTo(max) > 0) {
            throw new ApiError(
                    400,
                    "query parameter " + name + "=" + text + " (expected: 0 to "
                            + dev.chaostesting.fault.FaultSpecs.format(max) + ")");
        }
        return value;
    }

    /** The body as a JSON object or array, parsed into maps, lists, strings, numbers and booleans. */
    public Object jsonBody() throws IOException {
        var type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            throw new ApiError(415, "Content-Type: " + type + " (expected: application/json)");
        }
        byte[] body;
        try (var in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "request body over " + MAX_BODY_BYTES + " bytes");
        }
        if (body.length == 0) {
            throw new ApiError(400, "empty body (expected a JSON object)");
        }
        try {
            return JSON.readValue(body, new TypeReference<Object>() {});
        } catch (JsonParseException e) {
            throw new ApiError(400, "body is not JSON: " + e.getOriginalMessage());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ApiError(400, "body is not JSON: " + e.getOriginalMessage());
        }
    }

    /** The body as a JSON object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> jsonObject() throws IOException {
        var body = jsonBody();
        if (body instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new ApiError(400, "body: a JSON " + kind(body) + " (expected a JSON object)");
    }

    static String kind(@Nullable Object value) {
        if (value instanceof Map) {
            return "object";
        } else if (value instanceof List) {
            return "array";
        } else if (value instanceof String) {
            return "string";
        } else if (value instanceof Number) {
            return "number";
        } else if (value instanceof Boolean) {
            return "boolean";
        }
        return "null";
    }

    public void json(int status, Object body) throws IOException {
        send(status, "application/json", JSON.writeValueAsBytes(body));
    }

    public void noContent() throws IOException {
        answered = true;
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    public void header(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    void error(int status, String message) throws IOException {
        json(status, Map.of("error", oneLine(message)));
    }

    /** Starts a streamed answer (chunked); the caller writes and closes the stream. */
    public OutputStream stream(String contentType) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    boolean answered() {
        return answered;
    }

    private void send(int status, String contentType, byte[] body) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static String oneLine(@Nullable String message) {
        if (message == null || message.isBlank()) {
            return "internal error";
        }
        var line = message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return line.length() > 1000 ? line.substring(0, 1000) + "..." : line;
    }

    private static Map<String, String> parseQuery(@Nullable String raw) {
        var out = new LinkedHashMap<String, String>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (var pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            var key = decode(eq < 0 ? pair : pair.substring(0, eq));
            var value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(key, value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "query: bad percent-encoding in '" + s + "'");
        }
    }
}
