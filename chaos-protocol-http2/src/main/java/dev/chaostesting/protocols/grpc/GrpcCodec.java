package dev.chaostesting.protocols.grpc;

import dev.chaostesting.protocols.http2.Http2Codec;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;

/**
 * The name {@code grpc} for {@code --protocol=grpc}: the same decoder as {@link Http2Codec} (gRPC is HTTP/2). It never
 * claims a connection by detection, so that detection has one HTTP/2 codec to choose; the HTTP/2 codec records gRPC
 * streams as {@code grpc} interactions either way.
 */
public final class GrpcCodec implements ProtocolCodec {

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
}
