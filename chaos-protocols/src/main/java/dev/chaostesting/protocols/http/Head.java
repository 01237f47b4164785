package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed message head: the start line, the header fields, and the fields that decide framing and decoding, read once
 * while parsing so that nothing scans the headers again.
 *
 * @param method the request method, or empty for a response
 * @param target the request target as sent, or empty for a response
 * @param status the response status, or 0 for a request
 * @param reason the reason phrase as sent, or empty
 * @param contentLength the Content-Length, or -1 when absent
 * @param transferEncoding the Transfer-Encoding values joined with ", ", or null when absent
 * @param chunked whether the last transfer coding is chunked
 * @param contentEncoding the Content-Encoding values joined with ", ", or null when absent
 * @param upgrade the first protocol of the Upgrade field, lower case, or null when absent
 */
record Head(
        String method,
        String target,
        int status,
        String reason,
        String version,
        Headers headers,
        long contentLength,
        @Nullable String transferEncoding,
        boolean chunked,
        @Nullable String contentEncoding,
        @Nullable String upgrade) {

    boolean isConnect() {
        return method.equals("CONNECT");
    }

    HttpRequest toRequest(Body body, Headers trailers) {
        return new HttpRequest(method, target, version, headers, body, trailers);
    }

    HttpResponse toResponse(Body body, Headers trailers, List<Integer> interim) {
        return new HttpResponse(status, reason, version, headers, body, trailers, interim);
    }
}
