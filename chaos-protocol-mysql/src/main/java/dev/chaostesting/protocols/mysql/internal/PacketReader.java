package dev.chaostesting.protocols.mysql.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Cuts one direction's bytes into packets: a 3-byte little-endian payload length, a sequence id, the payload. A
 * payload of exactly 16 MiB - 1 bytes continues in the next packet, and the joined payload is one message. At most
 * {@code keepLimit} payload bytes of a message are kept; the rest is only counted, so memory stays bounded whatever the
 * packet sizes.
 */
final class PacketReader {

    static final int MAX_PACKET = 0xffffff;

    private final int keepLimit;
    private final byte[] header = new byte[4];
    private int headerFill;
    private int packetRemaining = -1;
    private boolean continues;

    private byte[] kept = new byte[64];
    private int keptLength;
    private long size;
    private long wireBytes;
    private int firstSeq = -1;
    private int lastSeq;
    private long firstAt;

    PacketReader(int keepLimit) {
        this.keepLimit = keepLimit;
    }

    /**
     * Consumes bytes up to the end of the next complete message and returns it, or consumes everything and returns
     * null when no message completes in {@code data}.
     */
    Packet read(ByteBuffer data, long at) {
        return read(data, at, at);
    }

    /** As {@link #read(ByteBuffer, long)}, with {@code startAt} the time of a message's first byte when it starts here. */
    Packet read(ByteBuffer data, long startAt, long at) {
        while (data.hasRemaining()) {
            if (packetRemaining < 0) {
                if (wireBytes == 0 && headerFill == 0) {
                    firstAt = startAt;
                }
                header[headerFill++] = data.get();
                wireBytes++;
                if (headerFill < 4) {
                    continue;
                }
                headerFill = 0;
                packetRemaining = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                lastSeq = header[3] & 0xff;
                if (firstSeq < 0) {
                    firstSeq = lastSeq;
                }
                continues = packetRemaining == MAX_PACKET;
            }
            int n = Math.min(packetRemaining, data.remaining());
            if (n > 0) {
                int take = (int) Math.min(n, Math.max(0, keepLimit - keptLength));
                if (take > 0) {
                    if (keptLength + take > kept.length) {
                        kept = Arrays.copyOf(kept, Math.min(keepLimit, Math.max(keptLength + take, kept.length * 2)));
                    }
                    data.get(kept, keptLength, take);
                }
                data.position(data.position() + n - take);
                keptLength += take;
                size += n;
                wireBytes += n;
                packetRemaining -= n;
            }
            if (packetRemaining == 0) {
                packetRemaining = -1;
                if (!continues) {
                    var packet = new Packet(
                            firstSeq, lastSeq, Arrays.copyOf(kept, keptLength), size, wireBytes, firstAt, at);
                    reset();
                    return packet;
                }
            }
        }
        return null;
    }

    /** Whether part of a message has been read. */
    boolean inMessage() {
        return wireBytes > 0;
    }

    /** When the first byte of the message being read was seen. */
    long partialFirstAt() {
        return firstAt;
    }

    /** Bytes of the message being read, on the wire so far. */
    long partialWireBytes() {
        return wireBytes;
    }

    /**
     * The bytes of the message being read, as they were on the wire, for a raw recorder to take over; as many as can be
     * rebuilt (all of them unless the message outgrew the keep limit). Forgets the message.
     */
    ByteBuffer takePartial() {
        if (wireBytes == 0) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer out;
        boolean firstPacket = wireBytes == headerFill || (packetRemaining >= 0 && wireBytes == 4 + size);
        if (size > keptLength || !firstPacket) {
            // Not rebuildable (beyond the keep limit, or past a continuation); the caller counts it elsewhere.
            out = ByteBuffer.allocate(0);
        } else if (packetRemaining < 0) {
            out = ByteBuffer.wrap(Arrays.copyOf(header, headerFill));
        } else {
            out = ByteBuffer.allocate(4 + keptLength)
                    .put(header, 0, 4)
                    .put(kept, 0, keptLength)
                    .flip();
        }
        reset();
        headerFill = 0;
        packetRemaining = -1;
        return out;
    }

    private void reset() {
        if (kept.length > 4096) {
            kept = new byte[64];
        }
        keptLength = 0;
        size = 0;
        wireBytes = 0;
        firstSeq = -1;
        continues = false;
    }

    /** Packets on the wire for a payload, split at 16 MiB - 1 bytes, the first with sequence id {@code seq}. */
    static ByteBuffer frame(byte[] payload, int offset, int length, int seq) {
        int packets = length / MAX_PACKET + 1;
        var out = ByteBuffer.allocate(length + 4 * packets);
        int at = offset;
        int left = length;
        for (int p = 0; p < packets; p++) {
            int n = Math.min(left, MAX_PACKET);
            out.put((byte) n).put((byte) (n >> 8)).put((byte) (n >> 16)).put((byte) ((seq + p) & 0xff));
            out.put(payload, at, n);
            at += n;
            left -= n;
        }
        out.flip();
        return out;
    }
}
