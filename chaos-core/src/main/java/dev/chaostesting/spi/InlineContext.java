package dev.chaostesting.spi;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** What an {@link InlineHandler} is given: the connection, the protocol faults active now, and the ways to act. */
public interface InlineContext {

    /** A protocol fault active on this connection now: its name (for reports) and its spec. */
    record ActiveFault(String name, Map<String, Object> spec) {}

    ConnectionInfo connection();

    /**
     * This protocol's faults that apply to this connection now (their target, schedule and toxicity decided), in the
     * order they were injected. Ask again for each message: faults come and go while traffic flows.
     */
    List<ActiveFault> faults();

    /** Sends bytes to one side, after everything sent to it before (the TCP-level faults still apply to them). */
    void send(Side to, ByteBuffer bytes);

    /** Ends the connection on both sides: a close, or a reset (RST). */
    void close(boolean reset);

    /** Notes that a fault acted on this connection (recorded on its interactions as {@code faults}). */
    void acted(String faultName);

    /**
     * Runs {@code action} after {@code delay} on the connection's own thread, the one that calls the handler, so it never
     * races the handler's other calls (for faults that hold something back for a while, e.g. a delayed response head).
     */
    default void schedule(java.time.Duration delay, Runnable action) {
        // For contexts outside the interceptor (tests): a plain timer thread, so handlers used there stay simple.
        java.util.concurrent.CompletableFuture.delayedExecutor(
                        delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
                .execute(action);
    }

    /**
     * An address of this interceptor that forwards to {@code upstream}, opened on first use and kept while the
     * interceptor runs, with the same recording and faults: for protocols whose servers tell clients where to connect
     * next (Kafka's broker addresses), so that clients keep going through the interceptor.
     *
     * @throws java.io.UncheckedIOException when no listener can be opened
     */
    java.net.InetSocketAddress listenerFor(java.net.InetSocketAddress upstream);
}
