package dev.chaostesting.spi;

import java.util.Map;

/**
 * A codec that can work in line with the traffic: it sees each side's bytes before they are forwarded and decides what
 * is sent, so that protocol-level faults ({@link dev.chaostesting.fault.Effect.Protocol}) can answer, replace or cut
 * messages. Implemented by a {@link ProtocolCodec} that supports it; connections run in line only when the interceptor
 * asks for it, since holding bytes to message boundaries costs time.
 */
public interface InlineCodec {

    /** The handler for one connection, created once the codec has been chosen for it. */
    InlineHandler newInlineHandler(InlineContext context);

    /**
     * Checks a protocol fault's spec when it is injected.
     *
     * @throws IllegalArgumentException with one line naming what is wrong and what was expected
     */
    default void checkFault(Map<String, Object> spec) {}
}
