/**
 * The HTTP/1.x codec: {@link dev.chaostesting.protocols.http.Http1Codec}, and its protocol faults carried out in line:
 * {@link dev.chaostesting.protocols.http.HttpFaults}. Everything else in this package is their implementation: a
 * request-line sniffer, a head parser, a body framing state machine, a content decoder, the connection decoder that
 * pairs requests with responses, and the in-line handler that answers, delays, cuts or replaces them.
 */
@NullMarked
package dev.chaostesting.protocols.http;

import org.jspecify.annotations.NullMarked;
