package dev.chaostesting.protocols.http2.internal;

/**
 * The bytes one connection may hold for bodies and messages of streams not yet emitted. Many concurrent streams each
 * under {@code maxBodyBytes} could otherwise add up to gigabytes; past the budget, further bytes are only counted.
 */
final class Budget {

    private long remaining;

    Budget(long bytes) {
        this.remaining = bytes;
    }

    /** Takes up to {@code wanted} bytes; returns how many were granted. */
    int take(int wanted) {
        int granted = (int) Math.min(wanted, remaining);
        remaining -= granted;
        return granted;
    }

    void release(long bytes) {
        remaining += bytes;
    }
}
