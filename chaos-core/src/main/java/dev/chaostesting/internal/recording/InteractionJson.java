package dev.chaostesting.internal.recording;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.Message;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The JSON form of an interaction: one object, as documented in docs/recording-format.md. */
public final class InteractionJson {

    private InteractionJson() {}

    public static void write(Interaction i, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeNumberField("sequence", i.sequence());
        g.writeStringField("protocol", i.protocol());
        g.writeStringField("direction", i.direction().wireName());
        g.writeStringField("connection", i.connection());
        g.writeStringField("client", i.client());
        g.writeStringField("server", i.server());
        g.writeStringField("startedAt", i.startedAt().toString());
        g.writeNumberField("timeToFirstByteMicros", i.timeToFirstByteMicros());
        g.writeNumberField("durationMicros", i.durationMicros());
        g.writeNumberField("requestBytes", i.requestBytes());
        g.writeNumberField("responseBytes", i.responseBytes());
        writeMessage("request", i.request(), g);
        writeMessage("response", i.response(), g);
        writeOutcome(i, g);
        g.writeEndObject();
    }

    /** The {@code error} and {@code attributes} fields, when present: shared with the HAR export's extension. */
    public static void writeOutcome(Interaction i, JsonGenerator g) throws IOException {
        if (i.error() != null) {
            g.writeStringField("error", i.error());
        }
        if (!i.attributes().isEmpty()) {
            g.writeObjectFieldStart("attributes");
            for (var e : i.attributes().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
    }

    private static void writeMessage(String field, @Nullable Message message, JsonGenerator g) throws IOException {
        if (message == null) {
            g.writeNullField(field);
            return;
        }
        g.writeObjectFieldStart(field);
        if (message instanceof HttpRequest r) {
            g.writeStringField("method", r.method());
            g.writeStringField("path", r.target());
            g.writeStringField("version", r.version());
            writeHeaders("headers", r.headers(), g);
            writeBody("body", r.body(), g);
            if (!r.trailers().isEmpty()) {
                writeHeaders("trailers", r.trailers(), g);
            }
        } else if (message instanceof HttpResponse r) {
            g.writeNumberField("status", r.status());
            g.writeStringField("reason", r.reason());
            g.writeStringField("version", r.version());
            writeHeaders("headers", r.headers(), g);
            writeBody("body", r.body(), g);
            if (!r.trailers().isEmpty()) {
                writeHeaders("trailers", r.trailers(), g);
            }
            if (!r.interim().isEmpty()) {
                g.writeArrayFieldStart("interim");
                for (int status : r.interim()) {
                    g.writeNumber(status);
                }
                g.writeEndArray();
            }
        } else if (message instanceof TcpData d) {
            writeBody("data", d.data(), g);
        } else if (message instanceof StructuredMessage s) {
            for (var e : s.fields().entrySet()) {
                g.writeFieldName(e.getKey());
                writeValue(e.getValue(), g);
            }
        }
        g.writeEndObject();
    }

    private static void writeHeaders(String field, Headers headers, JsonGenerator g) throws IOException {
        g.writeArrayFieldStart(field);
        for (var e : headers.entries()) {
            g.writeStartObject();
            g.writeStringField("name", e.getKey());
            g.writeStringField("value", e.getValue());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeBody(String field, Body body, JsonGenerator g) throws IOException {
        g.writeFieldName(field);
        writeBody(body, g);
    }

    private static void writeBody(Body body, JsonGenerator g) throws IOException {
        g.writeStartObject();
        var text = body.textIfValid();
        if (text != null) {
            g.writeStringField("text", text);
        } else {
            g.writeFieldName("base64");
            g.writeBinary(body.bytes());
        }
        g.writeNumberField("size", body.size());
        if (body.truncated()) {
            g.writeBooleanField("truncated", true);
        }
        if (body.contentEncoding() != null) {
            g.writeStringField("contentEncoding", body.contentEncoding());
        }
        g.writeEndObject();
    }

    private static void writeValue(@Nullable Object value, JsonGenerator g) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            g.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof BigInteger n) {
            g.writeNumber(n);
        } else if (value instanceof BigDecimal n) {
            g.writeNumber(n);
        } else if (value instanceof Number n) {
            g.writeNumber(n.toString());
        } else if (value instanceof Body b) {
            writeBody(b, g);
        } else if (value instanceof List<?> list) {
            g.writeStartArray();
            for (var item : list) {
                writeValue(item, g);
            }
            g.writeEndArray();
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (var e : map.entrySet()) {
                g.writeFieldName((String) e.getKey());
                writeValue(e.getValue(), g);
            }
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("value type: " + value.getClass().getName());
        }
    }

    /** Reads one interaction object. Unknown fields are ignored, so newer recordings still read. */
    public static Interaction read(JsonNode node) {
        var protocol = text(node, "protocol", "tcp");
        var b = Interaction.builder()
                .sequence(node.path("sequence").asLong())
                .protocol(protocol)
                .direction(Direction.fromWireName(text(node, "direction", "inbound")))
                .connection(text(node, "connection", ""))
                .client(text(node, "client", ""))
                .server(text(node, "server", ""))
                .startedAt(Instant.parse(text(node, "startedAt", Instant.EPOCH.toString())))
                .timeToFirstByteMicros(node.path("timeToFirstByteMicros").asLong(-1))
                .durationMicros(node.path("durationMicros").asLong())
                .requestBytes(node.path("requestBytes").asLong())
                .responseBytes(node.path("responseBytes").asLong())
                .request(readMessage(protocol, true, node.get("request")))
                .response(readMessage(protocol, false, node.get("response")));
        var error = node.get("error");
        if (error != null && !error.isNull()) {
            b.error(error.asText());
        }
        node.path("attributes")
                .properties()
                .forEach(e -> b.attribute(e.getKey(), e.getValue().asText()));
        return b.build();
    }

    private static @Nullable Message readMessage(String protocol, boolean request, @Nullable JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (protocol.equals("http") || protocol.equals("http2")) {
            if (request) {
                return HttpRequest.builder()
                        .method(text(node, "method", "GET"))
                        .target(text(node, "path", "/"))
                        .version(text(node, "version", "HTTP/1.1"))
                        .headers(readHeaders(node.get("headers")))
                        .body(readBody(node.get("body")))
                        .trailers(readHeaders(node.get("trailers")))
                        .build();
            }
            var interim = new ArrayList<Integer>();
            node.path("interim").forEach(n -> interim.add(n.asInt()));
            return HttpResponse.builder()
                    .status(node.path("status").asInt())
                    .reason(text(node, "reason", ""))
                    .version(text(node, "version", "HTTP/1.1"))
                    .headers(readHeaders(node.get("headers")))
                    .body(readBody(node.get("body")))
                    .trailers(readHeaders(node.get("trailers")))
                    .interim(interim)
                    .build();
        }
        if (protocol.equals("tcp")) {
            return new TcpData(readBody(node.get("data")));
        }
        var fields = new LinkedHashMap<String, @Nullable Object>();
        node.properties().forEach(e -> fields.put(e.getKey(), readValue(e.getValue())));
        return new StructuredMessage(fields);
    }

    private static Headers readHeaders(@Nullable JsonNode node) {
        if (node == null || !node.isArray()) {
            return Headers.empty();
        }
        var b = Headers.builder();
        for (var h : (ArrayNode) node) {
            b.add(h.path("name").asText(), h.path("value").asText());
        }
        return b.build();
    }

    /** Reads a body object: {@code {"text"|"base64": ..., "size": n, "truncated": bool, "contentEncoding": s}}. */
    public static Body readBody(@Nullable JsonNode node) {
        if (node == null || !node.isObject()) {
            return Body.empty();
        }
        byte[] bytes;
        if (node.has("base64")) {
            bytes = Base64.getMimeDecoder().decode(node.get("base64").asText());
        } else {
            bytes = node.path("text").asText("").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        boolean truncated = node.path("truncated").asBoolean(false);
        long size = truncated ? Math.max(bytes.length, node.path("size").asLong(bytes.length)) : bytes.length;
        var encoding = node.get("contentEncoding");
        return new Body(bytes, size, truncated, encoding == null || encoding.isNull() ? null : encoding.asText());
    }

    private static @Nullable Object readValue(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isArray()) {
            var list = new ArrayList<@Nullable Object>();
            node.forEach(n -> list.add(readValue(n)));
            return list;
        }
        if (isBody(node)) {
            return readBody(node);
        }
        var map = new LinkedHashMap<String, @Nullable Object>();
        ((ObjectNode) node).properties().forEach(e -> map.put(e.getKey(), readValue(e.getValue())));
        return map;
    }

    /**
     * Whether an object is a {@link Body} as {@code writeBody} writes it: {@code text} or {@code base64}, {@code size},
     * and nothing but {@code truncated} and {@code contentEncoding} besides, so that bodies nested anywhere in a
     * structured message read back as bodies.
     */
    private static boolean isBody(JsonNode node) {
        if (!node.isObject() || !node.path("size").isIntegralNumber()) {
            return false;
        }
        boolean text = node.path("text").isTextual();
        boolean base64 = node.path("base64").isTextual();
        if (text == base64) {
            return false;
        }
        for (var name : (Iterable<String>) node::fieldNames) {
            switch (name) {
                case "text", "base64", "size", "truncated", "contentEncoding" -> {}
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static String text(JsonNode node, String field, String fallback) {
        var value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }
}
