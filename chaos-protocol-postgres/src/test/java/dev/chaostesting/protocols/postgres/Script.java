package dev.chaostesting.protocols.postgres;

import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.testing.CodecScript;

/** Scripts of PostgresCodec's traffic, played through it whole, in fragments and one byte at a time. */
final class Script extends CodecScript<Script> {

    static final ConnectionInfo CONNECTION = connection(5432);

    private Script() {
        super(new PostgresCodec(), CONNECTION);
    }

    static Script create() {
        return new Script();
    }
}
