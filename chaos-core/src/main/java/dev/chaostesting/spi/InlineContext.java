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
}
