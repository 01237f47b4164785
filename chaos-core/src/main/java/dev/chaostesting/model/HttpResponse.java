package dev.chaostesting.model;

import java.util.List;
import java.util.Objects;

/**
 * An HTTP response as recorded.
 *
 * @param status the final status code
 * @param reason the reason phrase as sent (may be empty)
 * @param version the protocol version, e.g. {@code HTTP/1.1}
 * @param headers header fields in wire order (secrets redacted in recordings)
 * @param body the body, decoded if it travelled compressed; empty for HEAD, 204 and 304
 * @param trailers trailer fields of a chunked body, else empty
 * @param interim the status codes of interim (1xx) responses sent before this one, e.g. {@code [100]}
 */
public record HttpResponse(
        int status, String reason, String version, Headers headers, Body body, Headers trailers, List<Integer> interim)
        implements Message {

    public HttpResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
        }
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(trailers, "trailers");
        interim = List.copyOf(interim);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder newBuilder() {
        return new Builder()
                .status(status)
                .reason(reason)
                .version(version)
                .headers(headers)
                .body(body)
                .trailers(trailers)
                .interim(interim);
    }

    /** Builds an {@link HttpResponse}; defaults: 200, HTTP/1.1, no headers, empty body. */
    public static final class Builder {
        private int status = 200;
        private String reason = "";
        private String version = "HTTP/1.1";
        private Headers headers = Headers.empty();
        private Body body = Body.empty();
        private Headers trailers = Headers.empty();
        private List<Integer> interim = List.of();

        private Builder() {}

        public Builder status(int status) {
            this.status = status;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder headers(Headers headers) {
            this.headers = headers;
            return this;
        }

        public Builder body(Body body) {
            this.body = body;
            return this;
        }

        public Builder trailers(Headers trailers) {
            this.trailers = trailers;
            return this;
        }

        public Builder interim(List<Integer> interim) {
            this.interim = interim;
            return this;
        }

        public HttpResponse build() {
            return new HttpResponse(status, reason, version, headers, body, trailers, interim);
        }
    }
}
