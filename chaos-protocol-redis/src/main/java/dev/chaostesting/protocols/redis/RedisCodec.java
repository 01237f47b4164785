package dev.chaostesting.protocols.redis;

import dev.chaostesting.protocols.redis.internal.RedisDecoder;
import dev.chaostesting.protocols.redis.internal.Sniffer;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Redis, RESP2 and RESP3 ({@code redis}). The client speaks first, with an array of bulk strings whose first string
 * looks like a command name ({@code *1\r\n$4\r\nPING\r\n}), or with an inline command, a line starting with a known
 * command name ({@code PING\r\n} typed in telnet). Port hint 6379.
 */
public final class RedisCodec implements ProtocolCodec {

    @Override
    public String name() {
        return RedisDecoder.PROTOCOL;
    }

    @Override
    public Set<Integer> portHints() {
        return Set.of(6379);
    }

    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        return side == Side.CLIENT ? Sniffer.detect(firstBytes.duplicate()) : Detection.NO_MATCH;
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new RedisDecoder(context);
    }
}
