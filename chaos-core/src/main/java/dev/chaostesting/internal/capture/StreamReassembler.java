package dev.chaostesting.internal.capture;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one direction of a TCP connection back in order. Sequence numbers are unwrapped to 64 bits around the next
 * expected byte, so wrapping past 2^32 is seamless. Bytes arriving ahead of a hole are held until the hole fills or is
 * declared a gap (by the caller: when the peer acknowledged the missing bytes, when the connection's buffer is full,
 * or at the end); bytes already held or delivered win over a later copy, and the bytes that differ are counted.
 * Nothing is invented: a hole is reported as a gap of its exact size, never filled.
 */
final class StreamReassembler {

    /** Where the ordered bytes go. */
    interface Output {
        void data(ByteBuffer bytes);

        void gap(long missingBytes);

        void end();
    }

    /** How far back a retransmission is compared with what was delivered. */
    private static final int RECENT_BYTES = 8192;

    private final Output out;
    private final CaptureCounters counters;
    /** Held out-of-order data by 64-bit sequence number; never overlapping, every key above {@link #next}. */
    private final TreeMap<Long, byte[]> held = new TreeMap<>();

    private final RecentBytes recent = new RecentBytes(RECENT_BYTES);
    private long heldBytes;
    private boolean started;
    private boolean synSeen;
    private int isn;
    /** The 64-bit sequence number of the next byte to deliver. */
    private long next;
    /** Where the FIN sits (the sequence number just past the last byte), or -1 until one is seen. */
    private long finAt = -1;

    private boolean ended;

    StreamReassembler(Output out, CaptureCounters counters) {
        this.out = out;
        this.counters = counters;
    }

    /** Starts at a SYN (data then begins one past it) or at the first segment seen of a connection already open. */
    void start(int seq, boolean syn) {
        started = true;
        synSeen = syn;
        isn = seq;
        next = Integer.toUnsignedLong(seq) + (syn ? 1 : 0);
    }

    boolean started() {
        return started;
    }

    /** Whether a SYN with another initial sequence number means a new connection on the same addresses and ports. */
    boolean isOtherSyn(int seq) {
        return started && (!synSeen || seq != isn);
    }

    boolean ended() {
        return ended;
    }

    long heldBytes() {
        return heldBytes;
    }

    /** The 64-bit sequence number closest to the next expected byte that has these low 32 bits. */
    long unwrap(int seq) {
        // 32-bit subtraction wraps: the signed distance from the next byte, whichever side of 2^32 each lies.
        int distance = seq - (int) next;
        return next + distance;
    }

    /**
     * A segment: its payload as captured, how many payload bytes it had on the wire, and whether it carried a FIN.
     *
     * @param start the 64-bit sequence number of the first payload byte
     */
    void segment(long start, ByteBuffer payload, int wireLength, boolean fin) {
        if (ended) {
            return;
        }
        if (fin && finAt < 0) {
            finAt = start + wireLength;
            dropHeldFrom(finAt);
        }
        var data = payload.duplicate();
        long end = start + data.remaining();
        if (finAt >= 0 && end > finAt) {
            // Bytes after the FIN cannot be part of this stream.
            data.limit(data.limit() - (int) Math.min(data.remaining(), end - finAt));
            end = start + data.remaining();
        }
        long from = start;
        if (from < next && data.hasRemaining()) {
            int overlap = (int) (Math.min(end, next) - from);
            compareWithRecent(from, data, overlap);
            data.position(data.position() + overlap);
            from += overlap;
        }
        if (data.hasRemaining()) {
            if (from == next && held.isEmpty()) {
                deliver(data);
            } else {
                hold(from, data);
            }
        }
        drain();
        endIfDone();
    }

    /** Declares the bytes up to {@code seq} that were never seen a gap, delivering held data as it becomes next. */
    void gapTo(long seq) {
        if (!started || ended) {
            return;
        }
        long target = finAt >= 0 ? Math.min(seq, finAt) : seq;
        while (next < target) {
            long until = held.isEmpty() ? target : Math.min(target, held.firstKey());
            if (until > next) {
                out.gap(until - next);
                next = until;
                recent.clear();
            }
            drain();
        }
        endIfDone();
    }

