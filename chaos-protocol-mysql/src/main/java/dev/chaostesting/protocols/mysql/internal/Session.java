package dev.chaostesting.protocols.mysql.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What one connection has negotiated and prepared so far. */
final class Session {

    /** Prepared statements remembered per connection (MySQL's own default limit is 16382 for the whole server). */
    static final int MAX_STATEMENTS = 16384;
    /** The most characters of a prepared statement's SQL remembered for the executions that follow. */
    static final int MAX_STATEMENT_SQL_CHARS = 16384;

    /** A prepared statement. Mutable: executions bind parameter types, long data accumulates until the next execute. */
    static final class Statement {
        final long id;
        final String sql;
        int paramCount;
        List<Column> columns = List.of();
        int @Nullable [] paramTypes;
        final Map<Integer, Long> longData = new HashMap<>();

        Statement(long id, String sql) {
            this.id = id;
            this.sql = sql.length() > MAX_STATEMENT_SQL_CHARS ? sql.substring(0, MAX_STATEMENT_SQL_CHARS) : sql;
        }
    }

    /** The most bytes of SQL text recorded per command. */
    final int maxBodyBytes;

    long serverCapabilities;
    long clientCapabilities;
    boolean handshakeDone;
    long lastPrepared = -1;
    final Map<Long, Statement> statements = new HashMap<>();

    Session(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Whether both sides set this capability. */
    boolean has(long flag) {
        return (serverCapabilities & clientCapabilities & flag) != 0;
    }

    boolean deprecateEof() {
        return has(Protocol.CLIENT_DEPRECATE_EOF);
    }

    void prepared(Statement statement) {
        lastPrepared = statement.id;
        if (statements.size() < MAX_STATEMENTS || statements.containsKey(statement.id)) {
            statements.put(statement.id, statement);
        }
    }

    @Nullable
    Statement statement(long id) {
        return statements.get(id == 0xffffffffL ? lastPrepared : id);
    }
}
