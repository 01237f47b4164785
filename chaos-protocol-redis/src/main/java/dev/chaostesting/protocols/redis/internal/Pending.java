package dev.chaostesting.protocols.redis.internal;

import dev.chaostesting.model.StructuredMessage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A command waiting for its reply or replies. */
final class Pending {

    final StructuredMessage request;
    final String name;
    final long startMicros;
    final long bytes;
    /** For subscribe-family commands: the confirmation kind ({@code subscribe}, {@code punsubscribe}...), else null. */
    final @Nullable String confirmation;
    /** Replies expected; -1 until known (an UNSUBSCRIBE without channels: one per current subscription). */
    int expected;

    final List<RespReader.Frame> replies = new ArrayList<>();

    Pending(
            StructuredMessage request,
            String name,
            long startMicros,
            long bytes,
            @Nullable String confirmation,
            int expected) {
        this.request = request;
        this.name = name;
        this.startMicros = startMicros;
        this.bytes = bytes;
        this.confirmation = confirmation;
        this.expected = expected;
    }

    boolean confirmedBy(@Nullable String kind) {
        return confirmation != null && confirmation.equals(kind);
    }

    long replyBytes() {
        long n = 0;
        for (var r : replies) {
            n += r.bytes();
        }
        return n;
    }
}
