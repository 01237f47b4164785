/** The implementation of the HTTP/2 codec: frame reader, settings, streams, bodies and gRPC message framing. */
@NullMarked
package dev.chaostesting.protocols.http2.internal;

import org.jspecify.annotations.NullMarked;
