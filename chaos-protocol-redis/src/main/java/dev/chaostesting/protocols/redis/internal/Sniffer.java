package dev.chaostesting.protocols.redis.internal;

import dev.chaostesting.spi.Detection;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Set;

/** Tells Redis from other protocols by the client's first bytes (see {@code RedisCodec}). */
public final class Sniffer {

    private Sniffer() {}

    /** The longest command name an array's first string may have to be taken for Redis. */
    private static final int MAX_NAME = 64;

    /** Command names accepted at the start of an inline command. */
    static final Set<String> INLINE_COMMANDS = Set.of(
            "ACL",
            "APPEND",
            "ASKING",
            "AUTH",
            "BGREWRITEAOF",
            "BGSAVE",
            "BITCOUNT",
            "BITFIELD",
            "BITOP",
            "BITPOS",
            "BLMOVE",
            "BLMPOP",
            "BLPOP",
            "BRPOP",
            "BRPOPLPUSH",
            "BZMPOP",
            "BZPOPMAX",
            "BZPOPMIN",
            "CLIENT",
            "CLUSTER",
            "COMMAND",
            "CONFIG",
            "COPY",
            "DBSIZE",
            "DEBUG",
            "DECR",
            "DECRBY",
            "DEL",
            "DISCARD",
            "DUMP",
            "ECHO",
            "EVAL",
            "EVALSHA",
            "EVAL_RO",
            "EVALSHA_RO",
            "EXEC",
            "EXISTS",
            "EXPIRE",
            "EXPIREAT",
            "EXPIRETIME",
            "FAILOVER",
            "FCALL",
            "FCALL_RO",
            "FLUSHALL",
            "FLUSHDB",
            "FUNCTION",
            "GEOADD",
            "GEODIST",
            "GEOHASH",
            "GEOPOS",
            "GEORADIUS",
            "GEOSEARCH",
            "GET",
            "GETBIT",
            "GETDEL",
            "GETEX",
            "GETRANGE",
            "GETSET",
            "HDEL",
            "HELLO",
            "HEXISTS",
            "HGET",
            "HGETALL",
            "HINCRBY",
            "HINCRBYFLOAT",
            "HKEYS",
            "HLEN",
            "HMGET",
            "HMSET",
            "HRANDFIELD",
            "HSCAN",
            "HSET",
            "HSETNX",
            "HSTRLEN",
            "HVALS",
            "INCR",
            "INCRBY",
            "INCRBYFLOAT",
            "INFO",
            "KEYS",
            "LASTSAVE",
            "LATENCY",
            "LCS",
            "LINDEX",
            "LINSERT",
            "LLEN",
            "LMOVE",
            "LMPOP",
            "LOLWUT",
            "LPOP",
            "LPOS",
            "LPUSH",
            "LPUSHX",
            "LRANGE",
            "LREM",
            "LSET",
            "LTRIM",
            "MEMORY",
            "MGET",
            "MIGRATE",
            "MODULE",
            "MONITOR",
            "MOVE",
            "MSET",
            "MSETNX",
            "MULTI",
            "OBJECT",
            "PERSIST",
            "PEXPIRE",
            "PEXPIREAT",
            "PEXPIRETIME",
            "PFADD",
            "PFCOUNT",
            "PFMERGE",
            "PING",
            "PSETEX",
            "PSUBSCRIBE",
            "PSYNC",
            "PTTL",
            "PUBLISH",
            "PUBSUB",
            "PUNSUBSCRIBE",
            "QUIT",
            "RANDOMKEY",
            "READONLY",
            "READWRITE",
            "RENAME",
            "RENAMENX",
            "REPLCONF",
            "REPLICAOF",
            "RESET",
            "RESTORE",
            "ROLE",
            "RPOP",
            "RPOPLPUSH",
            "RPUSH",
            "RPUSHX",
            "SADD",
            "SAVE",
            "SCAN",
            "SCARD",
            "SCRIPT",
            "SDIFF",
            "SDIFFSTORE",
            "SELECT",
            "SET",
            "SETBIT",
            "SETEX",
            "SETNX",
            "SETRANGE",
            "SHUTDOWN",
            "SINTER",
            "SINTERCARD",
            "SINTERSTORE",
            "SISMEMBER",
            "SLAVEOF",
            "SLOWLOG",
            "SMEMBERS",
            "SMISMEMBER",
            "SMOVE",
            "SORT",
            "SORT_RO",
            "SPOP",
            "SPUBLISH",
            "SRANDMEMBER",
            "SREM",
            "SSCAN",
            "SSUBSCRIBE",
            "STRLEN",
            "SUBSCRIBE",
            "SUNION",
            "SUNIONSTORE",
            "SUNSUBSCRIBE",
            "SWAPDB",
            "SYNC",
            "TIME",
            "TOUCH",
            "TTL",
            "TYPE",
            "UNLINK",
            "UNSUBSCRIBE",
            "UNWATCH",
            "WAIT",
            "WAITAOF",
            "WATCH",
            "XACK",
            "XADD",
            "XAUTOCLAIM",
            "XCLAIM",
            "XDEL",
            "XGROUP",
            "XINFO",
            "XLEN",
            "XPENDING",
            "XRANGE",
            "XREAD",
            "XREADGROUP",
            "XREVRANGE",
            "XTRIM",
            "ZADD",
            "ZCARD",
            "ZCOUNT",
            "ZDIFF",
            "ZDIFFSTORE",
            "ZINCRBY",
            "ZINTER",
            "ZINTERCARD",
            "ZINTERSTORE",
            "ZLEXCOUNT",
            "ZMPOP",
            "ZMSCORE",
            "ZPOPMAX",
            "ZPOPMIN",
            "ZRANDMEMBER",
            "ZRANGE",
            "ZRANGEBYLEX",
            "ZRANGEBYSCORE",
            "ZRANGESTORE",
            "ZRANK",
            "ZREM",
            "ZREMRANGEBYLEX",
            "ZREMRANGEBYRANK",
            "ZREMRANGEBYSCORE",
            "ZREVRANGE",
            "ZREVRANGEBYLEX",
            "ZREVRANGEBYSCORE",
            "ZREVRANK",
            "ZSCAN",
            "ZSCORE",
            "ZUNION",
            "ZUNIONSTORE");

