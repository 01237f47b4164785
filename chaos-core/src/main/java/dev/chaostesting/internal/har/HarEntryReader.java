package dev.chaostesting.internal.har;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns one HAR entry into an interaction. An entry this tool wrote (it has {@code _chaos}) is read exactly; any other
 * is read tolerantly, smoothing over what browsers and proxies do differently (see docs/har.md).
 */
final class HarEntryReader {

    /** ISO-8601 with any fraction, a {@code Z}, {@code +01:00} or no offset (then UTC). */
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart()
            .appendOffsetId()
            .optionalEnd()
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .toFormatter(Locale.ROOT);

    private final JsonNode entry;
    private final long index;
    private final JsonNode chaos;
    private final boolean ours;

    private HarEntryReader(JsonNode entry, long index) {
        this.entry = entry;
        this.index = index;
        var custom = entry.get("_chaos");
        this.ours = custom != null && custom.isObject();
        this.chaos = ours ? custom : MissingNode.getInstance();
    }

    /**
     * Reads entry number {@code index} (from 0) of {@code log.entries}.
     *
     * @throws IllegalArgumentException when the entry lacks what an interaction needs, with a one-line reason
     */
    static Interaction read(JsonNode entry, long index) {
        return new HarEntryReader(entry, index).read();
    }

    private Interaction read() {
        var requestNode = entry.path("request");
        if (!requestNode.isObject()) {
            throw new IllegalArgumentException("no request");
        }
        var method = text(requestNode, "method");
        if (method == null || method.isBlank()) {
            throw new IllegalArgumentException("request has no method");
        }
        var urlText = text(requestNode, "url");
        if (urlText == null || urlText.isBlank()) {
            throw new IllegalArgumentException("request has no url");
        }
        // our own URLs are parsed as written: a target may end in spaces, and the writer checked it against this
        var url = HarHttp.parseUrl(ours ? urlText : urlText.trim());
        var request = request(requestNode, method, url);

        var responseNode = entry.path("response");
        int status = responseNode.path("status").asInt(0);
        var response = status >= 100 && status <= 999 ? response(responseNode, status, request.version()) : null;

        var b = Interaction.builder()
                .sequence(index + 1)
                .protocol(ours ? chaos.path("protocol").asText("http") : "http")
                .direction(direction())
                .connection(connection())
                .client(ours ? chaos.path("client").asText("") : "")
                .server(ours ? chaos.path("server").asText("") : server(url))
                .startedAt(startedAt())
                .request(request)
                .response(response)
                .error(ours ? text(chaos, "error") : failure(responseNode, status, response != null));
        timings(b, response != null);
        if (ours) {
            b.requestBytes(chaos.path("requestBytes").asLong(0))
                    .responseBytes(chaos.path("responseBytes").asLong(0));
            chaos.path("attributes")
                    .properties()
                    .forEach(e -> b.attribute(e.getKey(), e.getValue().asText()));
        } else {
            b.requestBytes(nonNegative(requestNode, "headersSize") + nonNegative(requestNode, "bodySize"));
            // Chrome's _transferSize is what came over the network; headersSize + bodySize is the spec's estimate
            long transferSize = responseNode.path("_transferSize").asLong(-1);
            long responseBytes = transferSize >= 0
                    ? transferSize
                    : nonNegative(responseNode, "headersSize") + nonNegative(responseNode, "bodySize");
            b.responseBytes(response == null ? 0 : responseBytes);
        }
        return b.build();
    }

