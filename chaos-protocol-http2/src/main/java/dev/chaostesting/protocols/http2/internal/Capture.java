package dev.chaostesting.protocols.http2.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Copies the first bytes of a body, up to a limit and what the connection's budget grants, and counts the rest. */
final class Capture {

    private final int limit;
    private final Budget budget;
    private byte[] bytes = new byte[0];
    private int length;
    private long size;

    Capture(int limit, Budget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    /** Copies what fits of the remaining bytes; the buffer's position is unchanged. */
    void append(ByteBuffer data) {
        int n = data.remaining();
        size += n;
        int take = budget.take(Math.min(n, limit - length));
        if (take <= 0) {
            return;
        }
        if (length + take > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + take, Math.min(limit, Math.max(256, bytes.length * 2))));
        }
        data.duplicate().get(bytes, length, take);
        length += take;
    }

    long size() {
        return size;
    }

    boolean truncated() {
        return size > length;
    }

    byte[] bytes() {
        return Arrays.copyOf(bytes, length);
    }

    /** Gives the copied bytes back to the budget; the capture is empty afterwards. */
    void release() {
        budget.release(length);
        bytes = new byte[0];
        length = 0;
    }
}
