package dev.chaostesting.protocols.redis.internal;

/** RESP that cannot be decoded; the message is one line naming the field, the value and what was expected. */
public final class MalformedRespException extends Exception {

    public MalformedRespException(String message) {
        super(message, null, false, false);
    }
}
