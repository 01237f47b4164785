/**
 * gRPC on the HTTP/2 codec: {@link dev.chaostesting.protocols.grpc.GrpcSchemas} (descriptor sets or server reflection
 * for decoding messages with field names), {@link dev.chaostesting.protocols.grpc.GrpcFaults} (frames a fault engine can inject),
 * and {@link dev.chaostesting.protocols.grpc.GrpcCodec} (the name {@code grpc} for {@code --protocol}).
 */
@NullMarked
package dev.chaostesting.protocols.grpc;

import org.jspecify.annotations.NullMarked;
