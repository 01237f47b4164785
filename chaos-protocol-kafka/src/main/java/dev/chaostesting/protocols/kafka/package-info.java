/**
 * The Kafka codec ({@link dev.chaostesting.protocols.kafka.KafkaCodec}), the broker address rewriting that keeps
 * clients talking through the proxy ({@link dev.chaostesting.protocols.kafka.KafkaAddressRewriter}), and error
 * responses for protocol faults ({@link dev.chaostesting.protocols.kafka.KafkaFaults}). Built on kafka-clients'
 * internal protocol classes, at the version this module pins.
 */
@NullMarked
package dev.chaostesting.protocols.kafka;

import org.jspecify.annotations.NullMarked;
