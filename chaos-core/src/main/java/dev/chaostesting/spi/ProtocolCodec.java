package dev.chaostesting.spi;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * A protocol the interceptor can understand. Implementations are listed in
 * {@code META-INF/services/dev.chaostesting.spi.ProtocolCodec}, are stateless and thread-safe, and have a public no-arg
 * constructor; all per-connection state lives in the {@link StreamDecoder} they create.
 */
public interface ProtocolCodec {

    /** The protocol's name as written in recordings and accepted by {@code --protocol}, e.g. {@code http}. */
    String name();

    /** Ports this protocol usually runs on; used to choose between codecs that both claim a connection. */
    default Set<Integer> portHints() {
        return Set.of();
    }

    /**
     * Looks at the first bytes one side sent on a new connection. {@code side} is the side that spoke first; for
     * server-first protocols (MySQL, SMTP...) that is {@link Side#SERVER}. The buffer is read-only and holds everything
     * that side has sent so far; it must not be kept.
     */
    Detection detect(Side side, ByteBuffer firstBytes);

    /** A decoder for one connection. Called once the codec has been chosen, before any byte is passed to it. */
    StreamDecoder newDecoder(DecoderContext context);
}
