package dev.chaostesting.protocols.http;

/**
 * Input this codec cannot read as HTTP/1. The message names the field, the value and what was expected, e.g.
 * {@code "header section: over 65536 bytes (expected: <= 65536)"}; it becomes the fail-open reason.
 */
final class MalformedHttpException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedHttpException(String message) {
        // Arbitrary traffic makes this an expected outcome, not a bug: a stack trace would only cost time.
        super(message, null, false, false);
    }
}
