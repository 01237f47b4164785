package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.protocols.postgres.PostgresFaults;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.Side;
import dev.chaostesting.sql.SqlMatch;
import dev.chaostesting.sql.SqlStatement;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PostgreSQL in line: statements matching a protocol fault are answered with an ErrorResponse (and ReadyForQuery) in
 * place of the server, which never sees them; everything else passes through. Answers keep their turn: an answer is
 * sent only once the server has answered every earlier query (counted by its ReadyForQuery messages). Extended-query
 * messages are held from one Sync to the next and judged together: a batch with a matching Parse (or a Bind of a
 * matching prepared statement) is answered with the error, as the server would answer a batch whose first message
 * failed. A Flush inside a batch sends what was held on (the client waits for answers): a batch partly sent is no
 * longer faulted. TLS, GSS encryption and cancel requests pass through untouched.
 */
public final class PostgresInline implements InlineHandler {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int CANCEL_REQUEST = 80877102;
    private static final byte[] THEIRS = new byte[0];

    private enum Phase {
        STARTUP,
        AWAIT_ENCRYPTION_ANSWER,
        NORMAL,
        PASS_THROUGH
    }

    private final InlineContext context;
    private Phase phase = Phase.STARTUP;
    private final ByteArrayOutputStream client = new ByteArrayOutputStream();
    /** Extended-query messages held since the last Sync. */
    private final List<byte[]> batch = new ArrayList<>();

    private boolean batchSent;
    private boolean discardUntilSync;
    private @Nullable Fault batchFault;
    /** In the order the client asked: {@link #THEIRS} for an answer the server owes, or our answer waiting its turn. */
    private final ArrayDeque<byte[]> answers = new ArrayDeque<>();

    private boolean closeAfterAnswers;
    private final Map<String, String> statements = new HashMap<>();
    private char transactionStatus = 'I';
    // Server framing: a message header being read, then the rest of the message body.
    private final byte[] serverHeader = new byte[5];
    private int serverHeaderRead;
    private long serverBodyLeft;

    private record Fault(String name, String severity, String code, String message) {}

    public PostgresInline(InlineContext context) {
        this.context = context;
    }

    @Override
    public void onData(Side from, ByteBuffer data) {
        if (phase == Phase.PASS_THROUGH) {
            context.send(from.other(), data);
            return;
        }
        if (from == Side.SERVER) {
            server(data);
        } else {
            var bytes = new byte[data.remaining()];
            data.get(bytes);
            client.write(bytes, 0, bytes.length);
            clientMessages();
        }
    }

    @Override
    public void onEnd(Side from) {
        if (from == Side.CLIENT) {
            // Whatever is held goes on as it is: the server will see the end right after.
            for (var message : batch) {
                context.send(Side.SERVER, ByteBuffer.wrap(message));
            }
            batch.clear();
            if (client.size() > 0) {
                context.send(Side.SERVER, ByteBuffer.wrap(client.toByteArray()));
                client.reset();
            }
        }
    }

    private void clientMessages() {
        while (phase != Phase.PASS_THROUGH) {
            var bytes = client.toByteArray();
            boolean untyped = phase == Phase.STARTUP || phase == Phase.AWAIT_ENCRYPTION_ANSWER;
            int header = untyped ? 4 : 5;
            if (bytes.length < header) {
                return;
            }
            int length = ByteBuffer.wrap(bytes, untyped ? 0 : 1, 4).getInt();
            if (length < 4 || length > (1 << 30)) {
                passThrough(bytes);
                return;
            }
            int total = length + (untyped ? 0 : 1);
            if (bytes.length < total) {
                return;
            }
            var message = java.util.Arrays.copyOf(bytes, total);
            client.reset();
            client.write(bytes, total, bytes.length - total);
            if (untyped) {
                startup(message);
            } else {
                typed(message);
            }
        }
    }

