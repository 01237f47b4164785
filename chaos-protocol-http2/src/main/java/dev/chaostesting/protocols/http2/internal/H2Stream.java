package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.spi.Side;
import org.jspecify.annotations.Nullable;

/** The state of one HTTP/2 stream until it is emitted. */
final class H2Stream {

    final int id;
    final Half request = new Half();
    final Half response = new Half();
    boolean grpc;
    /** The stream whose PUSH_PROMISE opened this one, or 0. */
    int promisedBy;

    @Nullable
    String error;

    @Nullable
    String service;

    @Nullable
    String method;

    H2Stream(int id) {
        this.id = id;
    }

    Half half(Side side) {
        return side == Side.CLIENT ? request : response;
    }

    boolean complete() {
        return request.ended && response.ended;
    }

    long startedAt() {
        if (request.firstAt >= 0) {
            return request.firstAt;
        }
        return response.firstAt;
    }
}
