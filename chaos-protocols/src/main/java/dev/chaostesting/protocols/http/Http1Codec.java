package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.InlineCodec;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/**
 * HTTP/1.0 and HTTP/1.1 in clear text: one interaction per request and response, pipelining, chunked bodies and
 * trailers, interim responses, gzip and deflate bodies stored decoded, and raw recording of upgraded connections and
 * CONNECT tunnels. Recognised by the client's first bytes, which must start with a request line.
 *
 * <p>In line ({@link InlineCodec}), it carries out the faults of {@link HttpFaults}: answers in place of the server,
 * aborted connections, delayed response heads and truncated bodies, matched by method, path and headers.
 */
public final class Http1Codec implements ProtocolCodec, InlineCodec {

    private static final Set<Integer> PORTS = Set.of(80, 3000, 4000, 5000, 8000, 8008, 8080, 8081, 8888);

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Set<Integer> portHints() {
        return PORTS;
    }

    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        // HTTP/1 clients always speak first: a server that greets is some other protocol.
        return side == Side.CLIENT ? RequestLineSniffer.detect(firstBytes) : Detection.NO_MATCH;
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new Http1Decoder(context);
    }

    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return new Http1Inline(
                context, (delayNanos, action) -> context.schedule(java.time.Duration.ofNanos(delayNanos), action));
    }

    /**
     * Checks an {@code http} protocol fault's spec (see {@link HttpFaults} and docs/protocols/http.md).
     *
     * @throws IllegalArgumentException one line naming the field and what was expected
     */
    @Override
    public void checkFault(Map<String, Object> spec) {
        HttpFaultSpec.parse(spec);
    }
}
