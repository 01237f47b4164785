package dev.chaostesting.protocols.http2.internal;

/** Traffic that is not valid HTTP/2 (or beyond a limit); the message is the one-line reason for fail-open. */
final class Http2ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    Http2ProtocolException(String message) {
        super(message, null, false, false);
    }
}
