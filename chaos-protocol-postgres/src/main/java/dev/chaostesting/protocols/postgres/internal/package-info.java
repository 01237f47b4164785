/** Internals of the PostgreSQL codec: framing, the decoder's state machine and value decoding. Not a public API. */
@NullMarked
package dev.chaostesting.protocols.postgres.internal;

import org.jspecify.annotations.NullMarked;
