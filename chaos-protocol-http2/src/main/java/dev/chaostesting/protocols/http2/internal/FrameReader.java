package dev.chaostesting.protocols.http2.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits one direction of an HTTP/2 connection into frames, fed fragments of any size. Frames other than DATA are
 * returned whole; DATA payload is streamed in chunks with its padding removed, so a 16 MiB frame costs nothing here.
 */
final class FrameReader {

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    enum Event {
        NEED_MORE,
        /** The client connection preface was read. */
        PREFACE,
        /** A whole frame other than DATA: {@link #payload()} holds it. */
        FRAME,
        /** Some DATA payload bytes: {@link #dataChunk()}. */
        DATA,
        /** The current DATA frame ended (padding included). */
        DATA_END
    }

    private enum State {
        PREFACE,
        HEADER,
        PAYLOAD,
        PAD_LENGTH,
        DATA,
        PADDING
    }

    /** Frames other than DATA are buffered whole; none legitimately comes near this. */
    static final int MAX_BUFFERED_FRAME = 1 << 20;

    private State state;
    private final byte[] header = new byte[9];
    private int headerFill;
    private int prefaceFill;
    private byte[] payload = new byte[0];
    private int payloadFill;
    private int length;
    private int type;
    private int flags;
    private int streamId;
    private int dataRemaining;
    private int padRemaining;
    private long frameStartedAt;
    private int maxFrameSize = Frames.DEFAULT_MAX_FRAME_SIZE;
    private ByteBuffer chunk = ByteBuffer.allocate(0);
    private boolean frameReturned;

    FrameReader(boolean expectPreface) {
        state = expectPreface ? State.PREFACE : State.HEADER;
    }

    /** The largest frame payload the receiver of this direction accepts (its SETTINGS_MAX_FRAME_SIZE). */
    int maxFrameSize() {
        return maxFrameSize;
    }

    void maxFrameSize(int size) {
        maxFrameSize = size;
    }

    Event read(ByteBuffer in, long atMicros) throws Http2ProtocolException {
        if (frameReturned) {
            frameReturned = false;
            headerFill = 0;
            payloadFill = 0;
            state = State.HEADER;
        }
        while (true) {
            switch (state) {
                case PREFACE -> {
                    while (in.hasRemaining() && prefaceFill < PREFACE.length) {
                        byte b = in.get();
                        if (b != PREFACE[prefaceFill]) {
                            throw new Http2ProtocolException("client preface: byte " + prefaceFill + " is 0x"
                                    + Integer.toHexString(b & 0xff) + " (expected: PRI * HTTP/2.0 ...)");
                        }
                        prefaceFill++;
                    }
                    if (prefaceFill < PREFACE.length) {
                        return Event.NEED_MORE;
                    }
                    state = State.HEADER;
                    return Event.PREFACE;
                }
                case HEADER -> {
                    if (!in.hasRemaining()) {
                        return Event.NEED_MORE;
                    }
                    if (headerFill == 0) {
                        frameStartedAt = atMicros;
                    }
                    int n = Math.min(9 - headerFill, in.remaining());
                    in.get(header, headerFill, n);
                    headerFill += n;
                    if (headerFill < 9) {
                        return Event.NEED_MORE;
                    }
                    startFrame();
                }
                case PAYLOAD -> {
                    int n = Math.min(length - payloadFill, in.remaining());
                    in.get(payload, payloadFill, n);
                    payloadFill += n;
                    if (payloadFill < length) {
                        return Event.NEED_MORE;
                    }
                    frameReturned = true;
                    return Event.FRAME;
                }
                case PAD_LENGTH -> {
                    if (!in.hasRemaining()) {
                        return Event.NEED_MORE;
                    }
                    padRemaining = in.get() & 0xff;
                    if (padRemaining >= length) {
                        throw new Http2ProtocolException("DATA padding: " + padRemaining + " on stream " + streamId
                                + " (expected: < frame length " + length + ")");
                    }
                    dataRemaining = length - 1 - padRemaining;
                    state = State.DATA;
                }
                case DATA -> {
                    if (dataRemaining == 0) {
                        state = State.PADDING;
                        continue;
                    }
                    if (!in.hasRemaining()) {
                        return Event.NEED_MORE;
                    }
                    int n = Math.min(dataRemaining, in.remaining());
                    chunk = in.slice(in.position(), n);
                    in.position(in.position() + n);
                    dataRemaining -= n;
                    return Event.DATA;
                }
                case PADDING -> {
                    int n = Math.min(padRemaining, in.remaining());
                    in.position(in.position() + n);
                    padRemaining -= n;
                    if (padRemaining > 0) {
                        return Event.NEED_MORE;
                    }
                    frameReturned = true;
                    return Event.DATA_END;
                }
            }
        }
    }

