package dev.chaostesting.protocols.http2;

import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.protocols.grpc.GrpcSchemas;
import dev.chaostesting.protocols.http2.internal.Http2Decoder;
import dev.chaostesting.protocols.http2.internal.Http2Inline;
import dev.chaostesting.protocols.http2.internal.InlineFault;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.InlineCodec;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import dev.chaostesting.spi.UpgradeCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * HTTP/2 in clear text (h2c): recognised by the client connection preface ({@code PRI * HTTP/2.0}, "prior
 * knowledge"), or continued after an HTTP/1.1 {@code Upgrade: h2c} through {@link #newUpgradedDecoder}. One
 * interaction per stream, {@code http2} with HTTP messages, or {@code grpc} with decoded messages when the request's
 * content-type is {@code application/grpc*}. h2 over TLS cannot be recognised: it is recorded as raw TLS.
 *
 * <p>In line ({@link InlineCodec}), request streams matching a protocol fault {@code http2} are answered without
 * reaching the server: a gRPC status, an HTTP status or RST_STREAM; see {@link
 * dev.chaostesting.protocols.grpc.GrpcFaults} and {@code docs/protocols/http2.md}.
 */
public final class Http2Codec implements ProtocolCodec, InlineCodec, UpgradeCodec {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final GrpcSchemas schemas;

    /** A codec whose gRPC schemas come from the system property {@value GrpcSchemas#PROPERTY}, if set. */
    public Http2Codec() {
        this(GrpcSchemas.fromSystemProperty());
    }

    /** A codec that decodes gRPC messages of the methods these schemas describe with field names. */
    public Http2Codec(GrpcSchemas schemas) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
    }

    @Override
    public String name() {
        return "http2";
    }

    @Override
    public Set<Integer> portHints() {
        return Set.of(50051);
    }

    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        return detectPreface(side, firstBytes);
    }

    static Detection detectPreface(Side side, ByteBuffer firstBytes) {
        if (side != Side.CLIENT) {
            return serverSettings(firstBytes);
        }
        int n = Math.min(firstBytes.remaining(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (firstBytes.get(firstBytes.position() + i) != PREFACE[i]) {
                return Detection.NO_MATCH;
            }
        }
        return n == PREFACE.length ? Detection.MATCH : Detection.NEED_MORE;
    }

    /**
     * Servers (grpc-java, Netty) send their SETTINGS as soon as they accept, often before the client's preface is
     * seen: a first server frame that is a SETTINGS frame (type 4, no flags, stream 0, a few settings) is HTTP/2. No
     * other server-first protocol starts with these nine bytes.
     */
    private static Detection serverSettings(ByteBuffer b) {
        int p = b.position();
        int n = Math.min(b.remaining(), 9);
        for (int i = 0; i < n; i++) {
            int v = b.get(p + i) & 0xff;
            boolean ok = switch (i) {
                case 0, 1 -> v == 0;
                case 2 -> v % 6 == 0 && v <= 60;
                case 3 -> v == 4;
                default -> v == 0;
            };
            if (!ok) {
                return Detection.NO_MATCH;
            }
        }
        return n == 9 ? Detection.MATCH : Detection.NEED_MORE;
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new Http2Decoder(context, schemas);
    }

    /**
     * Continues a connection that switched from HTTP/1.1 to h2c: after the server's {@code 101 Switching Protocols},
     * the returned decoder is given the client's next bytes (the connection preface) and the server's bytes after the
     * 101 (its SETTINGS first). Stream 1 is the upgraded request, already sent whole: its response comes as HTTP/2,
     * and the interaction for stream 1 pairs the two. The client's settings are read from the request's {@code
     * HTTP2-Settings} header.
     *
     * @param upgradeRequest the HTTP/1.1 request that carried {@code Upgrade: h2c}
     * @param requestStartedAtMicros when its first byte was seen
     * @param requestEndedAtMicros when its last byte was seen
     * @param requestBytes its size on the wire
     * @throws IllegalArgumentException when {@code HTTP2-Settings} is not a valid settings payload
     */
    @Override
    public String upgradeProtocol() {
        return "h2c";
    }

    /** The HTTP/1.1 codec's hand-over after {@code Upgrade: h2c}: see {@link #newUpgradedDecoder}. */
    @Override
    public StreamDecoder afterUpgrade(
            DecoderContext context,
            HttpRequest upgradeRequest,
            long requestStartedAtMicros,
            long requestEndedAtMicros,
            long requestBytes) {
        return newUpgradedDecoder(context, upgradeRequest, requestStartedAtMicros, requestEndedAtMicros, requestBytes);
    }

    public StreamDecoder newUpgradedDecoder(
            DecoderContext context,
            HttpRequest upgradeRequest,
            long requestStartedAtMicros,
            long requestEndedAtMicros,
            long requestBytes) {
        return new Http2Decoder(
                context,
                schemas,
                upgradeRequest,
                requestStartedAtMicros,
                requestEndedAtMicros,
                requestBytes,
                upgradeRequest.headers().first("HTTP2-Settings").orElse(""));
    }

    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return new Http2Inline(context);
    }

    /**
     * An HTTP/2 fault: {@code "match": {"rpc": "helloworld.Greeter/*", "method": "GET", "path": "/api/*"}} (every
     * part optional; {@code rpc} only matches gRPC streams), and exactly one answer: {@code "grpcStatus":
     * "UNAVAILABLE"} (or 1..16) with an optional {@code "message"}, {@code "status": 503}, or {@code "rstStream":
     * "REFUSED_STREAM"} (or 0..13).
     */
    @Override
    public void checkFault(Map<String, Object> spec) {
        InlineFault.parse(spec);
    }
}