    private void startup(byte[] message) {
        int code = message.length >= 8 ? ByteBuffer.wrap(message, 4, 4).getInt() : 0;
        context.send(Side.SERVER, ByteBuffer.wrap(message));
        if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
            phase = Phase.AWAIT_ENCRYPTION_ANSWER;
        } else if (code == CANCEL_REQUEST) {
            passThrough(client.toByteArray());
        } else {
            phase = Phase.NORMAL;
        }
    }

    private void typed(byte[] message) {
        char type = (char) message[0];
        if (discardUntilSync && type != 'S') {
            return; // the server would skip these after an error, and so do we
        }
        switch (type) {
            case 'Q' -> {
                var fault = match(cstring(message, 5));
                if (fault == null) {
                    answers.add(THEIRS);
                    context.send(Side.SERVER, ByteBuffer.wrap(message));
                } else {
                    answer(fault, true);
                }
            }
            case 'P' -> {
                int nameEnd = indexOfZero(message, 5);
                var name = new String(message, 5, nameEnd - 5, StandardCharsets.UTF_8);
                var sql = cstring(message, nameEnd + 1);
                statements.put(name, sql);
                extended(message, match(sql));
            }
            case 'B' -> {
                int portalEnd = indexOfZero(message, 5);
                var statement = cstring(message, portalEnd + 1);
                var sql = statements.get(statement);
                extended(message, sql == null ? null : match(sql));
            }
            case 'D', 'E', 'C' -> extended(message, null);
            case 'H' -> {
                sendBatch();
                batchSent = true;
                context.send(Side.SERVER, ByteBuffer.wrap(message));
            }
            case 'S' -> sync(message);
            default -> context.send(Side.SERVER, ByteBuffer.wrap(message));
        }
    }

    private void extended(byte[] message, @Nullable Fault fault) {
        if (batchSent) {
            context.send(Side.SERVER, ByteBuffer.wrap(message));
            return;
        }
        batch.add(message);
        if (fault != null && batchFault == null) {
            batchFault = fault;
        }
    }

    private void sync(byte[] message) {
        if (discardUntilSync) {
            discardUntilSync = false;
            queue(PostgresFaults.readyForQuery(statusAfterError()));
            return;
        }
        var fault = batchSent ? null : batchFault;
        if (fault != null) {
            batch.clear();
            batchFault = null;
            answer(fault, true);
            return;
        }
        sendBatch();
        batchSent = false;
        answers.add(THEIRS);
        context.send(Side.SERVER, ByteBuffer.wrap(message));
    }

    private void sendBatch() {
        for (var m : batch) {
            context.send(Side.SERVER, ByteBuffer.wrap(m));
        }
        batch.clear();
        batchFault = null;
    }

    /** Our answer to a query, in its turn: ErrorResponse then ReadyForQuery (or, FATAL, the end of the session). */
    private void answer(Fault fault, boolean withReady) {
        context.acted(fault.name());
        if (fault.severity().equals("FATAL")) {
            queue(PostgresFaults.fatal(fault.code(), fault.message()));
            closeAfterAnswers = true;
            release();
            return;
        }
        var error = PostgresFaults.errorResponse(fault.severity(), fault.code(), fault.message());
        if (!withReady) {
            queue(error);
            return;
        }
        var ready = PostgresFaults.readyForQuery(statusAfterError());
        var both = new byte[error.length + ready.length];
        System.arraycopy(error, 0, both, 0, error.length);
        System.arraycopy(ready, 0, both, error.length, ready.length);
        queue(both);
    }

    private char statusAfterError() {
        return transactionStatus == 'I' ? 'I' : 'E';
    }

    private void queue(byte[] ours) {
        answers.add(ours);
        release();
    }

    /** Sends our answers that are next in turn; after a FATAL one, closes the connection. */
    private void release() {
        while (!answers.isEmpty() && answers.peek() != THEIRS) {
            context.send(Side.CLIENT, ByteBuffer.wrap(answers.poll()));
            if (closeAfterAnswers && answers.isEmpty()) {
                context.close(false);
                return;
            }
        }
    }

    /** Server bytes pass on as they come; the end of each ReadyForQuery lets the answers waiting for it go. */
    private void server(ByteBuffer data) {
        if (phase == Phase.AWAIT_ENCRYPTION_ANSWER) {
            byte answer = data.get(data.position());
            context.send(Side.CLIENT, data.duplicate().limit(data.position() + 1));
            data.position(data.position() + 1);
            if (answer == 'S' || answer == 'G') {
                passThrough(client.toByteArray());
                context.send(Side.CLIENT, data);
                return;
            }
            phase = Phase.STARTUP; // refused: the client goes on without encryption
            if (!data.hasRemaining()) {
                return;
            }
        }
        int start = data.position();
        while (data.hasRemaining()) {
            if (serverBodyLeft > 0) {
                int n = (int) Math.min(serverBodyLeft, data.remaining());
                if (serverHeader[0] == 'Z' && serverBodyLeft == 1) {
                    transactionStatus = (char) data.get(data.position());
                }
                data.position(data.position() + n);
                serverBodyLeft -= n;
                if (serverBodyLeft == 0 && serverHeader[0] == 'Z') {
                    context.send(Side.CLIENT, data.duplicate().position(start).limit(data.position()));
                    start = data.position();
                    if (!answers.isEmpty() && answers.peek() == THEIRS) {
                        answers.poll();
                    }
                    release();
                }
                continue;
            }
            serverHeader[serverHeaderRead++] = data.get();
            if (serverHeaderRead == 5) {
                serverHeaderRead = 0;
                serverBodyLeft = ByteBuffer.wrap(serverHeader, 1, 4).getInt() - 4L;
                if (serverBodyLeft < 0) {
                    context.send(Side.CLIENT, data.duplicate().position(start));
                    passThrough(client.toByteArray());
                    return;
                }
            }
        }
        context.send(Side.CLIENT, data.duplicate().position(start));
    }

    private void passThrough(byte[] heldFromClient) {
        phase = Phase.PASS_THROUGH;
        for (var m : batch) {
            context.send(Side.SERVER, ByteBuffer.wrap(m));
        }
        batch.clear();
        client.reset();
        if (heldFromClient.length > 0) {
            context.send(Side.SERVER, ByteBuffer.wrap(heldFromClient));
        }
    }

    /** The first fault whose match this statement meets, or null. */
    private @Nullable Fault match(String sql) {
        for (var fault : context.faults()) {
            if (matches(fault.spec(), sql)) {
                return toFault(fault);
            }
        }
        return null;
    }

    static boolean matches(Map<String, Object> spec, String sql) {
        if (!(spec.get("match") instanceof Map<?, ?> match)) {
            return true; // no match: every statement
        }
        return SqlMatch.matches(match, sql, () -> SqlStatement.analyze(sql));
    }

    private static Fault toFault(InlineContext.ActiveFault active) {
        var error = active.spec().get("error") instanceof Map<?, ?> e ? e : Map.of();
        var code = String.valueOf(error.get("code") == null ? "40001" : error.get("code"));
        var severity = String.valueOf(error.get("severity") == null ? "ERROR" : error.get("severity"));
        var message = error.get("message") == null ? defaultMessage(code) : String.valueOf(error.get("message"));
        return new Fault(active.name(), severity.toUpperCase(Locale.ROOT), code, message);
    }

    /** PostgreSQL's own wording for the SQLSTATEs chaos tests use most. */
    static String defaultMessage(String code) {
        return switch (code) {
            case "40001" -> "could not serialize access due to concurrent update";
            case "40P01" -> "deadlock detected";
            case "57P01" -> "terminating connection due to administrator command";
            case "57014" -> "canceling statement due to statement timeout";
            case "53300" -> "sorry, too many clients already";
            case "08006" -> "connection failure";
            case "55P03" -> "could not obtain lock on row in relation";
            case "23505" -> "duplicate key value violates unique constraint";
            default -> "injected by chaos-testing (SQLSTATE " + code + ")";
        };
    }

    private static int indexOfZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    private static String cstring(byte[] b, int from) {
        if (from >= b.length) {
            return "";
        }
        int end = indexOfZero(b, from);
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }
}
