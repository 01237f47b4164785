package dev.chaostesting.protocols.mysql;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Protocol-level faults for MySQL and MariaDB: faults carried out in line ({@link #statementError}, {@link
 * #lostConnection}), and the bytes of an ERR packet to send to a client in place of the server's answer. A client reads
 * it as the error of the command it sent (for JDBC, an {@code SQLException} with the error code and SQLSTATE; SQLSTATE
 * {@code 40001} becomes a {@code SQLTransactionRollbackException}).
 *
 * <pre>{@code
 * try (var proxy = Interceptor.onPort(3306).protocolFaults().start()) {
 *     proxy.inject(MysqlFaults.statementError("UPDATE", "orders", MysqlFaults.DEADLOCK));
 * }
 * byte[] deadlock = MysqlFaults.errorReply(MysqlFaults.DEADLOCK);
 * }</pre>
 */
public final class MysqlFaults {

    /** Error 1205, SQLSTATE HY000: a row lock was waited for longer than {@code innodb_lock_wait_timeout}. */
    public static final ServerError LOCK_WAIT_TIMEOUT =
            new ServerError(1205, "HY000", "Lock wait timeout exceeded; try restarting transaction");

    /** Error 1213, SQLSTATE 40001: the transaction was chosen as a deadlock victim and rolled back. */
    public static final ServerError DEADLOCK =
            new ServerError(1213, "40001", "Deadlock found when trying to get lock; try restarting transaction");

    /** Error 1040, SQLSTATE 08004: the server has no connection slot left. */
    public static final ServerError TOO_MANY_CONNECTIONS = new ServerError(1040, "08004", "Too many connections");

    /** Error 1053, SQLSTATE 08S01: the server is shutting down. */
    public static final ServerError SERVER_SHUTDOWN = new ServerError(1053, "08S01", "Server shutdown in progress");

    /** Error 1317, SQLSTATE 70100: the statement was killed or timed out ({@code max_statement_time}). */
    public static final ServerError QUERY_INTERRUPTED =
            new ServerError(1317, "70100", "Query execution was interrupted");

    /** The longest message encoded; longer ones are cut (clients show the message, nothing parses it). */
    static final int MAX_MESSAGE_BYTES = 65_535;

    /** Error 1969, SQLSTATE 70100: the statement ran longer than {@code max_statement_time} (MariaDB). */
    public static final ServerError STATEMENT_TIMEOUT =
            new ServerError(1969, "70100", "Query execution was interrupted (max_statement_time exceeded)");

    private MysqlFaults() {}

    /**
     * The server's own error for a code the chaos tests use most (1205, 1213, 1040, 1053, 1317, 1969), or one with
     * SQLSTATE {@code HY000} and a message naming the code.
     */
    public static ServerError known(int code) {
        for (var e : new ServerError[] {
            LOCK_WAIT_TIMEOUT, DEADLOCK, TOO_MANY_CONNECTIONS, SERVER_SHUTDOWN, QUERY_INTERRUPTED, STATEMENT_TIMEOUT
        }) {
            if (e.code() == code) {
                return e;
            }
        }
        return new ServerError(code, "HY000", "injected by chaos-testing (error " + code + ")");
    }

    /**
     * A protocol fault, carried out in line: text queries ({@code COM_QUERY}) and executions of prepared statements
     * ({@code COM_STMT_EXECUTE}) whose SQL is of this kind ({@code UPDATE}, {@code SELECT}...; null: any) and names this
     * table (null: any) are answered with this error instead of reaching the server. Named {@code mysql_<code>}. The
     * interceptor must run in line ({@code Interceptor.protocolFaults()}) for connections opened before the fault.
     */
    public static Fault statementError(@Nullable String kind, @Nullable String table, ServerError error) {
        return Faults.protocol("mysql", Map.of("match", match(kind, table, null), "error", spec(error)))
                .named("mysql_" + error.code());
    }

    /** As {@link #statementError(String, String, ServerError)}, for statements whose SQL this regex finds. */
    public static Fault statementErrorMatching(String sqlRegex, ServerError error) {
        return Faults.protocol("mysql", Map.of("match", match(null, null, sqlRegex), "error", spec(error)))
                .named("mysql_" + error.code());
    }

    /**
     * A protocol fault, carried out in line: when a matching statement (as for {@link #statementError}) comes, the
     * connection is closed (or reset) once the server has answered the commands before it; the statement never reaches
     * the server, and the client reports a lost connection (error 2013). Named {@code mysql_lost_connection}.
     */
    public static Fault lostConnection(@Nullable String kind, @Nullable String table, boolean reset) {
        return Faults.protocol(
                        "mysql", Map.of("match", match(kind, table, null), "disconnect", reset ? "reset" : "close"))
                .named("mysql_lost_connection");
    }

    private static Map<String, Object> match(@Nullable String kind, @Nullable String table, @Nullable String sql) {
        var match = new LinkedHashMap<String, Object>();
        if (kind != null) {
            match.put("kind", kind);
        }
        if (table != null) {
            match.put("table", table);
        }
        if (sql != null) {
            match.put("sql", sql);
        }
        return match;
    }

    private static Map<String, Object> spec(ServerError error) {
        return Map.of("code", error.code(), "sqlState", error.sqlState(), "message", error.message());
    }

    /**
     * An error the server could send.
     *
     * @param code the error number, 1 to 65534 (65535 is MariaDB's progress report, not an error)
     * @param sqlState five characters, e.g. {@code 40001}
     * @param message the text a client shows
     */
    public record ServerError(int code, String sqlState, String message) {
        public ServerError {
            if (code < 1 || code > 0xfffe) {
                throw new IllegalArgumentException("code: " + code + " (expected: 1 to 65534)");
            }
            Objects.requireNonNull(sqlState, "sqlState");
            Objects.requireNonNull(message, "message");
            if (sqlState.length() != 5 || !sqlState.chars().allMatch(c -> c >= 0x21 && c < 0x7f)) {
                throw new IllegalArgumentException("sqlState: '" + sqlState + "' (expected: 5 ASCII characters)");
            }
        }
    }

    /**
     * The ERR packet answering a command: sequence id 1, since the command's packet had 0. This is the reply to a
     * {@code COM_QUERY}, a {@code COM_STMT_PREPARE}, a {@code COM_STMT_EXECUTE} or a {@code COM_PING} sent in one
     * packet.
     */
    public static byte[] errorReply(ServerError error) {
        return errorPacket(1, error);
    }

    /**
     * An ERR packet with the given sequence id: the sequence id of the last packet the client sent, plus one (mod 256),
     * or the next one of a result set the server had started.
     */
    public static byte[] errorPacket(int sequenceId, ServerError error) {
        Objects.requireNonNull(error, "error");
        if (sequenceId < 0 || sequenceId > 255) {
            throw new IllegalArgumentException("sequenceId: " + sequenceId + " (expected: 0 to 255)");
        }
        var message = error.message().getBytes(StandardCharsets.UTF_8);
        int messageLength = Math.min(message.length, MAX_MESSAGE_BYTES);
        int payload = 1 + 2 + 1 + 5 + messageLength;
        var out = new byte[4 + payload];
        out[0] = (byte) payload;
        out[1] = (byte) (payload >> 8);
        out[2] = (byte) (payload >> 16);
        out[3] = (byte) sequenceId;
        out[4] = (byte) 0xff;
        out[5] = (byte) error.code();
        out[6] = (byte) (error.code() >> 8);
        out[7] = '#';
        System.arraycopy(error.sqlState().getBytes(StandardCharsets.US_ASCII), 0, out, 8, 5);
        System.arraycopy(message, 0, out, 13, messageLength);
        return out;
    }
}
