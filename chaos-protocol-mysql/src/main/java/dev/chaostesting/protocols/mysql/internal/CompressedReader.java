package dev.chaostesting.protocols.mysql.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * One direction of a zlib-compressed connection (CLIENT_COMPRESS): cuts the bytes into compressed packets (a 3-byte
 * little-endian payload length, a sequence id, a 3-byte little-endian uncompressed length, the payload) and inflates
 * each one, once it has arrived whole, into the ordinary packet stream. An uncompressed length of 0 means the payload
 * is stored as it is.
 *
 * <p>Wire bytes are charged to messages: a message gets the wire bytes of the compressed packets read since the last
 * charge, up to and including the one in which it completes; further messages completed in the same compressed packet
 * get 0. Charging when a compressed packet is whole makes the counts independent of how the bytes were fragmented.
 *
 * <p>Memory: one compressed packet is held until it is whole (at most 16 MiB - 1 payload bytes, the protocol's bound);
 * inflation goes in chunks of at most {@link #CHUNK} bytes and never past the declared uncompressed length; the wire
 * bytes not yet charged are kept up to {@code keepLimit} (beyond, they are only counted).
 */
final class CompressedReader {

    static final int HEADER = 7;
    static final int CHUNK = 64 * 1024;

    private final int keepLimit;
    private final byte[] header = new byte[HEADER];
    private int headerFill;
    private int payloadLength = -1;
    private int uncompressedLength;
    private byte[] payload = new byte[0];
    private int payloadFill;
    private long frameFirstAt;

    /** Wire bytes of whole compressed packets not charged to a message yet; kept while they fit in keepLimit. */
    private byte[] uncharged = new byte[0];

    private byte[] spare = new byte[0];

    private int unchargedKept;
    private long unchargedCount;
    private long unchargedFirstAt = -1;
    private boolean unchargedOverflow;

    /** What the last charge took, for a fail-open that must give those bytes back. */
    private ByteBuffer lastCharged = ByteBuffer.allocate(0);

    private @Nullable Inflater inflater;
    private byte[] chunk = new byte[0];
    private int produced;
    private boolean inflating;

    CompressedReader(int keepLimit) {
        this.keepLimit = keepLimit;
    }

    /**
     * Reads bytes until a compressed packet is whole (then returns true, and {@link #nextChunk} gives its content) or
     * {@code data} is used up (returns false).
     */
    boolean readFrame(ByteBuffer data, long at) {
        while (data.hasRemaining()) {
            if (payloadLength < 0) {
                if (headerFill == 0) {
                    frameFirstAt = at;
                }
                header[headerFill++] = data.get();
                if (headerFill < HEADER) {
                    continue;
                }
                payloadLength = u24(0);
                uncompressedLength = u24(4);
                payloadFill = 0;
            }
            int n = Math.min(payloadLength - payloadFill, data.remaining());
            if (payloadFill + n > payload.length) {
                payload =
                        Arrays.copyOf(payload, Math.min(payloadLength, Math.max(payloadFill + n, payload.length * 2)));
            }
            data.get(payload, payloadFill, n);
            payloadFill += n;
            if (payloadFill == payloadLength) {
                keepUncharged();
                inflating = true;
                produced = 0;
                return true;
            }
        }
        return false;
    }

    /** When the first byte of the compressed packet just read was seen. */
    long frameFirstAt() {
        return frameFirstAt;
    }

    /**
     * The next piece of the compressed packet's content, or null when it is all given. The content must have exactly
     * the declared uncompressed length; the last piece is checked before it is given, so a compressed packet of at
     * most {@link #CHUNK} bytes of content is checked whole before any of it is decoded.
     */
    @Nullable
    ByteBuffer nextChunk() throws MalformedPacketException {
        if (!inflating) {
            return null;
        }
        if (uncompressedLength == 0 || produced == uncompressedLength) {
            // Stored content (given at once), or the last inflated piece was given.
            boolean give = uncompressedLength == 0 && produced == 0 && payloadLength > 0;
            produced = 1;
            if (give) {
                return ByteBuffer.wrap(payload, 0, payloadLength);
            }
            endFrame();
            return null;
        }
        if (inflater == null) {
            inflater = new Inflater();
            inflater.setInput(payload, 0, payloadLength);
            chunk = new byte[Math.min(CHUNK, uncompressedLength)];
        }
        try {
            int n = inflater.inflate(chunk, 0, Math.min(chunk.length, uncompressedLength - produced));
            produced += n;
            if (produced < uncompressedLength) {
                if (inflater.finished()) {
                    throw new MalformedPacketException(lengthMismatch(Long.toString(produced)));
                }
                if (inflater.needsDictionary()) {
                    throw new MalformedPacketException("compressed packet: zlib stream needs a preset dictionary");
                }
                if (n == 0 || inflater.needsInput()) {
                    throw new MalformedPacketException("compressed packet: zlib stream cut short after " + produced
                            + " bytes (expected: " + uncompressedLength + ")");
                }
                return ByteBuffer.wrap(chunk, 0, n);
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new MalformedPacketException(lengthMismatch("more than " + uncompressedLength));
            }
            if (!inflater.finished()) {
                throw new MalformedPacketException(
                        "compressed packet: zlib stream not ended after " + uncompressedLength + " bytes");
            }
            if (inflater.getRemaining() > 0) {
                throw new MalformedPacketException(
                        "compressed packet: " + inflater.getRemaining() + " bytes after the end of the zlib stream");
            }
            return ByteBuffer.wrap(chunk, 0, n);
        } catch (DataFormatException e) {
            throw new MalformedPacketException("compressed packet: bad zlib data (" + e.getMessage() + ")");
        }
    }

    private String lengthMismatch(String actual) {
        return "compressed packet: inflates to " + actual + " bytes (expected: " + uncompressedLength + ")";
    }

    /** Ends the current compressed packet's inflation (also when decoding stopped in it). */
    void endFrame() {
        inflating = false;
        produced = 0;
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        if (payload.length > CHUNK) {
            payload = new byte[0];
        }
        chunk = new byte[0];
        headerFill = 0;
        payloadLength = -1;
        payloadFill = 0;
    }

    /** The wire bytes to charge to a message that just completed: all not charged yet. */
    long charge() {
        long charged = unchargedCount;
        lastCharged = unchargedOverflow || unchargedKept == 0
                ? ByteBuffer.allocate(0)
                : ByteBuffer.wrap(uncharged, 0, unchargedKept).asReadOnlyBuffer();
        // The charged bytes stay readable until the next charge: new ones go to the other buffer.
        var chargedBytes = uncharged;
        uncharged = spare.length > CHUNK ? new byte[0] : spare;
        spare = chargedBytes;
        unchargedCount = 0;
        unchargedKept = 0;
        unchargedOverflow = false;
        unchargedFirstAt = -1;
        return charged;
    }

    /** Whether wire bytes were read that no message has been charged with, or a compressed packet is part read. */
    boolean inMessage() {
        return unchargedCount > 0 || (!inflating && (headerFill > 0 || payloadLength >= 0));
    }

    /** When the oldest byte not charged yet was seen. */
    long partialFirstAt() {
        return unchargedFirstAt >= 0 ? unchargedFirstAt : frameFirstAt;
    }

    /** Wire bytes not charged to any message: whole compressed packets not charged and the one being read. */
    long partialWireBytes() {
        return unchargedCount + (inflating ? 0 : partialFrameBytes());
    }

    private int partialFrameBytes() {
        return payloadLength < 0 ? headerFill : HEADER + payloadFill;
    }

    /**
     * The bytes of {@link #partialWireBytes}, as they were on the wire, in order, as many as could be kept (the rest is
     * only counted: the caller counts it elsewhere). Forgets them.
     */
    ByteBuffer takePartial() {
        boolean whole = !unchargedOverflow;
        int frame = inflating ? 0 : partialFrameBytes();
        var out = ByteBuffer.allocate((whole ? unchargedKept : 0) + (whole ? frame : 0));
        if (whole) {
            out.put(uncharged, 0, unchargedKept);
            if (frame > 0) {
                out.put(header, 0, Math.min(HEADER, frame));
                if (frame > HEADER) {
                    out.put(payload, 0, payloadFill);
                }
            }
        }
        out.flip();
        unchargedCount = 0;
        unchargedKept = 0;
        unchargedOverflow = false;
        unchargedFirstAt = -1;
        endFrame();
        return out;
    }

    /** The bytes the last {@link #charge} took, when they could be kept, else empty. */
    ByteBuffer lastCharged() {
        return lastCharged.duplicate();
    }

    /** Forgets the last charge (the message it was for is recorded). */
    void chargeRecorded() {
        lastCharged = ByteBuffer.allocate(0);
    }

    private void keepUncharged() {
        int frame = HEADER + payloadLength;
        if (unchargedCount == 0) {
            unchargedFirstAt = frameFirstAt;
        }
        unchargedCount += frame;
        if (unchargedOverflow || unchargedKept + (long) frame > keepLimit) {
            unchargedOverflow = true;
            return;
        }
        if (unchargedKept + frame > uncharged.length) {
            uncharged = Arrays.copyOf(
                    uncharged, Math.min(keepLimit, Math.max(unchargedKept + frame, uncharged.length * 2)));
        }
        System.arraycopy(header, 0, uncharged, unchargedKept, HEADER);
        System.arraycopy(payload, 0, uncharged, unchargedKept + HEADER, payloadLength);
        unchargedKept += frame;
    }

    private int u24(int at) {
        return (header[at] & 0xff) | (header[at + 1] & 0xff) << 8 | (header[at + 2] & 0xff) << 16;
    }
}
