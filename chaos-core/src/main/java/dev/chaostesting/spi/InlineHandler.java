package dev.chaostesting.spi;

import java.nio.ByteBuffer;

/**
 * Handles one connection in line: every byte either side sends goes through {@link #onData}, and nothing reaches the
 * other side unless the handler passes it on with {@link InlineContext#send}. A handler passes bytes on as soon as it
 * may (holding at most what it needs to see a whole message), keeps their order, and when it no longer understands the
 * traffic passes everything on unchanged from then on: in line or not, interception never breaks the traffic.
 * Called by one thread at a time.
 */
public interface InlineHandler {

    /** Bytes one side sent; a read-only view valid only during the call. */
    void onData(Side from, ByteBuffer data);

    /** One side ended its direction: whatever the handler still holds from it must be sent now. */
    default void onEnd(Side from) {}
}
