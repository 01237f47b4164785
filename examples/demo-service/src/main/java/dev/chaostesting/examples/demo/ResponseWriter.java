package dev.chaostesting.examples.demo;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/** Encodes a {@link Response} onto the wire: common headers, gzip when asked for and worth it, and framing. */
final class ResponseWriter {
    /** Bodies above this are compressed when the client accepts gzip, and chunked where the endpoint allows it. */
    static final int LARGE_BODY = 1024;

    static final String JSON_UTF8 = "application/json; charset=utf-8";

    /**
     * Small on purpose: demo listings are a few KiB, and several chunks per response exercise chunk reassembly in
     * whatever records the traffic.
     */
    private static final int CHUNK = 1024;

    /**
     * IMF-fixdate (RFC 9110): a two-digit day, which {@link DateTimeFormatter#RFC_1123_DATE_TIME} does not guarantee.
     */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    private ResponseWriter() {}

    static void send(HttpExchange exchange, Response response, String requestId, Instant now) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Date", HTTP_DATE.format(now));
        headers.set("X-Request-Id", requestId);
        response.headers().forEach(headers::set);
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        var json = Json.MAPPER.writeValueAsBytes(response.body());
        headers.set("Content-Type", JSON_UTF8);
        var large = json.length > LARGE_BODY;
        var gzip = large && acceptsGzip(exchange.getRequestHeaders());
        if (large) {
            // The representation of a large body depends on Accept-Encoding; caches must know that.
            headers.set("Vary", "Accept-Encoding");
        }
        if (gzip) {
            headers.set("Content-Encoding", "gzip");
        }
        if (large && response.chunkWhenLarge()) {
            // Length 0 tells HttpServer to use chunked transfer encoding; each flush below ends a chunk.
            exchange.sendResponseHeaders(response.status(), 0);
            var body = exchange.getResponseBody();
            try (var out = gzip ? new GZIPOutputStream(body, CHUNK) : body) {
                for (var offset = 0; offset < json.length; offset += CHUNK) {
                    out.write(json, offset, Math.min(CHUNK, json.length - offset));
                    out.flush();
                }
            }
            return;
        }
        var payload = gzip ? gzip(json) : json;
        exchange.sendResponseHeaders(response.status(), payload.length);
        try (var out = exchange.getResponseBody()) {
            out.write(payload);
        }
    }

    /**
     * Whether {@code Accept-Encoding} allows gzip: an explicit {@code gzip} (or {@code x-gzip}) entry decides,
     * otherwise {@code *} does; a quality of zero means "not this one".
     */
    static boolean acceptsGzip(Headers requestHeaders) {
        var values = requestHeaders.get("Accept-Encoding");
        if (values == null) {
            return false;
        }
        Double gzipQuality = null;
        Double anyQuality = null;
        for (var value : values) {
            for (var entry : value.split(",")) {
                var params = entry.split(";");
                var coding = params[0].strip().toLowerCase(Locale.ROOT);
                if (coding.equals("gzip") || coding.equals("x-gzip")) {
                    gzipQuality = quality(params);
                } else if (coding.equals("*")) {
                    anyQuality = quality(params);
                }
            }
        }
        var decisive = gzipQuality != null ? gzipQuality : anyQuality;
        return decisive != null && decisive > 0;
    }

    private static double quality(String[] params) {
        for (var i = 1; i < params.length; i++) {
            var param = params[i].strip();
            if (param.regionMatches(true, 0, "q=", 0, 2)) {
                try {
                    return Double.parseDouble(param.substring(2).strip());
                } catch (NumberFormatException e) {
                    // A quality we cannot read is safest read as "not acceptable".
                    return 0;
                }
            }
        }
        return 1;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        var buffer = new ByteArrayOutputStream(data.length / 2 + 64);
        try (var out = new GZIPOutputStream(buffer)) {
            out.write(data);
        }
        return buffer.toByteArray();
    }
}