    private void startFrame() throws Http2ProtocolException {
        length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        type = header[3] & 0xff;
        flags = header[4] & 0xff;
        streamId = ((header[5] & 0x7f) << 24)
                | ((header[6] & 0xff) << 16)
                | ((header[7] & 0xff) << 8)
                | (header[8] & 0xff);
        if (length > maxFrameSize) {
            throw new Http2ProtocolException(Frames.name(type) + " frame length: " + length + " (expected: <= "
                    + maxFrameSize + ", SETTINGS_MAX_FRAME_SIZE)");
        }
        if (type == Frames.DATA) {
            if (streamId == 0) {
                throw new Http2ProtocolException("DATA frame on stream 0 (expected: a stream id)");
            }
            if ((flags & Frames.FLAG_PADDED) != 0) {
                if (length == 0) {
                    throw new Http2ProtocolException("DATA frame length: 0 with PADDED (expected: >= 1)");
                }
                state = State.PAD_LENGTH;
            } else {
                dataRemaining = length;
                padRemaining = 0;
                state = State.DATA;
            }
            return;
        }
        if (length > MAX_BUFFERED_FRAME) {
            throw new Http2ProtocolException(Frames.name(type) + " frame length: " + length + " (expected: <= "
                    + MAX_BUFFERED_FRAME + " for frames other than DATA)");
        }
        if (payload.length < length) {
            payload = new byte[Math.max(length, Math.min(MAX_BUFFERED_FRAME, payload.length * 2))];
        }
        payloadFill = 0;
        state = State.PAYLOAD;
    }

    int length() {
        return length;
    }

    int type() {
        return type;
    }

    int flags() {
        return flags;
    }

    boolean flag(int flag) {
        return (flags & flag) != 0;
    }

    int streamId() {
        return streamId;
    }

    /** When the first byte of the current frame was seen. */
    long frameStartedAt() {
        return frameStartedAt;
    }

    /** The payload of the frame just returned (valid until the next {@link #read}). */
    ByteBuffer payload() {
        return ByteBuffer.wrap(payload, 0, length);
    }

    ByteBuffer dataChunk() {
        return chunk;
    }

    /** Whether the reader is between frames (nothing of a frame read yet). */
    boolean idle() {
        return frameReturned || (state == State.HEADER && headerFill == 0);
    }

    /**
     * The bytes of the frame being read that were not handed out as DATA: the preface or header read so far and the
     * buffered payload. Used when decoding stops.
     */
    byte[] unparsed() {
        if (frameReturned && state == State.PAYLOAD) {
            return frameBytes();
        }
        return switch (state) {
            case PREFACE -> Arrays.copyOf(PREFACE, prefaceFill);
            case HEADER -> frameReturned ? new byte[0] : Arrays.copyOf(header, headerFill);
            case PAYLOAD -> frameBytes();
            default -> new byte[0];
        };
    }

    private byte[] frameBytes() {
        var out = new byte[9 + payloadFill];
        System.arraycopy(header, 0, out, 0, 9);
        System.arraycopy(payload, 0, out, 9, payloadFill);
        return out;
    }
}
