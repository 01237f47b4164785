package dev.chaostesting.protocols.mysql;

import dev.chaostesting.protocols.mysql.internal.MysqlDecoder;
import dev.chaostesting.protocols.mysql.internal.MysqlInline;
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
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The MySQL and MariaDB client/server protocol: the connection handshake (credentials never recorded), text queries,
 * prepared statements with their binary parameters and rows, and the other commands by name. TLS and compressed
 * connections are recorded as raw TCP from the point they switch. Recognised by the server's greeting (protocol
 * version 10), which the server sends before the client says anything. In line ({@link InlineCodec}), matching
 * statements are answered with an injected ERR packet or end the connection: see {@link MysqlFaults}.
 */
public final class MysqlCodec implements ProtocolCodec, InlineCodec {

    private static final Set<String> SPEC_FIELDS = Set.of("match", "error", "disconnect");
    private static final Set<String> MATCH_FIELDS = Set.of("command", "kind", "table", "sql");
    private static final Set<String> ERROR_FIELDS = Set.of("code", "sqlState", "message", "rollback");

    /** How far into the greeting the server version string may run before the codec says no. */
    private static final int MAX_VERSION_LENGTH = 128;

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public Set<Integer> portHints() {
        return Set.of(3306);
    }

    /**
     * Claims a connection whose server spoke first with a packet of sequence id 0 holding protocol version 10, a server
     * version that starts with a digit and is printable up to its NUL, and the NUL filler after the first part of the
     * scramble.
     */
    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        if (side != Side.SERVER) {
            return Detection.NO_MATCH;
        }
        var b = firstBytes.duplicate();
        int n = b.remaining();
        int base = b.position();
        if (n < 6) {
            return prefixOk(b, base, n) ? Detection.NEED_MORE : Detection.NO_MATCH;
        }
        if (!prefixOk(b, base, 6)) {
            return Detection.NO_MATCH;
        }
        int length = (b.get(base) & 0xff) | (b.get(base + 1) & 0xff) << 8 | (b.get(base + 2) & 0xff) << 16;
        int i = 6;
        while (true) {
            if (i >= n) {
                return i - 5 > MAX_VERSION_LENGTH ? Detection.NO_MATCH : Detection.NEED_MORE;
            }
            int c = b.get(base + i) & 0xff;
            if (c == 0) {
                break;
            }
            if (c < 0x20 || c > 0x7e || i - 5 > MAX_VERSION_LENGTH) {
                return Detection.NO_MATCH;
            }
            i++;
        }
        // version NUL, connection id (4), scramble part 1 (8), filler 0x00, capabilities (2)
        int filler = i + 1 + 4 + 8;
        if (filler + 2 - 4 > length) {
            return Detection.NO_MATCH;
        }
        if (filler >= n) {
            return Detection.NEED_MORE;
        }
        return b.get(base + filler) == 0 ? Detection.MATCH : Detection.NO_MATCH;
    }

    /** Length plausible, sequence id 0, protocol version 10, version starting with a digit, as far as seen. */
    private static boolean prefixOk(ByteBuffer b, int base, int n) {
        if (n >= 3) {
            int length = (b.get(base) & 0xff) | (b.get(base + 1) & 0xff) << 8 | (b.get(base + 2) & 0xff) << 16;
            if (length < 20 || length > 1024) {
                return false;
            }
        }
        if (n >= 4 && b.get(base + 3) != 0) {
            return false;
        }
        if (n >= 5 && b.get(base + 4) != 10) {
            return false;
        }
        return n < 6 || (b.get(base + 5) >= '0' && b.get(base + 5) <= '9');
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new MysqlDecoder(context);
    }

    @Override
    public InlineHandler newInlineHandler(InlineContext context) {
        return new MysqlInline(context);
    }

    /**
     * A MySQL fault: {@code {"match": {"command": "QUERY" | "EXECUTE", "kind": "UPDATE", "table": "orders", "sql":
     * "regex"}, "error": {"code": 1213, "sqlState": "40001", "message": "..."}}}, or {@code "disconnect": "close" |
     * "reset"} in place of {@code error}; every part optional (no match: every statement; no error: 1213 deadlock).
     * {@code error.rollback} (default: true for 1213, as the server does on a deadlock) sends a ROLLBACK to the server in
     * place of the faulted command and answers the client with the error once it is done.
     */
    @Override
    public void checkFault(Map<String, Object> spec) {
        for (var key : spec.keySet()) {
            if (!SPEC_FIELDS.contains(key)) {
                throw new IllegalArgumentException(
                        "mysql fault: unknown field '" + key + "' (expected: match, error, disconnect)");
            }
        }
        if (spec.containsKey("match")) {
            if (!(spec.get("match") instanceof Map<?, ?> match)
                    || !match.keySet().stream().allMatch(MATCH_FIELDS::contains)
                    || !match.values().stream().allMatch(v -> v instanceof String)) {
                throw new IllegalArgumentException("mysql fault: match (expected a map of command, kind, table and sql"
                        + " as strings, e.g. {kind: UPDATE})");
            }
            if (match.get("command") instanceof String c
                    && !c.equalsIgnoreCase("QUERY")
                    && !c.equalsIgnoreCase("EXECUTE")) {
                throw new IllegalArgumentException(
                        "mysql fault: match command '" + c + "' (expected: QUERY or EXECUTE)");
            }
            if (match.get("sql") instanceof String regex) {
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(
                            "mysql fault: match sql '" + regex + "' (expected a regex: " + e.getDescription() + ")");
                }
            }
        }
        if (spec.containsKey("disconnect")) {
            if (spec.containsKey("error")) {
                throw new IllegalArgumentException("mysql fault: both error and disconnect (expected: one of them)");
            }
            var how = String.valueOf(spec.get("disconnect"));
            if (!how.equalsIgnoreCase("close") && !how.equalsIgnoreCase("reset")) {
                throw new IllegalArgumentException("mysql fault: disconnect '" + how + "' (expected: close or reset)");
            }
            return;
        }
        if (spec.containsKey("error")) {
            if (!(spec.get("error") instanceof Map<?, ?> error)
                    || !error.keySet().stream().allMatch(ERROR_FIELDS::contains)) {
                throw new IllegalArgumentException(
                        "mysql fault: error (expected a map of code, sqlState, message and rollback, e.g. {code: 1213})");
            }
            if (error.containsKey("rollback") && !(error.get("rollback") instanceof Boolean)) {
                throw new IllegalArgumentException(
                        "mysql fault: error rollback '" + error.get("rollback") + "' (expected: true or false)");
            }
            var code = error.get("code");
            if (code != null && !String.valueOf(code).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException(
                        "mysql fault: error code '" + code + "' (expected: a number from 1 to 65534)");
            }
        }
        try {
            MysqlInline.error(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mysql fault: error " + e.getMessage());
        }
    }
}
