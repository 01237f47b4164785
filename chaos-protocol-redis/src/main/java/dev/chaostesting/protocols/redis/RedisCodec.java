package dev.chaostesting.protocols.redis;

import dev.chaostesting.protocols.redis.internal.InlineFault;
import dev.chaostesting.protocols.redis.internal.RedisDecoder;
import dev.chaostesting.protocols.redis.internal.RedisInline;
import dev.chaostesting.protocols.redis.internal.Sniffer;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.InlineCodec;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/**
 * Redis, RESP2 and RESP3 ({@code redis}). The client speaks first, with an array of bulk strings whose first string
 * looks like a command name ({@code *1\r\n$4\r\nPING\r\n}), or with an inline command, a line starting with a known
 * command name ({@code PING\r\n} typed in telnet). Port hint 6379. In line, commands matching a protocol fault are
 * answered with an error reply or end the connection ({@link RedisFaults#replyError}, {@link RedisFaults#closeOn}).
 */
public final class RedisCodec implements ProtocolCodec, InlineCodec {

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

    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return new RedisInline(context);
    }

    /**
     * A Redis fault: {@code {"match": {"command": "GET" | ["GET", "SET"], "key": "session:*"}, "error": {"prefix":
     * "READONLY", "message": "..."}}}, or {@code "close": "close" | "reset"} in place of {@code error}. No match: every
     * command but the connection's and transactions' own (AUTH, HELLO, SELECT, CLIENT, RESET, QUIT, MULTI, EXEC,
     * DISCARD, WATCH, UNWATCH). See docs/protocols/redis.md.
     */
    @Override
    public void checkFault(Map<String, Object> spec) {
        InlineFault.check(spec);
    }
}
