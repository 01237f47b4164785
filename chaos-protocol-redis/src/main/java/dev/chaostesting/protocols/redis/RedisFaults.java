package dev.chaostesting.protocols.redis;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Error replies a fault can answer a Redis command with, as wire bytes. Each factory gives the text the Redis server
 * itself sends, so clients react as they would to the real thing (Jedis raises {@code JedisMovedDataException} for
 * {@code MOVED}, {@code JedisDataException} for the others...).
 *
 * <pre>{@code
 * byte[] reply = RedisFaults.loading().encode(RedisFaults.Protocol.RESP2); // -LOADING Redis is loading ...\r\n
 * }</pre>
 *
 * <p>As protocol faults carried out in line ({@code Interceptor.protocolFaults()}), matching commands get such a reply
 * in place of the server, which never sees them:
 *
 * <pre>{@code
 * proxy.inject(RedisFaults.replyError(RedisFaults.Match.key("session:*").commands("GET"), RedisFaults.readOnly()));
 * proxy.inject(RedisFaults.closeOn(RedisFaults.Match.any(), true)); // the cache goes away
 * }</pre>
 */
public final class RedisFaults {

    /**
     * Which commands a protocol fault acts on: command names (any case; none: every command but the connection's and
     * transactions' own, AUTH, HELLO, SELECT, CLIENT, RESET, QUIT, MULTI, EXEC, DISCARD, WATCH, UNWATCH) and a key glob
     * ({@code *}, {@code ?}, {@code [a-z]}, as {@code KEYS} takes; null: any key, or none).
     *
     * @param commands command names, e.g. {@code GET}; empty: any
     * @param key a glob one of the command's keys must match, e.g. {@code session:*}; null: no condition
     */
    public record Match(List<String> commands, @Nullable String key) {
        public Match {
            commands = List.copyOf(commands);
            if (key != null && key.isEmpty()) {
                throw new IllegalArgumentException("key: '' (expected: a glob such as 'session:*', or null)");
            }
        }

        /** Every command (but the connection's and transactions' own). */
        public static Match any() {
            return new Match(List.of(), null);
        }

        /** These commands, whatever their keys. */
        public static Match commands(String... names) {
            return new Match(List.of(names), null);
        }

        /** Commands with a key matching this glob. */
        public static Match key(String glob) {
            return new Match(List.of(), glob);
        }

        /** The same key condition, for these commands only. */
        public Match andCommands(String... names) {
            return new Match(List.of(names), key);
        }

        Map<String, Object> spec() {
            var match = new LinkedHashMap<String, Object>();
            if (!commands.isEmpty()) {
                match.put("command", commands);
            }
            if (key != null) {
                match.put("key", key);
            }
            return match;
        }
    }

    /**
     * A protocol fault for {@code Interceptor.inject}: matching commands are answered with this error reply instead of
     * reaching the server (spec {@code {"match": ..., "error": {"prefix", "message"}}}). Named {@code redis_<prefix>}.
     * Connections opened before it need the interceptor in line ({@code Interceptor.protocolFaults()}).
     */
    public static Fault replyError(Match match, ErrorReply error) {
        return Faults.protocol(
                        "redis",
                        Map.of(
                                "match",
                                match.spec(),
                                "error",
                                Map.of("prefix", error.prefix(), "message", error.message())))
                .named("redis_" + error.prefix().toLowerCase(Locale.ROOT));
    }

    /**
     * A protocol fault that ends the connection when a matching command comes (once the server has answered the
     * commands before it), the command never reaching the server: a reset ({@code RST}) or a plain close. Named
     * {@code redis_reset} or {@code redis_close}.
     */
    public static Fault closeOn(Match match, boolean reset) {
        var how = reset ? "reset" : "close";
        return Faults.protocol("redis", Map.of("match", match.spec(), "close", how))
                .named("redis_" + how);
    }

    /** The protocol version a connection speaks (RESP3 after {@code HELLO 3}). */
    public enum Protocol {
        RESP2,
        RESP3
    }

    /**
     * An error reply: an upper-case prefix (the error code clients switch on) and a message.
     *
     * @param prefix e.g. {@code ERR}, {@code LOADING}, {@code MOVED}: upper-case letters, digits, {@code _}, {@code -}
     * @param message the rest of the line; may be empty
     */
    public record ErrorReply(String prefix, String message) {
        public ErrorReply {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(message, "message");
            if (!prefix.matches("[A-Z][A-Z0-9_-]*")) {
                throw new IllegalArgumentException(
                        "prefix: '" + prefix + "' (expected: upper-case letters, digits, '_' or '-')");
            }
        }

