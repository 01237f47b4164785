package dev.chaostesting.protocols.postgres.internal;

/**
 * One message as framed on the wire.
 *
 * @param type the type byte, or 0 for the untyped messages of the startup phase
 * @param name the message's name, e.g. {@code DataRow}
 * @param length the payload's length on the wire (excluding the type byte and the length field)
 * @param payload the first bytes of the payload that were kept; all of it when {@link #whole()}
 * @param wireBytes bytes of this message on the wire, framing included
 * @param firstAt when its first byte was seen
 * @param lastAt when its last byte was seen
 */
record Frame(byte type, String name, int length, byte[] payload, long wireBytes, long firstAt, long lastAt) {

    boolean whole() {
        return payload.length == length;
    }

    Payload read() {
        return new Payload(this);
    }

    String typeName() {
        return name;
    }
}