    private static final int LONGEST_INLINE_NAME =
            INLINE_COMMANDS.stream().mapToInt(String::length).max().orElse(0);

    /** What the client's first bytes say; the buffer's position moves. */
    public static Detection detect(ByteBuffer b) {
        if (!b.hasRemaining()) {
            return Detection.NEED_MORE;
        }
        return b.get(b.position()) == '*' ? detectArray(b) : detectInline(b);
    }

    /** {@code *N\r\n$L\r\nNAME\r\n}, with 1 <= N, 1 <= L <= 64 and a name of letters, digits and {@code . _ - |}. */
    private static Detection detectArray(ByteBuffer b) {
        b.get();
        long count = number(b, 7);
        if (count < 0) {
            return count == NEED ? Detection.NEED_MORE : Detection.NO_MATCH;
        }
        if (count < 1) {
            return Detection.NO_MATCH;
        }
        if (!b.hasRemaining()) {
            return Detection.NEED_MORE;
        }
        if (b.get() != '$') {
            return Detection.NO_MATCH;
        }
        long length = number(b, 2);
        if (length < 0) {
            return length == NEED ? Detection.NEED_MORE : Detection.NO_MATCH;
        }
        if (length < 1 || length > MAX_NAME) {
            return Detection.NO_MATCH;
        }
        for (long i = 0; i < length; i++) {
            if (!b.hasRemaining()) {
                return Detection.NEED_MORE;
            }
            int c = b.get();
            if (!Character.isLetterOrDigit(c) && c != '.' && c != '_' && c != '-' && c != '|') {
                return Detection.NO_MATCH;
            }
        }
        return crlf(b);
    }

    /** A known command name, then the rest of the line, which must not end with {@code HTTP/1.x}. */
    private static Detection detectInline(ByteBuffer b) {
        var name = new StringBuilder();
        while (true) {
            if (!b.hasRemaining()) {
                return couldStartCommand(name.toString()) ? Detection.NEED_MORE : Detection.NO_MATCH;
            }
            char c = (char) (b.get() & 0xff);
            if (c == ' ' || c == '\r' || c == '\n') {
                break;
            }
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
                    || name.length() >= LONGEST_INLINE_NAME) {
                return Detection.NO_MATCH;
            }
            name.append(c);
        }
        if (!INLINE_COMMANDS.contains(name.toString().toUpperCase(Locale.ROOT))) {
            return Detection.NO_MATCH;
        }
        b.position(b.position() - 1);
        var line = new StringBuilder();
        while (true) {
            if (!b.hasRemaining()) {
                return Detection.NEED_MORE;
            }
            char c = (char) (b.get() & 0xff);
            if (c == '\n') {
                break;
            }
            line.append(c);
        }
        var text = line.toString().strip();
        return text.endsWith(" HTTP/1.1") || text.endsWith(" HTTP/1.0") ? Detection.NO_MATCH : Detection.MATCH;
    }

    private static boolean couldStartCommand(String prefix) {
        var upper = prefix.toUpperCase(Locale.ROOT);
        return INLINE_COMMANDS.stream().anyMatch(c -> c.startsWith(upper));
    }

    private static final long NEED = -1;
    private static final long BAD = -2;

    /** Decimal digits (1 to maxDigits) and CRLF: the value, or NEED when the bytes end first, or BAD. */
    private static long number(ByteBuffer b, int maxDigits) {
        long value = 0;
        int digits = 0;
        while (true) {
            if (!b.hasRemaining()) {
                return NEED;
            }
            int c = b.get();
            if (c >= '0' && c <= '9' && digits < maxDigits) {
                value = value * 10 + (c - '0');
                digits++;
            } else if (c == '\r' && digits > 0) {
                b.position(b.position() - 1);
                var end = crlf(b);
                return end == Detection.MATCH ? value : end == Detection.NEED_MORE ? NEED : BAD;
            } else {
                return BAD;
            }
        }
    }

    private static Detection crlf(ByteBuffer b) {
        for (char expected : new char[] {'\r', '\n'}) {
            if (!b.hasRemaining()) {
                return Detection.NEED_MORE;
            }
            if (b.get() != expected) {
                return Detection.NO_MATCH;
            }
        }
        return Detection.MATCH;
    }
}
