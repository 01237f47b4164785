package dev.chaostesting.internal.capture;

import java.nio.ByteBuffer;

/**
 * The last few kilobytes one direction delivered, so that a retransmission of bytes already passed on can be compared
 * with them ("first data wins, differences counted"). Grows only as bytes come, so an idle or short connection costs
 * little; overlaps reaching further back than the window are not compared.
 */
final class RecentBytes {

    private final int capacity;
    private byte[] ring = new byte[0];
    /** How many of the ring's bytes are valid. */
    private int size;
    /** Where the next byte goes. */
    private int end;

    RecentBytes(int capacity) {
        this.capacity = capacity;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
        end = 0;
    }

    /** Keeps the remaining bytes (the last {@code capacity} of them); the buffer's position is unchanged. */
    void append(ByteBuffer bytes) {
        int from = bytes.position();
        int n = bytes.remaining();
        if (n > capacity) {
            from += n - capacity;
            n = capacity;
        }
        grow(Math.min(capacity, size + n));
        int at = from;
        int left = n;
        while (left > 0) {
            int chunk = Math.min(left, ring.length - end);
            bytes.get(at, ring, end, chunk);
            at += chunk;
            left -= chunk;
            end = (end + chunk) % ring.length;
        }
        size = Math.min(ring.length, size + n);
    }

    /** The byte {@code back} bytes before the end (1 is the last delivered byte); {@code back <= size()}. */
    byte byteBack(int back) {
        return ring[Math.floorMod(end - back, ring.length)];
    }

    private void grow(int needed) {
        if (needed <= ring.length) {
            return;
        }
        int grown = Math.min(capacity, Math.max(needed, Math.max(256, ring.length * 2)));
        var bigger = new byte[grown];
        for (int i = 0; i < size; i++) {
            bigger[i] = byteBack(size - i);
        }
        ring = bigger;
        end = size % grown;
    }
}
