/**
 * The Redis codec ({@link dev.chaostesting.protocols.redis.RedisCodec}, RESP2 and RESP3) and the error replies a fault
 * can answer with ({@link dev.chaostesting.protocols.redis.RedisFaults}). Recorded fields are documented in
 * {@code docs/protocols/redis.md}.
 */
@NullMarked
package dev.chaostesting.protocols.redis;

import org.jspecify.annotations.NullMarked;
