package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.spi.DecoderContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one connection's decoder knows: exchanges not yet recorded (in the order the client started them), the answers
 * the server owes (in the order it will send them), and the prepared statements and portals by name.
 */
final class Session {

    /** The server answers each message in order; this is what it owes, and to which exchange. */
    enum Await {
        AUTH,
        QUERY,
        FUNCTION,
        PARSE,
        BIND,
        DESCRIBE_STATEMENT,
        DESCRIBE_PORTAL,
        EXECUTE,
        CLOSE,
        SYNC
    }

    record Pending(Await await, Exchange exchange, @Nullable Statement statement) {}

    /** Exchanges awaiting answers beyond this are not a client we can follow (memory stays bounded). */
    static final int MAX_OPEN = 100_000;

    /** Prepared statements kept per connection; the oldest is forgotten beyond this. */
    static final int MAX_STATEMENTS = 4096;
    /** SQL characters kept for prepared statements per connection; the oldest are forgotten beyond this. */
    static final long MAX_STATEMENT_CHARS = 8L << 20;
    /** Portals (with their parameter values) kept per connection; the oldest is forgotten beyond this. */
    static final int MAX_PORTALS = 64;

    final DecoderContext context;
    final int maxBodyBytes;
    final Deque<Exchange> open = new ArrayDeque<>();
    final Deque<Pending> pending = new ArrayDeque<>();
    private final Map<String, Statement> statements = bounded(MAX_STATEMENTS);
    final Map<String, Bind> portals = bounded(MAX_PORTALS);
    private long statementChars;
    /** The extended-query group client messages join, or null when the next one starts a new group. */
    @Nullable
    Exchange group;
    /** After an error in an extended query the server ignores everything up to the next Sync. */
    boolean skipUntilSync;

    Session(DecoderContext context) {
        this.context = context;
        this.maxBodyBytes = context.maxBodyBytes();
    }

    /** A new exchange started by the client: those before it can get no further client messages. */
    Exchange start(Exchange exchange) {
        // Every earlier exchange was closed when the one after it started.
        var last = open.peekLast();
        if (last != null) {
            last.closed = true;
        }
        open.addLast(exchange);
        return exchange;
    }

    void expect(Await await, Exchange exchange, @Nullable Statement statement) {
        exchange.pending++;
        pending.addLast(new Pending(await, exchange, statement));
    }

    @Nullable
    Pending head() {
        return pending.peekFirst();
    }

    void answered() {
        var p = pending.pollFirst();
        if (p != null) {
            p.exchange().pending--;
        }
    }

    /** Records the exchanges at the front that are complete, in order. */
    void emitReady() {
        while (!open.isEmpty() && open.peekFirst().complete()) {
            context.emit(open.pollFirst().build(context));
        }
    }

    /** Records a message the server sent on its own (a notification, a notice, a fatal error while idle). */
    void emitNow(Exchange exchange) {
        context.emit(exchange.build(context));
    }

    /**
     * Ends every open exchange: those still owed answers get {@code error}; then all are recorded in order.
     */
    void closeAll(@Nullable String error) {
        for (var e : open) {
            if (e.pending > 0 && error != null) {
                e.interactionError(error);
            }
            e.pending = 0;
            e.closed = true;
        }
        pending.clear();
        emitReady();
    }

    @Nullable
    Statement statement(String name) {
        return statements.get(name);
    }

    void putStatement(Statement statement) {
        forget(statements.put(statement.name, statement));
        statementChars += length(statement);
        var oldest = statements.values().iterator();
        while (statementChars > MAX_STATEMENT_CHARS && statements.size() > 1) {
            statementChars -= length(oldest.next());
            oldest.remove();
        }
    }

    void removeStatement(String name) {
        forget(statements.remove(name));
    }

    private void forget(@Nullable Statement statement) {
        if (statement != null) {
            statementChars -= length(statement);
        }
    }

    private static long length(Statement statement) {
        return statement.sql == null ? 0 : statement.sql.length();
    }

    private <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() <= max) {
                    return false;
                }
                if (eldest.getValue() instanceof Statement statement) {
                    forget(statement);
                }
                return true;
            }
        };
    }
}
