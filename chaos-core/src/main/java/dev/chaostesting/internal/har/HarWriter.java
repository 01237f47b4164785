package dev.chaostesting.internal.har;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.chaostesting.internal.recording.InteractionJson;
import dev.chaostesting.internal.recording.Json;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes HTTP interactions as one HAR 1.2 log, one entry at a time, so memory stays constant. What HAR has no field for
 * goes under {@code _chaos} (see docs/har.md) so that {@link HarReader} gives back the same interactions.
 */
public final class HarWriter {

    private final JsonGenerator g;

    private HarWriter(JsonGenerator g) {
        this.g = g;
    }

    /** Writes the interactions whose request is HTTP; returns how many. Does not close {@code out}. */
    public static long write(Iterator<Interaction> interactions, OutputStream out, String creatorVersion)
            throws IOException {
        try (var g = Json.MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
            // the caller owns the stream; the shared mapper disables this too, but that must not be load-bearing here
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            var writer = new HarWriter(g);
            g.writeStartObject();
            g.writeObjectFieldStart("log");
            g.writeStringField("version", "1.2");
            g.writeObjectFieldStart("creator");
            g.writeStringField("name", "chaos-testing");
            g.writeStringField("version", creatorVersion);
            g.writeEndObject();
            g.writeArrayFieldStart("pages");
            g.writeEndArray();
            g.writeArrayFieldStart("entries");
            long written = 0;
            while (interactions.hasNext()) {
                var interaction = interactions.next();
                if (interaction.request() instanceof HttpRequest request) {
                    writer.entry(interaction, request);
                    written++;
                }
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            return written;
        }
    }

    private void entry(Interaction i, HttpRequest request) throws IOException {
        var response = i.response() instanceof HttpResponse r ? r : null;
        var url = url(i, request);
        long duration = Math.max(0, i.durationMicros());
        long ttfb = i.timeToFirstByteMicros();
        // timings.wait carries the time to first byte; when it cannot (unknown, or inconsistent) _chaos keeps it
        boolean ttfbInTimings = ttfb >= 0 && ttfb <= duration;

        g.writeStartObject();
        g.writeStringField("startedDateTime", isoInstant(i.startedAt()));
        g.writeFieldName("time");
        g.writeNumber(millis(duration));
        request(i, request, url);
        if (response != null) {
            response(i, response);
        } else {
            noResponse();
        }
        g.writeObjectFieldStart("cache");
        g.writeEndObject();
        g.writeObjectFieldStart("timings");
        for (var unknown : List.of("blocked", "dns", "connect", "ssl")) {
            g.writeNumberField(unknown, -1);
        }
        g.writeNumberField("send", 0);
        g.writeFieldName("wait");
        g.writeNumber(millis(ttfbInTimings ? ttfb : duration));
        g.writeFieldName("receive");
        g.writeNumber(millis(ttfbInTimings ? duration - ttfb : 0));
        g.writeEndObject();
        var serverHost = HarHttp.hostOf(i.server());
        if (!serverHost.isEmpty()) {
            g.writeStringField("serverIPAddress", serverHost);
        }
        g.writeStringField("connection", i.connection());
        chaos(i, request, response, url, ttfbInTimings);
        g.writeEndObject();
    }

    /** The absolute URL HAR wants: the proxy sees plain HTTP, and the Host header names the authority the client used. */
    static String url(Interaction i, HttpRequest request) {
        var target = request.target();
        if (target.startsWith("http://") || target.startsWith("https://")) {
            return target; // absolute-form, as sent to a forward proxy
        }
        var host = request.headers().first("Host").filter(h -> !h.isBlank()).orElse(i.server());
        if (host.isEmpty()) {
            host = "localhost";
        }
        // "*" (OPTIONS *) and authority-form (CONNECT) have no path; _chaos.target keeps them
        return "http://" + host + (target.startsWith("/") ? target : "/");
    }

    private void request(Interaction i, HttpRequest r, String url) throws IOException {
        g.writeObjectFieldStart("request");
        g.writeStringField("method", r.method());
        g.writeStringField("url", url);
        g.writeStringField("httpVersion", r.version());
        cookies(HarHttp.requestCookies(r.headers()));
        headers("headers", r.headers());
        g.writeArrayFieldStart("queryString");
        for (var p : HarHttp.queryParams(r.query())) {
            g.writeStartObject();
            g.writeStringField("name", p.name());
            g.writeStringField("value", p.value());
            g.writeEndObject();
        }
        g.writeEndArray();
        var body = r.body();
        if (body.size() > 0) {
            g.writeObjectFieldStart("postData");
            g.writeStringField("mimeType", r.headers().first("Content-Type").orElse(""));
            // HAR 1.2 postData has no encoding field: binary bodies go in base64, flagged in _chaos.request.encoding
            g.writeStringField("text", body.isText() ? body.text() : body.base64());
            g.writeEndObject();
        }
        long headersSize =
                HarHttp.headSize(r.version(), r.method() + " " + r.target() + " " + r.version(), r.headers());
        g.writeNumberField("headersSize", headersSize);
        g.writeNumberField("bodySize", bodySize(body, r.headers(), headersSize, i.requestBytes()));
        g.writeEndObject();
    }

    private void response(Interaction i, HttpResponse r) throws IOException {
        var body = r.body();
        long headersSize =
                HarHttp.headSize(r.version(), r.version() + " " + r.status() + " " + r.reason(), r.headers());
        long bodySize = bodySize(body, r.headers(), headersSize, i.responseBytes());
        g.writeObjectFieldStart("response");
        g.writeNumberField("status", r.status());
        g.writeStringField("statusText", r.reason());
        g.writeStringField("httpVersion", r.version());
        cookies(HarHttp.responseCookies(r.headers()));
        headers("headers", r.headers());
        g.writeObjectFieldStart("content");
        g.writeNumberField("size", body.size());
        if (body.contentEncoding() != null && bodySize >= 0 && !body.truncated()) {
            g.writeNumberField("compression", body.size() - bodySize);
        }
        g.writeStringField("mimeType", r.headers().first("Content-Type").orElse(""));
        if (body.isText()) {
            g.writeStringField("text", body.text());
        } else {
            g.writeStringField("text", body.base64());
            g.writeStringField("encoding", "base64");
        }
        g.writeEndObject();
        g.writeStringField("redirectURL", r.headers().first("Location").orElse(""));
        g.writeNumberField("headersSize", headersSize);
        g.writeNumberField("bodySize", bodySize);
        g.writeEndObject();
    }

    /** HAR has no way to say "no response": browsers write status 0 for a blocked or failed request, and so do we. */
    private void noResponse() throws IOException {
        g.writeObjectFieldStart("response");
        g.writeNumberField("status", 0);
        g.writeStringField("statusText", "");
        g.writeStringField("httpVersion", "");
        g.writeArrayFieldStart("cookies");
        g.writeEndArray();
        g.writeArrayFieldStart("headers");
        g.writeEndArray();
        g.writeObjectFieldStart("content");
        g.writeNumberField("size", 0);
        g.writeStringField("mimeType", "");
        g.writeEndObject();
        g.writeStringField("redirectURL", "");
        g.writeNumberField("headersSize", -1);
        g.writeNumberField("bodySize", -1);
        g.writeEndObject();
    }

    /**
     * The body's size on the wire. A body stored as it travelled has its own size; a decoded or chunked one is what
     * the message took on the wire minus its head, when both are known.
     */
    private static long bodySize(Body body, Headers headers, long headersSize, long wireBytes) {
        if (body.contentEncoding() == null && !headers.hasToken("Transfer-Encoding", "chunked")) {
            return body.size();
        }
        return headersSize >= 0 && wireBytes >= headersSize ? wireBytes - headersSize : -1;
    }

    private void chaos(
            Interaction i, HttpRequest request, @Nullable HttpResponse response, String url, boolean ttfbInTimings)
            throws IOException {
        g.writeObjectFieldStart("_chaos");
        g.writeNumberField("sequence", i.sequence());
        g.writeStringField("protocol", i.protocol());
        g.writeStringField("direction", i.direction().wireName());
        g.writeStringField("client", i.client());
        g.writeStringField("server", i.server());
        g.writeNumberField("requestBytes", i.requestBytes());
        g.writeNumberField("responseBytes", i.responseBytes());
        if (!ttfbInTimings) {
            g.writeNumberField("timeToFirstByteMicros", i.timeToFirstByteMicros());
        }
        if (!HarHttp.parseUrl(url).target().equals(request.target())) {
            g.writeStringField("target", request.target());
        }
        InteractionJson.writeOutcome(i, g);
        var body = request.body();
        boolean base64 = body.size() > 0 && !body.isText();
        if (base64
                || body.truncated()
                || body.contentEncoding() != null
                || !request.trailers().isEmpty()) {
            g.writeObjectFieldStart("request");
            if (base64) {
                g.writeStringField("encoding", "base64");
            }
            bodyFlags(body);
            if (!request.trailers().isEmpty()) {
                headers("trailers", request.trailers());
            }
            g.writeEndObject();
        }
        if (response != null
                && (response.body().truncated()
                        || response.body().contentEncoding() != null
                        || !response.trailers().isEmpty()
                        || !response.interim().isEmpty())) {
            g.writeObjectFieldStart("response");
            bodyFlags(response.body());
            if (!response.trailers().isEmpty()) {
                headers("trailers", response.trailers());
            }
            if (!response.interim().isEmpty()) {
                g.writeArrayFieldStart("interim");
                for (int status : response.interim()) {
                    g.writeNumber(status);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void bodyFlags(Body body) throws IOException {
        if (body.truncated()) {
            g.writeBooleanField("truncated", true);
            g.writeNumberField("size", body.size());
        }
        if (body.contentEncoding() != null) {
            g.writeStringField("contentEncoding", body.contentEncoding());
        }
    }

    private void headers(String field, Headers headers) throws IOException {
        g.writeArrayFieldStart(field);
        for (var e : headers.entries()) {
            g.writeStartObject();
            g.writeStringField("name", e.getKey());
            g.writeStringField("value", e.getValue());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void cookies(List<HarHttp.Cookie> cookies) throws IOException {
        g.writeArrayFieldStart("cookies");
        for (var c : cookies) {
            g.writeStartObject();
            g.writeStringField("name", c.name());
            g.writeStringField("value", c.value());
            if (c.path() != null) {
                g.writeStringField("path", c.path());
            }
            if (c.domain() != null) {
                g.writeStringField("domain", c.domain());
            }
            if (c.expires() != null) {
                g.writeStringField("expires", c.expires());
            }
            if (c.httpOnly()) {
                g.writeBooleanField("httpOnly", true);
            }
            if (c.secure()) {
                g.writeBooleanField("secure", true);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Milliseconds with the microseconds as exact decimals, e.g. {@code 12.345}, so reading back loses nothing. */
    static String millis(long micros) {
        return BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString();
    }

    /** ISO-8601 in UTC with at least milliseconds (some HAR viewers insist on a fraction) and up to nanoseconds. */
    static String isoInstant(Instant instant) {
        var s = instant.toString();
        return instant.getNano() == 0 ? s.substring(0, s.length() - 1) + ".000Z" : s;
    }
}
