/** Protobuf decoding for recordings: without a schema (field tree) and with a message descriptor (named fields). */
@NullMarked
package dev.chaostesting.protocols.grpc.internal;

import org.jspecify.annotations.NullMarked;
