package dev.chaostesting.spi;

import java.nio.ByteBuffer;

/**
 * Decodes one connection, both directions, in the order bytes were seen. Used by one thread at a time. Bytes are
 * passed as they arrive: any fragment size, down to one byte; a decoder never assumes a whole message arrived.
 */
public interface StreamDecoder {

    /**
     * Bytes one side sent. The buffer is a read-only view valid only during the call: copy what must be kept.
     *
     * @param atMicros when the bytes were seen, in microseconds since the epoch
     */
    void onData(Side side, ByteBuffer data, long atMicros);

    /**
     * One side ended its direction: a FIN ({@code reset == false}) or a reset. After both sides ended, or after a reset,
     * no more calls come except possibly the other side's end.
     */
    void onEnd(Side side, boolean reset, long atMicros);

    /**
     * Some bytes of one side were lost (a capture dropped packets). Returns true when the decoder resynchronised and
     * can go on; false makes the rest of the connection be recorded as raw TCP.
     */
    default boolean onGap(Side side, long missingBytes, long atMicros) {
        return false;
    }
}
