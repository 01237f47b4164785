package dev.chaostesting.protocols.postgres.internal;

/** The traffic is not (or no longer) the PostgreSQL protocol; the message names the field, the value and the bound. */
final class MalformedMessageException extends Exception {

    MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
