/**
 * The protocol codec SPI. A {@link dev.chaostesting.spi.ProtocolCodec} is found with {@link java.util.ServiceLoader};
 * for each connection it is offered the first bytes either side sent and, when it recognises them, gets a
 * {@link dev.chaostesting.spi.StreamDecoder} that sees both directions of that connection in the order they happened,
 * whether they come from the live proxy or from a stream reassembled from a packet capture.
 *
 * <p>Decoders observe: they get read-only views of bytes that are forwarded regardless of what they do. When a decoder
 * stops understanding the traffic it calls {@link dev.chaostesting.spi.DecoderContext#failOpen} and the rest of the
 * connection is recorded as raw TCP; an exception thrown by a decoder is handled the same way.
 */
@NullMarked
package dev.chaostesting.spi;

import org.jspecify.annotations.NullMarked;
