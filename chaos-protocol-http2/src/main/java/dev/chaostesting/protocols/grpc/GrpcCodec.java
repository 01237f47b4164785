package dev.chaostesting.protocols.grpc;

import dev.chaostesting.protocols.http2.Http2Codec;
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

/**
 * The name {@code grpc} for {@code --protocol=grpc}: the same decoder as {@link Http2Codec} (gRPC is HTTP/2). It never
 * claims a connection by detection, so that detection has one HTTP/2 codec to choose; the HTTP/2 codec records gRPC
 * streams as {@code grpc} interactions either way.
 *
 * <p>Connections run in line are therefore {@code http2} connections, and gRPC faults are {@code http2} protocol faults
 * ({@link GrpcFaults#status}): a fault injected as {@code grpc} is refused with a one-line pointer to them.
 */
public final class GrpcCodec implements ProtocolCodec, InlineCodec {

    private final Http2Codec http2;

    /** A codec whose schemas come from the system property {@value GrpcSchemas#PROPERTY}, if set. */
    public GrpcCodec() {
        this(GrpcSchemas.fromSystemProperty());
    }

    /** A codec that decodes the messages of the methods these schemas describe with field names. */
    public GrpcCodec(GrpcSchemas schemas) {
        this.http2 = new Http2Codec(schemas);
    }

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        return Detection.NO_MATCH;
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return http2.newDecoder(context);
    }

    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return http2.newInlineHandler(context);
    }

    /** Always refuses: gRPC faults act on {@code http2} connections, so they are injected as protocol {@code http2}. */
    @Override
    public void checkFault(Map<String, Object> spec) {
        throw new IllegalArgumentException("grpc fault: inject it as protocol 'http2' (connections in line are http2;"
                + " e.g. GrpcFaults.status(\"helloworld.Greeter/*\", \"UNAVAILABLE\", \"down\"))");
    }
}
