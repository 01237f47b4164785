package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * HTTP/1.0 and HTTP/1.1 in clear text: one interaction per request and response, pipelining, chunked bodies and
 * trailers, interim responses, gzip and deflate bodies stored decoded, and raw recording of upgraded connections and
 * CONNECT tunnels. Recognised by the client's first bytes, which must start with a request line.
 */
public final class Http1Codec implements ProtocolCodec {

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
}
