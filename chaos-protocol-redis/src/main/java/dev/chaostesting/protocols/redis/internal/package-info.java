/**
 * The Redis codec's implementation: the RESP reader (a state machine fed fragments of any size), the connection decoder
 * that pairs commands with replies, the recorded value tree and the secret finder.
 */
@NullMarked
package dev.chaostesting.protocols.redis.internal;

import org.jspecify.annotations.NullMarked;
