/** Internals of the Kafka codec: framing, detection, message trees, records. Not part of the public API. */
@NullMarked
package dev.chaostesting.protocols.kafka.internal;

import org.jspecify.annotations.NullMarked;
