package dev.chaostesting.protocols.postgres;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Server messages that stand in for a real answer when a protocol fault is injected, as wire bytes (protocol 3). A
 * client reads them as it would read PostgreSQL: {@link #queryError} makes a query fail with a chosen SQLSTATE and
 * leaves the connection usable; {@link #fatal} (then closing the connection) makes the server appear to end the
 * session, as {@link #adminShutdown} does with {@code 57P01}.
 */
public final class PostgresFaults {

    private PostgresFaults() {}

    /**
     * A protocol fault for {@code Interceptor.inject}: statements of this kind (e.g. {@code UPDATE}; null: any) on this
     * table (null: any) are answered with an ERROR of this SQLSTATE instead of reaching the server. The interceptor must
     * run in line ({@code Interceptor.protocolFaults()}) for connections opened before the fault.
     */
    public static Fault statementError(@Nullable String kind, @Nullable String table, String sqlState) {
        var match = new LinkedHashMap<String, Object>();
        if (kind != null) {
            match.put("kind", kind);
        }
        if (table != null) {
            match.put("table", table);
        }
        return Faults.protocol("postgresql", Map.of("match", match, "error", Map.of("code", sqlState)))
                .named("postgresql_" + sqlState);
    }

    /**
     * A protocol fault that ends the session when a statement of this kind (null: any) comes: FATAL 57P01, as a server
     * being shut down sends, then the connection closes.
     */
    public static Fault terminateOn(@Nullable String kind) {
        Map<String, Object> match = kind == null ? Map.of() : Map.of("kind", kind);
        return Faults.protocol(
                        "postgresql", Map.of("match", match, "error", Map.of("code", "57P01", "severity", "FATAL")))
                .named("postgresql_57P01");
    }

    /**
     * An ErrorResponse with the given severity ({@code ERROR}, {@code FATAL}, {@code PANIC}), SQLSTATE (five digits or
     * upper-case letters, e.g. {@code 40001}) and message.
     */
    public static byte[] errorResponse(String severity, String sqlState, String message) {
        checkText("severity", severity);
        checkText("message", message);
        if (!sqlState.matches("[0-9A-Z]{5}")) {
            throw new IllegalArgumentException("sqlState: '" + sqlState + "' (expected: five digits or letters A-Z)");
        }
        var fields = new ByteArrayOutputStream();
        field(fields, 'S', severity);
        field(fields, 'V', severity);
        field(fields, 'C', sqlState);
        field(fields, 'M', message);
        fields.write(0);
        return message('E', fields.toByteArray());
    }

    /**
     * ReadyForQuery with a transaction status: {@code 'I'} idle, {@code 'T'} in a transaction block, {@code 'E'} in a
     * failed transaction block.
     */
    public static byte[] readyForQuery(char transactionStatus) {
        if (transactionStatus != 'I' && transactionStatus != 'T' && transactionStatus != 'E') {
            throw new IllegalArgumentException(
                    "transactionStatus: '" + transactionStatus + "' (expected: 'I', 'T' or 'E')");
        }
        return message('Z', new byte[] {(byte) transactionStatus});
    }

    /**
     * The answer to a query (a Query, or an extended query up to its Sync) that failed: ErrorResponse (severity
     * {@code ERROR}) then ReadyForQuery, idle. The connection stays usable.
     */
    public static byte[] queryError(String sqlState, String message) {
        return queryError(sqlState, message, 'I');
    }

    /** As {@link #queryError(String, String)}, with the transaction status ReadyForQuery reports. */
    public static byte[] queryError(String sqlState, String message, char transactionStatus) {
        var error = errorResponse("ERROR", sqlState, message);
        var ready = readyForQuery(transactionStatus);
        var out = new byte[error.length + ready.length];
        System.arraycopy(error, 0, out, 0, error.length);
        System.arraycopy(ready, 0, out, error.length, ready.length);
        return out;
    }

    /** An ErrorResponse with severity {@code FATAL}: the server ends the session; close the connection after it. */
    public static byte[] fatal(String sqlState, String message) {
        return errorResponse("FATAL", sqlState, message);
    }

    /** What a server being shut down sends before closing: FATAL {@code 57P01} (admin_shutdown). */
    public static byte[] adminShutdown() {
        return fatal("57P01", "terminating connection due to administrator command");
    }

    private static void field(ByteArrayOutputStream out, char code, String value) {
        out.write(code);
        out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static byte[] message(char type, byte[] payload) {
        int length = payload.length + 4;
        var out = new byte[1 + length];
        out[0] = (byte) type;
        out[1] = (byte) (length >>> 24);
        out[2] = (byte) (length >>> 16);
        out[3] = (byte) (length >>> 8);
        out[4] = (byte) length;
        System.arraycopy(payload, 0, out, 5, payload.length);
        return out;
    }

    private static void checkText(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + ": '" + value + "' (expected: non-empty, no NUL character)");
        }
    }
}