    private HttpRequest request(JsonNode node, String method, HarHttp.Url url) {
        var headerList = node.path("headers");
        var headers = headers(headerList);
        var version = version(node, hasPseudoHeaders(headerList), "HTTP/1.1");
        var target = ours && chaos.has("target") ? chaos.path("target").asText() : url.target();
        var postData = node.path("postData");
        var flags = chaos.path("request");
        if (ours) {
            var text = postData.path("text").asText("");
            var bytes = flags.path("encoding").asText("").equals("base64") ? base64(text) : utf8(text);
            return HttpRequest.builder()
                    .method(method)
                    .target(target)
                    .version(version)
                    .headers(headers)
                    .body(body(bytes, flags))
                    .trailers(headers(flags.path("trailers")))
                    .build();
        }
        var extra = headers.newBuilder();
        var text = text(postData, "text");
        var params = params(postData.path("params"));
        Body body;
        if (text != null && (!text.isEmpty() || params.isEmpty())) {
            var encoding = postData.has("encoding") ? postData.path("encoding") : postData.path("_encoding");
            body = Body.of(encoding.asText("").equalsIgnoreCase("base64") ? base64(text) : utf8(text));
        } else if (!params.isEmpty()) {
            var mimeType = postData.path("mimeType").asText("");
            body = Body.of(HarHttp.formBody(mimeType, params));
            if (!headers.contains("Content-Type") && !mimeType.isEmpty()) {
                extra.add("Content-Type", mimeType);
            }
        } else {
            // the tool saw a body but did not keep it: an empty, truncated body still tells its size
            long size = node.path("bodySize").asLong(0);
            body = size > 0 ? new Body(new byte[0], size, true, null) : Body.empty();
        }
        var cookies = new ArrayList<String>();
        node.path("cookies")
                .forEach(c -> cookies.add(
                        c.path("name").asText("") + "=" + c.path("value").asText("")));
        if (!headers.contains("Cookie") && !cookies.isEmpty()) {
            extra.add("Cookie", String.join("; ", cookies));
        }
        return HttpRequest.builder()
                .method(method)
                .target(target)
                .version(version)
                .headers(extra.build())
                .body(body)
                .build();
    }

    private HttpResponse response(JsonNode node, int status, String requestVersion) {
        var headerList = node.path("headers");
        var headers = headers(headerList);
        var content = node.path("content");
        var text = text(content, "text");
        var bytes = text == null
                ? new byte[0]
                : content.path("encoding").asText("").equalsIgnoreCase("base64") ? base64(text) : utf8(text);
        var r = HttpResponse.builder()
                .status(status)
                .reason(node.path("statusText").asText(""))
                .version(version(node, hasPseudoHeaders(headerList), requestVersion))
                .headers(headers);
        if (ours) {
            var flags = chaos.path("response");
            var interim = new ArrayList<Integer>();
            flags.path("interim").forEach(n -> interim.add(n.asInt()));
            return r.body(body(bytes, flags))
                    .trailers(headers(flags.path("trailers")))
                    .interim(interim)
                    .build();
        }
        // HAR content is always decoded; the header says how it travelled
        var wireEncoding = headers.first("Content-Encoding")
                .map(String::trim)
                .filter(e -> !e.isEmpty() && !e.equalsIgnoreCase("identity"))
                .orElse(null);
        long size = content.path("size").asLong(0);
        Body body;
        if (text != null) {
            body = Body.of(bytes);
        } else {
            // no text: the tool did not keep the content (cached, or saved without content); keep what it measured
            body = size > 0 ? new Body(new byte[0], size, true, null) : Body.empty();
        }
        return r.body(body.size() > 0 ? body.withContentEncoding(wireEncoding) : body)
                .build();
    }

    private Headers headers(JsonNode list) {
        var entries = new ArrayList<Map.Entry<String, String>>();
        String authority = null;
        for (var h : list) {
            var name = h.path("name").asText("");
            var value = h.path("value").asText("");
            if (ours) {
                entries.add(Map.entry(name, value));
            } else if (name.startsWith(":")) {
                // HTTP/2 pseudo-headers are not header fields; :authority is what Host is in HTTP/1
                if (name.equals(":authority")) {
                    authority = value;
                }
            } else if (!name.isEmpty()) {
                // Chrome joins repeated fields (Set-Cookie) with newlines, which no header value may contain
                for (var line : value.split("\n")) {
                    entries.add(Map.entry(name, line));
                }
            }
        }
        var b = Headers.builder();
        if (authority != null && entries.stream().noneMatch(e -> e.getKey().equalsIgnoreCase("Host"))) {
            b.add("Host", authority);
        }
        entries.forEach(e -> b.add(e.getKey(), e.getValue()));
        return b.build();
    }

    private static boolean hasPseudoHeaders(JsonNode list) {
        for (var h : list) {
            if (h.path("name").asText("").startsWith(":")) {
                return true;
            }
        }
        return false;
    }

    private String version(JsonNode message, boolean http2, String fallback) {
        var raw = message.path("httpVersion").asText("");
        if (ours) {
            return raw;
        }
        return raw.isBlank() && !http2 ? fallback : HarHttp.normaliseVersion(raw, http2);
    }

