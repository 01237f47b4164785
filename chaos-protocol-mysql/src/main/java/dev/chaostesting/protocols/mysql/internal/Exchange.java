package dev.chaostesting.protocols.mysql.internal;

import dev.chaostesting.model.StructuredMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One command (or the connection handshake) and what the server answered so far. Mutable, owned by the decoder. */
final class Exchange {

    /** What kind of answer the command gets. */
    enum Expect {
        /** No answer at all (COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA). */
        NONE,
        /** An OK or an ERR (an EOF is taken as OK). */
        OK,
        /** OK, ERR, LOCAL INFILE request, or text result sets. */
        QUERY,
        /** OK, ERR or binary result sets. */
        EXECUTE,
        /** Binary rows of an open cursor. */
        FETCH,
        /** A prepared statement's description, or ERR. */
        PREPARE,
        /** One string packet (COM_STATISTICS). */
        STRING,
        /** Column definitions up to an EOF (COM_FIELD_LIST). */
        FIELD_LIST,
        /** Authentication: switches and more data, up to OK or ERR (handshake, COM_CHANGE_USER). */
        AUTH
    }

    /** Where in the answer the decoder is. */
    enum State {
        /** Waiting for the client's HandshakeResponse after the greeting. */
        GREETED,
        FIRST,
        COLUMNS,
        COLUMNS_EOF,
        ROWS,
        PARAMS,
        PARAMS_EOF,
        PREPARED_COLUMNS,
        PREPARED_COLUMNS_EOF,
        /** The client is sending a file for LOAD DATA LOCAL INFILE. */
        INFILE,
        AUTH,
        DONE
    }

    final int code;
    final Expect expect;
    /** The request's fields, checked as they are put (see {@link StructuredMessage#builder}). */
    final StructuredMessage.Builder request = StructuredMessage.builder();
    /** Fields of the response that belong to no single result (greeting, authentication, statistics). */
    final Map<String, @Nullable Object> response = new LinkedHashMap<>();

    final List<Result> results = new ArrayList<>();
    final Map<String, String> attributes = new LinkedHashMap<>();
    final long startedAt;
    State state;
    int lastSequenceId;
    long requestBytes;
    long responseBytes;
    long requestAt = -1;
    long firstResponseAt = -1;
    long lastAt;
    boolean answered;

    @Nullable
    String error;

    /** COM_STMT_EXECUTE payloads are decoded once the statement they name is known (prepare and execute pipeline). */
    byte @Nullable [] deferredPayload;

    boolean deferredTruncated;
    /** The prepared statement this command is about, once known. */
    Session.@Nullable Statement statement;

    /** Parameter definitions still to come in a COM_STMT_PREPARE answer. */
    long pending;

    Exchange(int code, Expect expect, long startedAt, State state) {
        this.code = code;
        this.expect = expect;
        this.startedAt = startedAt;
        this.lastAt = startedAt;
        this.state = state;
    }

    /** The most results of one command recorded: the first ones and the last; all are counted. */
    static final int MAX_RECORDED_RESULTS = 64;

    long resultCount;

    void addResult(Result r) {
        resultCount++;
        if (results.size() > MAX_RECORDED_RESULTS) {
            results.remove(results.size() - 1);
        }
        results.add(r);
    }

    @Nullable
    Result current() {
        return results.isEmpty() ? null : results.get(results.size() - 1);
    }

    boolean acceptsClientData() {
        return state == State.GREETED || state == State.AUTH || state == State.INFILE;
    }

    void addClient(Packet p) {
        requestBytes += p.wireBytes();
        lastSequenceId = p.lastSequenceId();
        lastAt = Math.max(lastAt, p.lastAt());
        if (requestAt < 0) {
            requestAt = p.firstAt();
        }
    }

    void addServer(Packet p) {
        responseBytes += p.wireBytes();
        lastSequenceId = p.lastSequenceId();
        lastAt = Math.max(lastAt, p.lastAt());
        if (firstResponseAt < 0 || (requestAt >= 0 && firstResponseAt < requestAt)) {
            firstResponseAt = p.firstAt();
        }
        answered = true;
    }

    /**
     * The response fields: those of the first result, {@code error} from whichever result failed, and {@code results}
     * with all of them when there were several.
     */
    /** The response: its own fields, then the first result's, then all results when there are several. */
    StructuredMessage responseMessage() {
        var f = StructuredMessage.builder();
        response.forEach(f::put);
        if (results.isEmpty()) {
            return f.build();
        }
        results.get(0).putFields(f);
        if (results.size() > 1) {
            var all = new ArrayList<Object>();
            for (var r : results) {
                all.add(r.toFields());
                if (r.fields.containsKey("error")) {
                    f.put("error", r.fields.get("error"));
                }
            }
            f.put("results", all);
            f.put("resultCount", resultCount);
        }
        return f.build();
    }
}
