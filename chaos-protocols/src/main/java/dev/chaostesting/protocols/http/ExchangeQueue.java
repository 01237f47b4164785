package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.DecoderContext;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The exchanges of one connection in request order. Responses answer them in the same order (RFC 9112 section 9.3.2),
 * so each response belongs to the oldest exchange not yet answered; exchanges are emitted in order once complete.
 */
final class ExchangeQueue {

    private final DecoderContext context;
    private final ArrayDeque<Exchange> queue = new ArrayDeque<>();

    ExchangeQueue(DecoderContext context) {
        this.context = context;
    }

    Exchange open(Head requestHead, long startedAt) {
        var exchange = new Exchange(requestHead, startedAt);
        queue.addLast(exchange);
        return exchange;
    }

    /** The exchange the next response bytes answer, or null when every request seen has its answer. */
    @Nullable
    Exchange awaitingResponse() {
        for (var exchange : queue) {
            if (!exchange.responseDone()) {
                return exchange;
            }
        }
        return null;
    }

    /** Emits the complete exchanges at the head of the queue. */
    void emitReady() {
        while (!queue.isEmpty()
                && queue.peekFirst().requestDone()
                && queue.peekFirst().responseDone()) {
            context.emit(queue.pollFirst().toInteraction(context));
        }
    }

    /** Gives every complete request still unanswered no response, then emits what is complete. */
    void closeUnanswered(String problem, long atMicros) {
        for (var exchange : queue) {
            if (exchange.requestDone() && !exchange.responseDone()) {
                exchange.noResponse(problem, atMicros);
            }
        }
        emitReady();
    }
}
