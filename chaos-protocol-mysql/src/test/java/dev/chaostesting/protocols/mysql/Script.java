package dev.chaostesting.protocols.mysql;

import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.testing.CodecScript;

/** Scripts of MysqlCodec's traffic, played through it whole, in fragments and one byte at a time. */
final class Script extends CodecScript<Script> {

    static final ConnectionInfo CONNECTION = connection(3306);

    private Script() {
        super(new MysqlCodec(), CONNECTION);
    }

    static Script create() {
        return new Script();
    }
}