    /** Gives up on the first hole: it becomes a gap and the held bytes after it are delivered. */
    void skipFirstHole() {
        if (!held.isEmpty()) {
            gapTo(held.firstKey());
        }
    }

    /** Delivers everything held, declaring every hole a gap, and the FIN if one was seen. */
    void flush() {
        while (!held.isEmpty() && !ended) {
            gapTo(held.firstKey());
        }
        if (finAt >= 0) {
            gapTo(finAt);
        }
    }

    private void deliver(ByteBuffer bytes) {
        recent.append(bytes);
        int n = bytes.remaining();
        next += n;
        counters.payloadBytes += n;
        out.data(bytes);
    }

    private void drain() {
        while (!held.isEmpty() && held.firstKey() <= next) {
            var first = held.pollFirstEntry();
            heldBytes -= first.getValue().length;
            long key = first.getKey();
            long end = key + first.getValue().length;
            if (end > next) {
                deliver(ByteBuffer.wrap(first.getValue(), (int) (next - key), (int) (end - next)));
            }
        }
    }

    private void endIfDone() {
        if (!ended && finAt >= 0 && next >= finAt) {
            ended = true;
            held.clear();
            heldBytes = 0;
            out.end();
        }
    }

    /** Keeps the parts of {@code data} (starting at {@code from}) that nothing held covers; compares the rest. */
    private void hold(long from, ByteBuffer data) {
        long pos = from;
        long end = from + data.remaining();
        var before = held.floorEntry(pos);
        if (before != null) {
            pos = compareHeld(before, pos, end, data, from);
        }
        while (pos < end) {
            var after = held.ceilingEntry(pos);
            long until = after == null ? end : Math.min(end, after.getKey());
            if (until > pos) {
                var copy = new byte[(int) (until - pos)];
                data.duplicate().position(data.position() + (int) (pos - from)).get(copy);
                held.put(pos, copy);
                heldBytes += copy.length;
                pos = until;
            }
            if (after != null && pos < end) {
                pos = compareHeld(after, pos, end, data, from);
            }
        }
    }

    /** Compares the new bytes in [pos, end) that a held entry covers; returns where its coverage stops. */
    private long compareHeld(Map.Entry<Long, byte[]> entry, long pos, long end, ByteBuffer data, long from) {
        long key = entry.getKey();
        var bytes = entry.getValue();
        long until = Math.min(end, key + bytes.length);
        long differing = 0;
        for (long p = pos; p < until; p++) {
            if (bytes[(int) (p - key)] != data.get(data.position() + (int) (p - from))) {
                differing++;
            }
        }
        counters.conflictingBytes += differing;
        return Math.max(pos, until);
    }

    /** Compares the first {@code count} bytes of a retransmission with what was delivered, as far back as is kept. */
    private void compareWithRecent(long from, ByteBuffer data, int count) {
        if (data.remaining() == 1 && from == next - 1) {
            // A keep-alive probe: one byte of garbage below the window, by design not the byte it repeats.
            return;
        }
        long differing = 0;
        for (int i = 0; i < count; i++) {
            long back = next - (from + i);
            if (back <= recent.size() && recent.byteBack((int) back) != data.get(data.position() + i)) {
                differing++;
            }
        }
        counters.conflictingBytes += differing;
    }

    private void dropHeldFrom(long seq) {
        var tail = held.tailMap(seq, true);
        for (var bytes : tail.values()) {
            heldBytes -= bytes.length;
        }
        tail.clear();
        var last = held.lastEntry();
        if (last != null && last.getKey() + last.getValue().length > seq) {
            var cut = Arrays.copyOf(last.getValue(), (int) (seq - last.getKey()));
            heldBytes -= last.getValue().length - cut.length;
            held.put(last.getKey(), cut);
        }
    }
}