        /** The error's text as a client shows it: prefix, space, message. */
        public String text() {
            return message.isEmpty() ? prefix : prefix + " " + message;
        }

        /**
         * The reply's bytes. A simple error ({@code -PREFIX message\r\n}) in both versions; in RESP2 line breaks in the
         * message become spaces (as the server does), in RESP3 a message with line breaks is sent whole as a bulk error
         * ({@code !<length>\r\n...\r\n}).
         */
        public byte[] encode(Protocol protocol) {
            var text = text();
            boolean multiline = text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0;
            var out = new ByteArrayOutputStream();
            if (multiline && protocol == Protocol.RESP3) {
                var bytes = text.getBytes(StandardCharsets.UTF_8);
                out.writeBytes(("!" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(bytes);
            } else {
                out.writeBytes(("-" + text.replace('\r', ' ').replace('\n', ' ')).getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes(new byte[] {'\r', '\n'});
            return out.toByteArray();
        }
    }

    private RedisFaults() {}

    /** Any error reply. */
    public static ErrorReply error(String prefix, String message) {
        return new ErrorReply(prefix, message);
    }

    /** {@code -ERR message}: the generic error. */
    public static ErrorReply err(String message) {
        return new ErrorReply("ERR", message);
    }

    /** {@code -LOADING}: the server is still loading its data set after a restart. */
    public static ErrorReply loading() {
        return new ErrorReply("LOADING", "Redis is loading the dataset in memory");
    }

    /** {@code -READONLY}: a write sent to a replica. */
    public static ErrorReply readOnly() {
        return new ErrorReply("READONLY", "You can't write against a read only replica.");
    }

    /** {@code -OOM}: a write refused because memory reached {@code maxmemory}. */
    public static ErrorReply oom() {
        return new ErrorReply("OOM", "command not allowed when used memory > 'maxmemory'.");
    }

    /** {@code -BUSY}: a script or function is running too long. */
    public static ErrorReply busy() {
        return new ErrorReply(
                "BUSY", "Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
    }

    /** {@code -NOSCRIPT}: {@code EVALSHA} of a script the server does not have (after a restart or failover). */
    public static ErrorReply noScript() {
        return new ErrorReply("NOSCRIPT", "No matching script. Please use EVAL.");
    }

    /** {@code -WRONGTYPE}: a command against a key holding another type of value. */
    public static ErrorReply wrongType() {
        return new ErrorReply("WRONGTYPE", "Operation against a key holding the wrong kind of value");
    }

    /** {@code -NOAUTH}: a command sent before authenticating. */
    public static ErrorReply noAuth() {
        return new ErrorReply("NOAUTH", "Authentication required.");
    }

    /** {@code -CLUSTERDOWN}: the cluster cannot serve the slot. */
    public static ErrorReply clusterDown() {
        return new ErrorReply("CLUSTERDOWN", "The cluster is down");
    }

    /** {@code -TRYAGAIN}: a multi-key command during a slot migration. */
    public static ErrorReply tryAgain() {
        return new ErrorReply("TRYAGAIN", "Multiple keys request during rehashing of slot");
    }

    /** {@code -MOVED slot host:port}: the slot is served by another node from now on (cluster). */
    public static ErrorReply moved(int slot, String host, int port) {
        return new ErrorReply("MOVED", slot(slot) + " " + address(host, port));
    }

    /** {@code -ASK slot host:port}: this one command must go to another node (slot being migrated). */
    public static ErrorReply ask(int slot, String host, int port) {
        return new ErrorReply("ASK", slot(slot) + " " + address(host, port));
    }

    private static int slot(int slot) {
        if (slot < 0 || slot > 16383) {
            throw new IllegalArgumentException("slot: " + slot + " (expected: 0 to 16383)");
        }
        return slot;
    }

    private static String address(String host, int port) {
        if (host.isEmpty() || host.contains(" ") || port < 1 || port > 65535) {
            throw new IllegalArgumentException("address: '" + host + ":" + port + "' (expected: host:port)");
        }
        return host + ":" + port;
    }
}
