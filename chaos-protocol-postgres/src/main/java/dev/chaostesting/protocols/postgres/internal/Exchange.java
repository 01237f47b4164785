package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.spi.DecoderContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One interaction being assembled: the client's messages that belong together (a Query; a Parse/Bind/Describe/Execute
 * group; the startup) and what the server answered to them.
 */
final class Exchange {

    enum Kind {
        STARTUP,
        ENCRYPTION,
        CANCEL,
        QUERY,
        EXTENDED,
        FUNCTION,
        TERMINATE,
        PUSH
    }

    final Kind kind;
    final long startedAt;
    private long firstResponseAt = -1;
    private long lastAt;
    private long requestBytes;
    private long responseBytes;
    /** The request's fields, checked as they are put (see {@link StructuredMessage#builder}). */
    StructuredMessage.Builder request = StructuredMessage.builder();

    final Map<String, @Nullable Object> response = new LinkedHashMap<>();
    final List<Result> results = new ArrayList<>();
    private @Nullable Result current;
    private @Nullable Map<String, @Nullable Object> errorFields;
    private final List<Map<String, @Nullable Object>> notices = new ArrayList<>();
    private final Map<String, @Nullable Object> parameterStatus = new LinkedHashMap<>();
    private @Nullable String transactionStatus;
    private @Nullable String error;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private boolean responded;

    /** Answers the server still owes for this exchange. */
    int pending;
    /** No further client message can join this exchange. */
    boolean closed;

    boolean skipped;

    // Extended query: the messages of the group.
    final List<String> messages = new ArrayList<>();
    final List<String> closedNames = new ArrayList<>();

    @Nullable
    Statement statement;

    @Nullable
    Bind bind;

    Fields.@Nullable Columns portalColumns;
    boolean hasParse;
    boolean hasBind;
    boolean hasDescribe;
    boolean hasExecute;
    boolean hasClose;
    boolean synced;
    long maxRows;

    Exchange(Kind kind, long startedAt) {
        this.kind = kind;
        this.startedAt = startedAt;
        this.lastAt = startedAt;
    }

    void clientBytes(long bytes, long lastAtMicros) {
        requestBytes += bytes;
        lastAt = Math.max(lastAt, lastAtMicros);
    }

    void serverBytes(long bytes, long firstAtMicros, long lastAtMicros) {
        responded = true;
        responseBytes += bytes;
        if (firstResponseAt < 0) {
            firstResponseAt = firstAtMicros;
        }
        lastAt = Math.max(lastAt, lastAtMicros);
    }

    void serverBytes(Frame frame) {
        serverBytes(frame.wireBytes(), frame.firstAt(), frame.lastAt());
    }

    void clientBytes(Frame frame) {
        clientBytes(frame.wireBytes(), frame.lastAt());
    }

    boolean complete() {
        return pending == 0 && closed;
    }

    /** The result being received, started if there is none. */
    Result current(int maxBodyBytes) {
        if (current == null) {
            var columns = portalColumns;
            if (columns == null && statement != null && statement.columns != null) {
                columns = statement.columns.withFormats(bind == null ? null : bind.resultFormats);
            }
            current = new Result(columns, maxBodyBytes);
            if (columns == null && bind != null) {
                current.formats(bind.resultFormats);
            }
            results.add(current);
        }
        return current;
    }

    @Nullable
    Result currentOrNull() {
        return current;
    }

    Result newResult(Fields.@Nullable Columns columns, int maxBodyBytes) {
        current = new Result(columns, maxBodyBytes);
        results.add(current);
        return current;
    }

    void endResult() {
        current = null;
    }

    void error(Map<String, @Nullable Object> fields) {
        if (errorFields == null) {
            errorFields = fields;
        }
        current = null;
    }

    boolean hasError() {
        return errorFields != null;
    }

    void notice(Map<String, @Nullable Object> fields) {
        if (notices.size() < 100) {
            notices.add(fields);
        }
    }

    void parameterStatus(String name, String value) {
        parameterStatus.put(name, value);
    }

    void transactionStatus(@Nullable String status) {
        transactionStatus = status;
    }

    void interactionError(String error) {
        if (this.error == null) {
            this.error = error;
        }
    }

    void attribute(String name, String value) {
        attributes.put(name, value);
    }

    Interaction.Builder build(DecoderContext context) {
        if (kind == Kind.EXTENDED) {
            Frontend.describeGroup(this);
        }
        var builder = context.newInteraction("postgresql", startedAt)
                .timeToFirstByteMicros(firstResponseAt < 0 ? -1 : firstResponseAt - startedAt)
                .durationMicros(lastAt - startedAt)
                .requestBytes(requestBytes)
                .responseBytes(responseBytes)
                .error(error)
                .attributes(attributes);
        if (kind != Kind.PUSH) {
            builder.request(request.build());
        }
        if (responded || !response.isEmpty()) {
            builder.response(responseMessage());
        }
        return builder;
    }

    private StructuredMessage responseMessage() {
        var out = StructuredMessage.builder();
        response.forEach(out::put);
        if (!results.isEmpty()) {
            // The last result is the statement's outcome (as psql shows it); all are listed when there are several.
            results.get(results.size() - 1).fields(out::put);
            if (results.size() > 1) {
                var all = new ArrayList<Map<String, @Nullable Object>>();
                for (var r : results) {
                    all.add(r.toFields());
                }
                out.put("results", all);
            }
        }
        if (errorFields != null) {
            out.put("error", errorFields);
        }
        if (!notices.isEmpty()) {
            out.put("notices", List.copyOf(notices));
        }
        if (!parameterStatus.isEmpty()) {
            out.put(kind == Kind.STARTUP ? "parameters" : "parameterStatus", new LinkedHashMap<>(parameterStatus));
        }
        if (transactionStatus != null) {
            out.put("transactionStatus", transactionStatus);
        }
        return out.build();
    }
}
