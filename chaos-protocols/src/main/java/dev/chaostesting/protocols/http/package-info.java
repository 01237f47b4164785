/**
 * The HTTP/1.x codec: {@link dev.chaostesting.protocols.http.Http1Codec}. Everything else in this package is its
 * implementation: a request-line sniffer, a head parser, a body framing state machine, a content decoder, and the
 * connection decoder that pairs requests with responses.
 */
@NullMarked
package dev.chaostesting.protocols.http;

import org.jspecify.annotations.NullMarked;
