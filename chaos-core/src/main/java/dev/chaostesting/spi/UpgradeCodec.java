package dev.chaostesting.spi;

import dev.chaostesting.model.HttpRequest;

/**
 * A codec that can continue a connection an HTTP/1.1 {@code Upgrade} switched to its protocol (HTTP/2's {@code h2c}).
 * Implemented by a {@link ProtocolCodec}; the HTTP/1.1 codec finds it among the codecs on the class path and hands it
 * the connection after the server's {@code 101 Switching Protocols}.
 */
public interface UpgradeCodec {

    /** The {@code Upgrade} token it continues, e.g. {@code h2c} (compared without regard to case). */
    String upgradeProtocol();

    /**
     * The decoder for the rest of the connection: it is given the client's bytes after the upgrade request and the
     * server's after the 101, in order.
     *
     * @param upgradeRequest the HTTP/1.1 request that asked for the upgrade (its answer comes in the new protocol)
     */
    StreamDecoder afterUpgrade(
            DecoderContext context,
            HttpRequest upgradeRequest,
            long requestStartedAtMicros,
            long requestEndedAtMicros,
            long requestBytes);
}
