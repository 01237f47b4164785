package dev.chaostesting.protocols.mysql.internal;

import java.nio.ByteBuffer;

/**
 * One logical message: a packet, or a packet of 16 MiB - 1 bytes and its continuation packets joined.
 *
 * @param sequenceId the sequence id of the first packet
 * @param lastSequenceId the sequence id of the last packet (differs with continuation packets)
 * @param payload the recorded payload bytes: all of them unless {@code truncated}
 * @param size the full payload size
 * @param wireBytes bytes on the wire, packet headers included
 * @param firstAt when the first byte was seen (microseconds since the epoch)
 * @param lastAt when the last byte was seen
 */
record Packet(
        int sequenceId, int lastSequenceId, byte[] payload, long size, long wireBytes, long firstAt, long lastAt) {

    /** The same message charged with other wire bytes (on a compressed connection, see {@link CompressedReader}). */
    Packet charged(long wire) {
        return new Packet(sequenceId, lastSequenceId, payload, size, wire, firstAt, lastAt);
    }

    boolean truncated() {
        return size > payload.length;
    }

    /** First payload byte, or -1 for an empty payload. */
    int header() {
        return payload.length == 0 ? -1 : payload[0] & 0xff;
    }

    Payload reader(String what) {
        return new Payload(payload, truncated(), what);
    }

    /** The packet as it was on the wire, rebuilt from the payload; null when the payload was not recorded whole. */
    ByteBuffer wire() {
        if (truncated()) {
            return null;
        }
        return PacketReader.frame(payload, 0, payload.length, sequenceId);
    }
}
