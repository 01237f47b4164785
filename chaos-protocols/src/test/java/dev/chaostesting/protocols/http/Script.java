package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.testing.CodecScript;

/** Scripts of Http1Codec's traffic, played through it whole, in fragments and one byte at a time. */
final class Script extends CodecScript<Script> {

    static final ConnectionInfo CONNECTION = connection(8080);

    private Script() {
        super(new Http1Codec(), CONNECTION);
    }

    static Script create() {
        return new Script();
    }
}
