package dev.chaostesting.spi;

import dev.chaostesting.model.Body;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Copies up to a limit of the bytes of one body and counts the rest, so that a body of any size costs at most the
 * limit in memory.
 */
public final class BodyCollector {

    private final int limit;
    private byte[] bytes = new byte[0];
    private int length;
    private long size;

    public BodyCollector(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
        this.limit = limit;
    }

    /** Copies what fits of the buffer's remaining bytes and counts all of them; the buffer's position is unchanged. */
    public void append(ByteBuffer data) {
        int n = data.remaining();
        size += n;
        int take = Math.min(n, limit - length);
        if (take <= 0) {
            return;
        }
        ensure(length + take);
        data.duplicate().get(bytes, length, take);
        length += take;
    }

    public void append(byte[] data, int offset, int count) {
        append(ByteBuffer.wrap(data, offset, count));
    }

    /** Bytes seen so far, recorded or not. */
    public long size() {
        return size;
    }

    /** Whether bytes beyond the limit were seen. */
    public boolean truncated() {
        return size > length;
    }

    /** The recorded bytes (a copy). */
    public byte[] bytes() {
        return Arrays.copyOf(bytes, length);
    }

    public Body toBody() {
        return length == 0 && size == 0 ? Body.empty() : new Body(bytes(), size, size > length, null);
    }

    public void reset() {
        bytes = new byte[0];
        length = 0;
        size = 0;
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            int grown = Math.max(capacity, Math.min(limit, Math.max(256, bytes.length * 2)));
            bytes = Arrays.copyOf(bytes, grown);
        }
    }
}
