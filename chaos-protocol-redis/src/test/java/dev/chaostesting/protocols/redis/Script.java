package dev.chaostesting.protocols.redis;

import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.testing.CodecScript;

/** Scripts of RedisCodec's traffic, played through it whole, in fragments and one byte at a time. */
final class Script extends CodecScript<Script> {

    static final ConnectionInfo CONNECTION = connection(6379);

    private Script() {
        super(new RedisCodec(), CONNECTION);
    }

    static Script create() {
        return new Script();
    }
}
