package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames one side's messages from fragments of any size. A message's payload is kept up to the limit its type allows
 * (see {@link KeepPolicy}); the rest is counted and dropped, so a message of any size costs at most that limit.
 */
final class FrameReader {

    /** How much of a message's payload to keep. */
    interface KeepPolicy {
        /** The most payload bytes to keep, or {@link #WHOLE} for a message that is only understood whole. */
        int keep(byte type);
    }

    /** The message must be kept whole, up to {@link #MAX_WHOLE} bytes. */
    static final int WHOLE = -1;
    /** The longest message kept whole; longer ones of such types are not PostgreSQL traffic we can follow. */
    static final int MAX_WHOLE = 1 << 20;

    private final Side side;
    private final KeepPolicy policy;
    private boolean typed;

    private final byte[] header = new byte[5];
    private int headerLength;
    private byte type;
    private String name = "";
    private int length;
    private int keep;
    private byte[] kept = new byte[0];
    private int keptLength;
    private long seen;
    private long firstAt;

    FrameReader(Side side, boolean typed, KeepPolicy policy) {
        this.side = side;
        this.typed = typed;
        this.policy = policy;
    }

    /** After the startup message the client's messages carry a type byte. */
    void typed(boolean typed) {
        this.typed = typed;
    }

    boolean inMessage() {
        return headerLength > 0;
    }

    /** Bytes of the message being read, seen so far. */
    long partialWireBytes() {
        return headerLength + seen;
    }

    /** Whether bytes of the message being read were dropped (it could not be handed back whole). */
    boolean dropped() {
        return seen > keptLength;
    }

    long partialFirstAt() {
        return firstAt;
    }

    /**
     * Reads from {@code data} until a message is complete (returned) or the data is used up (null). Bytes are consumed
     * from the buffer as they are read.
     */
    Frame next(ByteBuffer data, long atMicros) throws MalformedMessageException {
        int headerSize = typed ? 5 : 4;
        while (data.hasRemaining()) {
            if (headerLength < headerSize) {
                if (headerLength == 0) {
                    firstAt = atMicros;
                }
                header[headerLength++] = data.get();
                if (headerLength == headerSize) {
                    begin();
                    if (length == 0) {
                        return finish(atMicros);
                    }
                }
                continue;
            }
            int n = (int) Math.min(data.remaining(), length - seen);
            int take = (int) Math.max(0, Math.min(n, keep - keptLength));
            if (take > 0) {
                ensure(keptLength + take);
                data.get(kept, keptLength, take);
                keptLength += take;
            }
            data.position(data.position() + (n - take));
            seen += n;
            if (seen == length) {
                return finish(atMicros);
            }
        }
        return null;
    }

    /** The bytes of the message being read, when all of them were kept; empty otherwise. Resets the reader. */
    ByteBuffer takeUnparsed() {
        ByteBuffer out;
        if (dropped()) {
            out = ByteBuffer.allocate(0);
        } else {
            out = ByteBuffer.allocate(headerLength + keptLength);
            out.put(header, 0, headerLength).put(kept, 0, keptLength).flip();
        }
        reset();
        return out;
    }

    private void begin() throws MalformedMessageException {
        int at = typed ? 1 : 0;
        type = typed ? header[0] : 0;
        int declared = Wire.int32(header, at);
        if (!typed) {
            name = "startup packet";
            if (declared < 8 || declared > Wire.MAX_STARTUP_LENGTH) {
                throw new MalformedMessageException(
                        "startup packet length: " + declared + " (expected: 8 to " + Wire.MAX_STARTUP_LENGTH + ")");
            }
            keep = declared - 4;
        } else {
            var known = Wire.name(side, type);
            if (known == null) {
                throw new MalformedMessageException((side == Side.CLIENT ? "client" : "server") + " message type: "
                        + Wire.show(type) + " (expected: a " + (side == Side.CLIENT ? "frontend" : "backend")
                        + " message type of protocol 3)");
            }
            name = known;
            if (declared < 4) {
                throw new MalformedMessageException(name + " length: " + declared + " (expected: >= 4)");
            }
            keep = policy.keep(type);
            if (keep == WHOLE) {
                if (declared - 4 > MAX_WHOLE) {
                    throw new MalformedMessageException(
                            name + " length: " + declared + " (expected: <= " + (MAX_WHOLE + 4) + ")");
                }
                keep = declared - 4;
            }
        }
        length = declared - 4;
        seen = 0;
        keptLength = 0;
    }

    private Frame finish(long atMicros) {
        var frame = new Frame(
                type, name, length, Arrays.copyOf(kept, keptLength), headerLength + (long) length, firstAt, atMicros);
        reset();
        return frame;
    }

    private void reset() {
        headerLength = 0;
        seen = 0;
        keptLength = 0;
        length = 0;
        if (kept.length > 65536) {
            kept = new byte[0];
        }
    }

    private void ensure(int capacity) {
        if (capacity > kept.length) {
            kept = Arrays.copyOf(kept, Math.max(capacity, Math.min(keep, Math.max(256, kept.length * 2))));
        }
    }
}
