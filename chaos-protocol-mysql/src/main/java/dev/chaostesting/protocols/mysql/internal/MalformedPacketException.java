package dev.chaostesting.protocols.mysql.internal;

/** A packet that does not follow the protocol; the message is the one-line fail-open reason. */
public final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
