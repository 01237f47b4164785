package dev.chaostesting.protocols.kafka.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Cuts one direction of a Kafka connection into frames: a 4-byte big-endian length, then that many bytes. Accepts any
 * fragment size; the frame buffer grows as bytes arrive, so a large announced length costs memory only once the bytes
 * come, and a length above the limit is refused before anything is kept.
 */
public final class FrameReader {

    /**
     * One complete frame, without its length prefix.
     *
     * @param missingBytes bytes of the frame lost in a capture (zeros in {@code body}), 0 normally
     * @param missingFrom where in the body the lost bytes start
     */
    public record Frame(byte[] body, long firstByteAt, long lastByteAt, int missingBytes, int missingFrom) {
        public Frame(byte[] body, long firstByteAt, long lastByteAt) {
            this(body, firstByteAt, lastByteAt, 0, 0);
        }

        /** Bytes on the wire, length prefix included. */
        public long wireBytes() {
            return body.length + 4L;
        }
    }

    /** Thrown when the stream cannot be Kafka framing. */
    public static final class BadFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        BadFrameException(String message) {
            super(message, null, false, false);
        }
    }

    private final int maxFrameBytes;
    private final byte[] lengthBytes = new byte[4];
    private int lengthRead;
    private int frameLength = -1;
    private byte[] body = new byte[0];
    private int bodyRead;
    private long firstByteAt;
    private long lastByteAt;
    private int missingBytes;
    private int missingFrom;

    public FrameReader(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Reads from {@code data} until one frame is complete (returned) or the data is used up (null). Call again while
     * {@code data} has bytes left.
     */
    public @Nullable Frame read(ByteBuffer data, long atMicros) throws BadFrameException {
        while (data.hasRemaining()) {
            if (lengthRead == 0 && frameLength < 0) {
                firstByteAt = atMicros;
            }
            lastByteAt = atMicros;
            if (frameLength < 0) {
                lengthBytes[lengthRead++] = data.get();
                if (lengthRead < 4) {
                    continue;
                }
                int length = ByteBuffer.wrap(lengthBytes).getInt();
                if (length < 0 || length > maxFrameBytes) {
                    throw new BadFrameException("frame length: " + length + " (expected: 0 to " + maxFrameBytes + ")");
                }
                frameLength = length;
                body = new byte[Math.min(length, 64 * 1024)];
                bodyRead = 0;
            }
            int take = Math.min(data.remaining(), frameLength - bodyRead);
            if (bodyRead + take > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(frameLength, Math.max(bodyRead + take, 2L * body.length)));
            }
            data.get(body, bodyRead, take);
            bodyRead += take;
            if (bodyRead == frameLength) {
                var frame = new Frame(
                        body.length == frameLength ? body : Arrays.copyOf(body, frameLength),
                        firstByteAt,
                        lastByteAt,
                        missingBytes,
                        missingFrom);
                missingBytes = 0;
                lengthRead = 0;
                frameLength = -1;
                body = new byte[0];
                bodyRead = 0;
                return frame;
            }
        }
        return null;
    }

    /**
     * Accounts for bytes lost inside the frame being read (a capture dropped them): the frame keeps its length, so the
     * framing holds. False when the loss is not strictly inside one frame's body, which leaves the framing unknown.
     */
    public boolean skip(long missing) {
        if (frameLength < 0 || missingBytes > 0 || missing <= 0 || bodyRead + missing >= frameLength) {
            return false;
        }
        int n = (int) missing;
        if (bodyRead + n > body.length) {
            body = Arrays.copyOf(body, bodyRead + n);
        }
        missingFrom = bodyRead;
        missingBytes = n;
        bodyRead += n;
        return true;
    }

    /** Whether part of a frame was read and not returned yet. */
    public boolean inFrame() {
        return lengthRead > 0;
    }

    public long firstByteAt() {
        return firstByteAt;
    }

    public long lastByteAt() {
        return lastByteAt;
    }

    /** The bytes of the frame in progress (length prefix included), which is then dropped. */
    public ByteBuffer takeUnparsed() {
        var out = ByteBuffer.allocate(lengthRead + bodyRead);
        out.put(lengthBytes, 0, lengthRead).put(body, 0, bodyRead).flip();
        lengthRead = 0;
        frameLength = -1;
        body = new byte[0];
        bodyRead = 0;
        missingBytes = 0;
        return out;
    }
}
