package dev.chaostesting.protocols.http;

/**
 * How a message body is delimited (RFC 9112 section 6.3).
 *
 * @param length the body length for {@link Kind#FIXED}, else 0
 */
record Framing(Kind kind, long length) {

    enum Kind {
        NONE,
        FIXED,
        CHUNKED,
        UNTIL_CLOSE
    }

    static final Framing NONE = new Framing(Kind.NONE, 0);
    static final Framing CHUNKED = new Framing(Kind.CHUNKED, 0);
    static final Framing UNTIL_CLOSE = new Framing(Kind.UNTIL_CLOSE, 0);

    static Framing fixed(long length) {
        return length == 0 ? NONE : new Framing(Kind.FIXED, length);
    }

    /** Chunked wins over Content-Length; a request with neither has no body. */
    static Framing ofRequest(Head request) throws MalformedHttpException {
        if (request.transferEncoding() != null) {
            if (request.chunked()) {
                return CHUNKED;
            }
            // A server cannot tell where such a request ends (RFC 9112 section 6.3, item 4); neither can we.
            throw new MalformedHttpException("transfer-encoding: " + Text.quote(request.transferEncoding())
                    + " (expected: chunked as the last coding)");
        }
        return request.contentLength() > 0 ? fixed(request.contentLength()) : NONE;
    }

    /** A response's framing also depends on its request: the answer to HEAD has no body whatever its fields say. */
    static Framing ofResponse(Head request, Head response) {
        int status = response.status();
        if (request.method().equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return NONE;
        }
        if (response.transferEncoding() != null) {
            return response.chunked() ? CHUNKED : UNTIL_CLOSE;
        }
        return response.contentLength() >= 0 ? fixed(response.contentLength()) : UNTIL_CLOSE;
    }
}
