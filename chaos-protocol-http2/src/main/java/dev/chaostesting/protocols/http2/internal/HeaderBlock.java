package dev.chaostesting.protocols.http2.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** A header block being collected from HEADERS or PUSH_PROMISE and its CONTINUATION frames. */
final class HeaderBlock {

    int type;
    int streamId = -1;
    boolean endStream;
    int promised;
    long startedAt;
    long wireBytes;
    private ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    boolean active() {
        return streamId >= 0;
    }

    void start(int type, int streamId, boolean endStream, int promised, long startedAt) {
        this.type = type;
        this.streamId = streamId;
        this.endStream = endStream;
        this.promised = promised;
        this.startedAt = startedAt;
        this.wireBytes = 0;
        bytes.reset();
    }

    void add(ByteBuffer fragment, long frameBytes, int limit) throws Http2ProtocolException {
        if (bytes.size() + fragment.remaining() > limit) {
            throw new Http2ProtocolException(
                    "header block of stream " + streamId + ": over " + limit + " bytes (expected: <= " + limit + ")");
        }
        var copy = new byte[fragment.remaining()];
        fragment.get(copy);
        bytes.writeBytes(copy);
        wireBytes += frameBytes;
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    void reset() {
        streamId = -1;
        // A rare large block should not keep its buffer for the life of the connection.
        bytes = bytes.size() > 65536 ? new ByteArrayOutputStream() : bytes;
        bytes.reset();
    }
}
