package dev.chaostesting.protocols.http;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.x protocol faults, carried out in line by {@link Http1Codec}: each factory returns a {@link Fault} of type
 * {@code protocol} whose spec is the map documented in docs/protocols/http.md. A request matches when its method equals
 * {@code method} ({@code "*"} or null: any) and its path (without the query) matches {@code path}, a pattern where
 * {@code {name}} or {@code *} stands for one path segment and {@code **} for any characters ({@code "/orders/{id}"},
 * {@code "/orders/*"}, {@code "/**"}); null matches every path. Other matches (request headers) are written as a spec:
 * {@code Faults.protocol("http", Map.of("match", Map.of("headers", Map.of("X-Test", "on")), "respond", Map.of()))}.
 *
 * <p>With {@code toxicity(p).perChunk()} the draw is made per request.
 */
public final class HttpFaults {

    private HttpFaults() {}

    /** Matching requests are answered with {@code status} (and an empty body) in place of the server. */
    public static Fault respond(@Nullable String method, @Nullable String path, int status) {
        return respond(method, path, status, Map.of(), "");
    }

    /**
     * Matching requests are answered in place of the server, which never sees them: {@code status}, {@code headers}
     * (Content-Length is computed) and {@code body} (UTF-8; {@code text/plain} unless a Content-Type is given). The
     * connection stays open unless the request asked to close it or {@code headers} say {@code Connection: close}.
     */
    public static Fault respond(
            @Nullable String method, @Nullable String path, int status, Map<String, String> headers, String body) {
        Objects.requireNonNull(body, "body");
        var respond = Map.of("status", status, "headers", Map.copyOf(headers), "body", body);
        return make("http_" + status, method, path, Map.of("respond", respond));
    }

    /**
     * The connection is closed ({@code reset}: reset) when a matching request's turn comes (after the answers to the
     * requests before it); the server never sees the request.
     */
    public static Fault abort(@Nullable String method, @Nullable String path, boolean reset) {
        return make("http_abort", method, path, Map.of("abort", Map.of("when", "request", "reset", reset)));
    }

    /**
     * The server's response head to a matching request reaches the client, then the connection is closed (or reset):
     * the client sees a response whose body is cut short.
     */
    public static Fault abortAfterHeaders(@Nullable String method, @Nullable String path, boolean reset) {
        return make(
                "http_abort_after_headers", method, path, Map.of("abort", Map.of("when", "headers", "reset", reset)));
    }

    /** The server's response head to a matching request is held for {@code delay}; the body follows it. */
    public static Fault delayHeaders(@Nullable String method, @Nullable String path, Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        return make("http_delay_headers", method, path, Map.of("delayHeaders", delay.toMillis() + "ms"));
    }

    /**
     * The first {@code bytes} bytes of the server's response body to a matching request (as sent: chunk framing
     * counts) reach the client, then the connection is closed. A body no longer than that passes whole.
     */
    public static Fault truncateBody(@Nullable String method, @Nullable String path, long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
        }
        return make("http_truncate_body", method, path, Map.of("truncateBody", Map.of("bytes", bytes)));
    }

    /**
     * The server runs matching requests, and its response reaches the client with {@code status} in place of its own
     * (headers and body unchanged).
     */
    public static Fault replaceStatus(@Nullable String method, @Nullable String path, int status) {
        return make("http_replace_" + status, method, path, Map.of("replace", Map.of("status", status)));
    }

    /**
     * The server runs matching requests, and its response reaches the client with {@code status}, the fields of
     * {@code headers} (in place of the server's fields of those names) and {@code body} in place of its own; the
     * server's body is read and dropped.
     */
    public static Fault replace(
            @Nullable String method, @Nullable String path, int status, Map<String, String> headers, String body) {
        Objects.requireNonNull(body, "body");
        return make(
                "http_replace_" + status,
                method,
                path,
                Map.of("replace", Map.of("status", status, "headers", Map.copyOf(headers), "body", body)));
    }

    private static Fault make(String name, @Nullable String method, @Nullable String path, Map<String, Object> action) {
        var match = new LinkedHashMap<String, Object>();
        if (method != null && !method.equals("*")) {
            match.put("method", method);
        }
        if (path != null) {
            match.put("path", path);
        }
        var spec = new LinkedHashMap<String, Object>(action);
        spec.put("match", match);
        HttpFaultSpec.parse(spec);
        return Faults.protocol("http", spec).named(name);
    }
}
