package dev.chaostesting.protocols.http;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Client bytes that arrived while an Upgrade or CONNECT request waits for its answer: only the answer tells whether
 * they are more HTTP requests or the start of the other protocol. Copies, with the time each piece was seen.
 */
final class HeldBytes {

    record Chunk(ByteBuffer data, long atMicros) {}

    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private int size;

    /** Copies the input's remaining bytes and consumes them. */
    void add(ByteBuffer data, long atMicros) throws MalformedHttpException {
        int n = data.remaining();
        if (size + n > Limits.MAX_HELD_BYTES) {
            throw new MalformedHttpException("bytes sent before the answer to an upgrade: more than "
                    + Limits.MAX_HELD_BYTES + " (expected: <= " + Limits.MAX_HELD_BYTES + ")");
        }
        var copy = ByteBuffer.allocate(n);
        copy.put(data).flip();
        chunks.addLast(new Chunk(copy, atMicros));
        size += n;
    }

    boolean isEmpty() {
        return chunks.isEmpty();
    }

    /** The oldest piece; reading it moves its position, and {@link #removeFirst} drops it once read. */
    @Nullable
    Chunk first() {
        return chunks.peekFirst();
    }

    void removeFirst() {
        var chunk = chunks.pollFirst();
        if (chunk != null) {
            size -= chunk.data().capacity();
        }
    }

    long firstAt() {
        var chunk = chunks.peekFirst();
        return chunk == null ? 0 : chunk.atMicros();
    }

    long lastAt() {
        var chunk = chunks.peekLast();
        return chunk == null ? 0 : chunk.atMicros();
    }

    /** The unread bytes of all pieces, in order; empties this. */
    ByteBuffer drain() {
        int n = 0;
        for (var chunk : chunks) {
            n += chunk.data().remaining();
        }
        var all = ByteBuffer.allocate(n);
        for (var chunk : chunks) {
            all.put(chunk.data());
        }
        chunks.clear();
        size = 0;
        return all.flip();
    }
}
