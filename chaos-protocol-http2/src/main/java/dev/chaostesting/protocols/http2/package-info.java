/**
 * The HTTP/2 codec, {@link dev.chaostesting.protocols.http2.Http2Codec}: h2c with prior knowledge or after an
 * HTTP/1.1 upgrade, one interaction per stream; gRPC streams are decoded by the same codec (see
 * {@code dev.chaostesting.protocols.grpc}).
 */
@NullMarked
package dev.chaostesting.protocols.http2;

import org.jspecify.annotations.NullMarked;