    private static Body body(byte[] bytes, JsonNode flags) {
        boolean truncated = flags.path("truncated").asBoolean(false);
        long size = truncated ? Math.max(bytes.length, flags.path("size").asLong(bytes.length)) : bytes.length;
        return new Body(bytes, size, truncated, text(flags, "contentEncoding"));
    }

    private static List<HarHttp.Param> params(JsonNode list) {
        var params = new ArrayList<HarHttp.Param>();
        for (var p : list) {
            params.add(new HarHttp.Param(
                    p.path("name").asText(""),
                    p.path("value").asText(""),
                    text(p, "fileName"),
                    text(p, "contentType")));
        }
        return params;
    }

    private void timings(Interaction.Builder b, boolean responded) {
        var t = entry.path("timings");
        long time = micros(entry.get("time"));
        long blocked = micros(t.get("blocked"));
        long dns = micros(t.get("dns"));
        long connect = micros(t.get("connect")); // includes ssl, so ssl is not added again
        long send = micros(t.get("send"));
        long wait = micros(t.get("wait"));
        long receive = micros(t.get("receive"));
        long before = Math.max(0, blocked) + Math.max(0, dns) + Math.max(0, connect) + Math.max(0, send);
        long duration = time >= 0 ? time : before + Math.max(0, wait) + Math.max(0, receive);
        long ttfb;
        if (ours && chaos.has("timeToFirstByteMicros")) {
            ttfb = chaos.path("timeToFirstByteMicros").asLong(-1);
        } else if (!ours && !responded) {
            ttfb = -1;
        } else if (wait >= 0) {
            ttfb = before + wait;
        } else if (time >= 0 && receive >= 0) {
            ttfb = Math.max(0, time - receive);
        } else {
            ttfb = -1;
        }
        b.durationMicros(duration).timeToFirstByteMicros(ttfb);
    }

    /** Milliseconds as whole microseconds, read as decimals so that our own exports come back exactly; -1 if unknown. */
    private static long micros(@Nullable JsonNode millis) {
        if (millis == null || !millis.isNumber() || millis.doubleValue() < 0) {
            return -1;
        }
        return millis.decimalValue()
                .movePointRight(3)
                .setScale(0, RoundingMode.HALF_UP)
                .longValue();
    }

    private Instant startedAt() {
        var text = text(entry, "startedDateTime");
        if (text == null || text.isBlank()) {
            return Instant.EPOCH;
        }
        // "+0100" (no colon) is common outside browsers; the ISO parser wants "+01:00"
        var fixed = text.trim().replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2");
        try {
            return OffsetDateTime.parse(fixed, DATE_TIME).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("startedDateTime '" + text + "' is not an ISO-8601 date and time", e);
        }
    }

    private Direction direction() {
        var name = chaos.path("direction").asText("inbound");
        try {
            return Direction.fromWireName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("_chaos.direction '" + name + "' is neither inbound nor outbound", e);
        }
    }

    private String connection() {
        var id = text(entry, "connection");
        if (ours) {
            return id == null ? "" : id;
        }
        return id == null || id.isBlank() ? "har-" + index : id;
    }

    /** {@code serverIPAddress} (or the URL's host) and the port the URL names; Playwright also writes the port. */
    private String server(HarHttp.Url url) {
        var ip = entry.path("serverIPAddress").asText("").trim();
        var host = ip.isEmpty() ? url.host() : HarHttp.bracketed(ip);
        if (host.isEmpty()) {
            return "";
        }
        int port = entry.path("_serverPort").asInt(-1);
        return host + ":" + (port > 0 ? port : url.port());
    }

    private static @Nullable String failure(JsonNode response, int status, boolean responded) {
        var reason = text(response, "_error");
        if (reason == null || reason.isBlank()) {
            reason = text(response, "_failureText");
        }
        if (responded) {
            return reason == null || reason.isBlank() ? null : reason;
        }
        return "no response (status " + status + ")" + (reason == null || reason.isBlank() ? "" : ": " + reason);
    }

    private static long nonNegative(JsonNode node, String field) {
        return Math.max(0, node.path(field).asLong(0));
    }

    private static byte[] base64(String text) {
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("text marked base64 is not base64: " + e.getMessage(), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static @Nullable String text(JsonNode node, String field) {
        var value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }
}
