package dev.chaostesting.model;

import java.util.Objects;

/**
 * An HTTP request as recorded.
 *
 * @param method the method, e.g. {@code GET}
 * @param target the request target as sent: usually the path with its query, e.g. {@code /users/7?full=true}
 * @param version the protocol version, e.g. {@code HTTP/1.1}
 * @param headers header fields in wire order (secrets redacted in recordings)
 * @param body the body, decoded if it travelled compressed
 * @param trailers trailer fields of a chunked body, else empty
 */
public record HttpRequest(String method, String target, String version, Headers headers, Body body, Headers trailers)
        implements Message {

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(trailers, "trailers");
    }

    /** The path part of the target, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The query part of the target without the {@code ?}, or an empty string. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder newBuilder() {
        return new Builder()
                .method(method)
                .target(target)
                .version(version)
                .headers(headers)
                .body(body)
                .trailers(trailers);
    }

    /** Builds an {@link HttpRequest}; defaults: {@code GET /}, HTTP/1.1, no headers, empty body. */
    public static final class Builder {
        private String method = "GET";
        private String target = "/";
        private String version = "HTTP/1.1";
        private Headers headers = Headers.empty();
        private Body body = Body.empty();
        private Headers trailers = Headers.empty();

        private Builder() {}

        public Builder method(String method) {
            this.method = method;
            return this;
        }

        public Builder target(String target) {
            this.target = target;
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

        public HttpRequest build() {
            return new HttpRequest(method, target, version, headers, body, trailers);
        }
    }
}
