package dev.chaostesting.protocols.mysql.internal;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One direction of a connection as the decoder reads it: ordinary packets and, on a zlib connection once the
 * handshake is done, the compressed packets that carry them. Wire bytes read but not yet recorded are the compressed
 * reader's when there is one (the packet reader then sees inflated bytes).
 */
final class Inbound {

    final PacketReader packets;
    private @Nullable CompressedReader compressed;

    Inbound(int keepLimit) {
        this.packets = new PacketReader(keepLimit);
    }

    /** From now on, this direction is compressed packets. */
    void compress(int keepLimit) {
        compressed = new CompressedReader(keepLimit);
    }

    @Nullable
    CompressedReader compressed() {
        return compressed;
    }

    /** Whether part of a message (or, compressed, bytes not charged to any message) has been read. */
    boolean inMessage() {
        return packets.inMessage() || (compressed != null && compressed.inMessage());
    }

    /** When the oldest byte of what {@link #inMessage} is about was seen. */
    long partialFirstAt() {
        long first = packets.inMessage() ? packets.partialFirstAt() : Long.MAX_VALUE;
        return compressed != null && compressed.inMessage() ? Math.min(first, compressed.partialFirstAt()) : first;
    }

    /** Wire bytes read but not recorded in any interaction. */
    long partialWireBytes() {
        return compressed != null ? compressed.partialWireBytes() : packets.partialWireBytes();
    }

    /** As many of {@link #partialWireBytes} as can be rebuilt, as they were on the wire; forgets them. */
    ByteBuffer takePartial() {
        if (compressed == null) {
            return packets.takePartial();
        }
        packets.takePartial(); // inflated bytes: their wire bytes are the compressed reader's
        return compressed.takePartial();
    }
}
