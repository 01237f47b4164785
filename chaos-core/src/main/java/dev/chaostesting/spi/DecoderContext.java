package dev.chaostesting.spi;

import dev.chaostesting.model.Interaction;
import java.nio.ByteBuffer;
import java.util.Map;

/** What a {@link StreamDecoder} is given to report what it decoded. */
public interface DecoderContext {

    ConnectionInfo connection();

    /** The most bytes of one body to record; a longer body is recorded truncated (forwarding is never affected). */
    int maxBodyBytes();

    /**
     * A builder with this connection's fields (connection id, addresses, direction) and the given protocol and start
     * time filled in. The sequence number is assigned by {@link #emit}.
     */
    Interaction.Builder newInteraction(String protocol, long startedAtMicros);

    /** Records one decoded interaction. */
    void emit(Interaction.Builder interaction);

    /**
     * Hands the rest of the connection to the raw TCP recorder on purpose (not an error): e.g. after an HTTP upgrade or
     * CONNECT, when both directions carry a tunnel. Every raw turn recorded from now on carries {@code attributes}.
     * The returned decoder is the raw recorder: feed it, in order and with their own times, the bytes (and ends) this
     * decoder already received but did not record; after this call returns, every further byte goes straight to it and
     * this decoder gets no more calls.
     */
    StreamDecoder switchToRaw(Map<String, String> attributes);

    /**
     * Gives up decoding: from now on the connection is recorded as raw TCP, starting with the bytes this decoder had
     * received but not turned into interactions (so nothing is lost), and the decoder gets no further calls.
     *
     * @param reason one line naming what was wrong, e.g. {@code "status line: 'HTPP/1.1 200' (expected: HTTP/1.x)"}
     * @param unparsedClient bytes from the client not yet recorded, in order (may be empty)
     * @param unparsedServer bytes from the server not yet recorded, in order (may be empty)
     */
    void failOpen(String reason, ByteBuffer unparsedClient, ByteBuffer unparsedServer);
}
