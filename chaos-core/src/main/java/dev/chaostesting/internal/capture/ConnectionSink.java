package dev.chaostesting.internal.capture;

import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;

/**
 * What a reassembled connection is fed to: in production a
 * {@link dev.chaostesting.internal.observe.ConnectionObserver}, which has exactly these methods; in tests a log. Calls
 * come in the order things happened, with times that never go backwards.
 */
public interface ConnectionSink {

    /** Bytes one side sent, in order; a view valid only during the call. */
    void onData(Side side, ByteBuffer data, long atMicros);

    /** One side sent a FIN, or a RST ({@code reset}); also called for both sides when the capture ends. */
    void onEnd(Side side, boolean reset, long atMicros);

    /** Bytes one side sent that the capture does not hold; the next data from that side follows them. */
    void onGap(Side side, long missingBytes, long atMicros);

    /**
     * The capture began inside this connection (no SYN seen): its first bytes may be in the middle of a message. Called
     * once, before any data.
     */
    default void startsMidStream() {}
}
