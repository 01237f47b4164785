package dev.chaostesting.protocols.redis.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Counts the raw bytes of one value and keeps the first {@code limit} of them. */
final class HeldBytes {

    private final int limit;
    private byte[] bytes = new byte[256];
    private long count;

    HeldBytes(int limit) {
        this.limit = limit;
    }

    void add(byte b) {
        if (count < limit) {
            ensure((int) count + 1);
            bytes[(int) count] = b;
        }
        count++;
    }

    /** Adds the next {@code n} bytes of the buffer; its position is unchanged. */
    void add(ByteBuffer data, int n) {
        if (count < limit) {
            int take = (int) Math.min(n, limit - count);
            ensure((int) count + take);
            data.get(data.position(), bytes, (int) count, take);
        }
        count += n;
    }

    /** Takes back the last byte added. */
    void removeLast() {
        count--;
    }

    long count() {
        return count;
    }

    /** Whether every byte counted is held. */
    boolean complete() {
        return count <= limit;
    }

    ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, (int) Math.min(count, limit)).asReadOnlyBuffer();
    }

    void reset() {
        count = 0;
        if (bytes.length > 4096) {
            bytes = new byte[256];
        }
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(capacity, bytes.length * 2L)));
        }
    }
}
