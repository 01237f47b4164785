package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.spi.DecoderContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Turns a finished stream into its interaction: {@code http2} with HTTP messages, or {@code grpc} with fields. */
final class Interactions {

    static final String VERSION = "HTTP/2";

    private Interactions() {}

    static Interaction.Builder build(DecoderContext context, H2Stream stream, long endedAt) {
        var request = stream.request;
        var response = stream.response;
        long start = stream.startedAt() >= 0 ? stream.startedAt() : endedAt;
        var b = context.newInteraction(stream.grpc ? "grpc" : "http2", start);
        b.requestBytes(request.wireBytes).responseBytes(response.wireBytes);
        b.timeToFirstByteMicros(response.firstAt >= 0 ? Math.max(0, response.firstAt - start) : -1);
        long last = Math.max(request.lastAt, response.lastAt);
        b.durationMicros(Math.max(0, (stream.complete() ? last : Math.max(last, endedAt)) - start));
        b.attribute("streamId", Integer.toString(stream.id));
        if (stream.promisedBy != 0) {
            b.attribute("pushPromisedBy", Integer.toString(stream.promisedBy));
        }
        String error = stream.error;
        if (stream.grpc) {
            var requestProblem = request.grpc != null ? request.grpc.incomplete() : null;
            var responseProblem = response.grpc != null ? response.grpc.incomplete() : null;
            b.request(request.headers == null ? null : grpcRequest(stream));
            b.response(response.headers == null ? null : grpcResponse(stream));
            if (error == null) {
                if (requestProblem != null) {
                    error = "request " + requestProblem;
                } else if (responseProblem != null) {
                    error = "response " + responseProblem;
                }
            }
        } else {
            if (request.headers != null) {
                var body = request.body(context.maxBodyBytes(), !request.ended);
                b.request(HttpRequest.builder()
                        .method(request.pseudo.getOrDefault(":method", ""))
                        .target(target(request))
                        .version(VERSION)
                        .headers(request.headers)
                        .body(body.body())
                        .trailers(request.trailers)
                        .build());
                if (body.decodeError() != null) {
                    b.attribute("bodyDecodeError", "request body: " + body.decodeError());
                }
            }
            if (response.headers != null) {
                var body = response.body(context.maxBodyBytes(), !response.ended);
                b.response(HttpResponse.builder()
                        .status(Integer.parseInt(response.pseudo.get(":status")))
                        .version(VERSION)
                        .headers(response.headers)
                        .body(body.body())
                        .trailers(response.trailers)
                        .interim(response.interim)
                        .build());
                if (body.decodeError() != null) {
                    b.attribute("bodyDecodeError", "response body: " + body.decodeError());
                }
            }
        }
        var authority = request.pseudo.get(":authority");
        if (authority != null && !stream.grpc) {
            b.attribute("authority", authority);
        }
        var scheme = request.pseudo.get(":scheme");
        if (scheme != null && !stream.grpc) {
            b.attribute("scheme", scheme);
        }
        if (error != null) {
            b.error(error);
        }
        return b;
    }

    private static String target(Half request) {
        var path = request.pseudo.get(":path");
        if (path != null) {
            return path;
        }
        return Objects.requireNonNullElse(request.pseudo.get(":authority"), "");
    }

    private static StructuredMessage grpcRequest(H2Stream stream) {
        var half = stream.request;
        var fields = new LinkedHashMap<String, @Nullable Object>();
        fields.put("service", stream.service);
        fields.put("method", stream.method);
        fields.put("path", half.pseudo.get(":path"));
        fields.put("authority", half.pseudo.get(":authority"));
        fields.put("headers", metadata(Objects.requireNonNull(half.headers)));
        messages(half, fields);
        if (!half.trailers.isEmpty()) {
            fields.put("trailers", metadata(half.trailers));
        }
        return new StructuredMessage(fields);
    }

    private static StructuredMessage grpcResponse(H2Stream stream) {
        var half = stream.response;
        var headers = Objects.requireNonNull(half.headers);
        // A trailers-only response carries the status in its only header block.
        var statusSource = half.trailers.contains("grpc-status") ? half.trailers : headers;
        var fields = new LinkedHashMap<String, @Nullable Object>();
        fields.put(
                "status",
                statusSource.first("grpc-status").map(Interactions::parseStatus).orElse(null));
        fields.put(
                "statusMessage",
                statusSource
                        .first("grpc-message")
                        .map(HeaderText::percentDecode)
                        .orElse(null));
        fields.put("httpStatus", Integer.parseInt(half.pseudo.get(":status")));
        fields.put("headers", metadata(headers));
        messages(half, fields);
        fields.put("trailers", metadata(half.trailers));
        return new StructuredMessage(fields);
    }

    private static @Nullable Object parseStatus(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return s;
        }
    }

    private static void messages(Half half, Map<String, @Nullable Object> fields) {
        var grpc = half.grpc;
        fields.put("messages", grpc == null ? List.of() : List.copyOf(grpc.messages()));
        if (grpc != null && grpc.notRecorded() > 0) {
            fields.put("messagesNotRecorded", grpc.notRecorded());
        }
    }

    private static List<Map<String, @Nullable Object>> metadata(Headers headers) {
        var list = new ArrayList<Map<String, @Nullable Object>>();
        for (var e : headers.entries()) {
            var m = new LinkedHashMap<String, @Nullable Object>();
            m.put("name", e.getKey());
            m.put("value", HeaderText.redact(e.getKey(), e.getValue()));
            list.add(m);
        }
        return list;
    }
}
