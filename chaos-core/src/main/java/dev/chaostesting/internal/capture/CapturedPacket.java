package dev.chaostesting.internal.capture;

/**
 * One packet as a capture file holds it. A reader hands out the same instance, refilled, for every packet, and the bytes
 * live in the reader's buffer: memory stays flat however large the file. Valid until the next call to
 * {@link PacketSource#next()}.
 */
public final class CapturedPacket {

    int linkType;
    long micros;
    byte[] array = new byte[0];
    int offset;
    int length;
    long originalLength;
    long fileOffset;

    /** The LINKTYPE_ value of the interface the packet was captured on (1 Ethernet, 113 Linux cooked...). */
    public int linkType() {
        return linkType;
    }

    /** When the packet was captured, in microseconds since the epoch. */
    public long micros() {
        return micros;
    }

    /** The array holding the captured bytes, from {@link #offset()} for {@link #length()} bytes. */
    public byte[] array() {
        return array;
    }

    public int offset() {
        return offset;
    }

    /** How many bytes were captured. */
    public int length() {
        return length;
    }

    /** How long the packet was on the wire; more than {@link #length()} when the capture cut it short. */
    public long originalLength() {
        return originalLength;
    }

    /** Whether the capture kept only part of the packet (a snap length, or a file cut short). */
    public boolean truncated() {
        return length < originalLength;
    }

    /** Where the packet's record starts in the file, for messages. */
    public long fileOffset() {
        return fileOffset;
    }

    void set(int linkType, long micros, byte[] array, int offset, int length, long originalLength, long fileOffset) {
        this.linkType = linkType;
        this.micros = micros;
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.originalLength = Math.max(originalLength, length);
        this.fileOffset = fileOffset;
    }
}
