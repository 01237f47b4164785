package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.protocols.postgres.internal.Session.Await;
import dev.chaostesting.protocols.postgres.internal.Session.Pending;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The server's messages, each an answer to what the client sent before (in order), or sent on its own: notifications,
 * and notices, parameter changes and fatal errors when no answer is owed.
 */
final class Backend {

    private final Session s;
    private final Frontend frontend;
    /** A message the server sent on its own, being decoded: recorded once its content is in. */
    private @Nullable Exchange pushed;

    Backend(Session session, Frontend frontend) {
        this.s = session;
        this.frontend = frontend;
    }

    void message(Frame f) throws MalformedMessageException {
        var head = s.head();
        switch (f.type()) {
            case 'A' -> notification(f);
            case 'N' -> {
                var fields = Fields.notice(f);
                if (head == null) {
                    push(f, "notice").notice(fields);
                } else {
                    head.exchange().serverBytes(f);
                    head.exchange().notice(fields);
                }
            }
            case 'S' -> {
                var p = f.read();
                var name = p.cstring("name");
                var value = p.cstring("value");
                p.end();
                var e = head == null ? push(f, "parameterStatus") : head.exchange();
                if (head != null) {
                    e.serverBytes(f);
                }
                e.parameterStatus(name, value);
            }
            case 'E' -> error(f, head);
            default -> answer(f, require(f, head));
        }
        flushPushed();
        s.emitReady();
    }

    private Pending require(Frame f, @Nullable Pending head) throws MalformedMessageException {
        if (head == null) {
            throw new MalformedMessageException(
                    "server " + f.name() + ": no request outstanding (expected: an answer to a client message)");
        }
        return head;
    }

    private void answer(Frame f, Pending head) throws MalformedMessageException {
        var e = head.exchange();
        var await = head.await();
        // Counted once understood: a message that fails is handed back whole with the bytes not recorded.
        switch (f.type()) {
            case 'R' -> authentication(f, expect(f, head, Await.AUTH));
            case 'K' -> {
                expect(f, head, Await.AUTH);
                var p = f.read();
                e.response.put("backendPid", p.int32("process id"));
                // The secret key (the rest) is what cancels queries: never recorded.
            }
            case 'v' -> {
                expect(f, head, Await.AUTH);
                var p = f.read();
                int minor = p.int32("newest minor version");
                int n = p.int32("option count");
                var options = new ArrayList<String>();
                for (int i = 0; i < n && i < 1000; i++) {
                    options.add(p.cstring("option"));
                }
                p.end();
                e.response.put("negotiatedProtocolVersion", "3." + minor);
                e.response.put("unrecognizedOptions", options);
            }
            case 'Z' -> ready(f, head);
            case '1' -> answered(f, head, Await.PARSE);
            case '2' -> answered(f, head, Await.BIND);
            case '3' -> answered(f, head, Await.CLOSE);
            case 't' -> {
                expect(f, head, Await.DESCRIBE_STATEMENT);
                var types = Fields.parameterDescription(f);
                var statement = head.statement();
                if (statement != null) {
                    statement.describedTypes = types;
                }
                e.response.put("parameterTypes", Fields.typeNames(types));
            }
            case 'T' -> rowDescription(f, head);
            case 'n' -> {
                if (await != Await.DESCRIBE_STATEMENT && await != Await.DESCRIBE_PORTAL) {
                    throw unexpected(f, head);
                }
                if (await == Await.DESCRIBE_STATEMENT && head.statement() != null) {
                    head.statement().columns = new Fields.Columns(java.util.List.of(), new int[0], new int[0]);
                }
                s.answered();
            }
            case 'D' -> {
                expectResult(f, head);
                e.current(s.maxBodyBytes).row(f);
            }
            case 'C' -> {
                expectResult(f, head);
                var p = f.read();
                e.current(s.maxBodyBytes).commandTag(p.cstring("command tag"));
                e.endResult();
                if (await == Await.EXECUTE) {
                    s.answered();
                }
            }
            case 'I' -> {
                expectResult(f, head);
                e.newResult(null, s.maxBodyBytes).empty();
                e.endResult();
                if (await == Await.EXECUTE) {
                    s.answered();
                }
            }
            case 's' -> {
                expect(f, head, Await.EXECUTE);
                e.current(s.maxBodyBytes).suspended();
                e.endResult();
                s.answered();
            }
            case 'G', 'H', 'W' -> {
                expectResult(f, head);
                var p = f.read();
                boolean binary = p.int8("format") != 0;
                int columns = p.count16("column count", 2);
                p.skip(2 * columns, "column formats");
                p.end();
                var direction = f.type() == 'G' ? "in" : f.type() == 'H' ? "out" : "both";
                e.current(s.maxBodyBytes).copy(direction, binary, columns, s.maxBodyBytes);
            }
            case 'd', 'c' -> {
                var r = e.currentOrNull();
                var copy = r == null ? null : r.copyOut();
                if (copy == null || !copy.active()) {
                    throw unexpected(f, head);
                }
                if (f.type() == 'd') {
                    copy.data(f.payload(), f.length());
                } else {
                    copy.done();
                }
            }
            case 'V' -> {
                expect(f, head, Await.FUNCTION);
                var p = f.read();
                int length = p.int32("result length");
                e.response.put("resultLength", length);
            }
            default -> throw unexpected(f, head);
        }
        e.serverBytes(f);
    }

    private void authentication(Frame f, Pending head) throws MalformedMessageException {
        var e = head.exchange();
        var p = f.read();
        int code = p.int32("authentication type");
        frontend.authRequest = code;
        var auth = authFields(e);
        switch (code) {
            case 0 -> {
                p.end();
                auth.putIfAbsent("method", "trust");
                auth.put("result", "ok");
            }
            case 2 -> auth.put("method", "kerberos");
            case 3 -> auth.put("method", "password");
            case 5 -> auth.put("method", "md5");
            case 7 -> auth.put("method", "gss");
            case 9 -> auth.put("method", "sspi");
            case 8 -> {}
            case 10 -> {
                var mechanisms = new ArrayList<String>();
                while (p.remaining() > 0) {
                    var m = p.cstring("mechanism");
                    if (m.isEmpty()) {
                        break;
                    }
                    mechanisms.add(m);
                }
                auth.put("method", "sasl");
                auth.put("mechanisms", mechanisms);
            }
            case 11, 12 -> {
                // SASL challenges (nonces, server signature): never recorded.
                if (e.request.get("sasl") instanceof Map<?, ?> sasl && sasl.get("mechanism") instanceof String m) {
                    auth.put("method", m);
                }
            }
            default -> throw p.malformed("authentication type", String.valueOf(code), "0, 2, 3, 5, 7 to 12");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, @Nullable Object> authFields(Exchange e) {
        return (Map<String, @Nullable Object>)
                e.response.computeIfAbsent("authentication", k -> new LinkedHashMap<String, @Nullable Object>());
    }

    private void ready(Frame f, Pending head) throws MalformedMessageException {
        var p = f.read();
        byte status = p.int8("transaction status");
        p.end();
        var text = Wire.transactionStatus(status);
        if (text == null) {
            throw p.malformed("transaction status", Wire.show(status), "'I', 'T' or 'E'");
        }
        var await = head.await();
        if (await != Await.SYNC && await != Await.QUERY && await != Await.FUNCTION && await != Await.AUTH) {
            throw unexpected(f, head);
        }
        head.exchange().transactionStatus(text);
        head.exchange().endResult();
        s.answered();
    }

    private void rowDescription(Frame f, Pending head) throws MalformedMessageException {
        var columns = Fields.rowDescription(f);
        var e = head.exchange();
        switch (head.await()) {
            case DESCRIBE_STATEMENT -> {
                if (head.statement() != null) {
                    head.statement().columns = columns;
                }
                if (e.portalColumns == null) {
                    e.portalColumns = columns.withFormats(e.bind == null ? null : e.bind.resultFormats);
                }
                s.answered();
            }
            case DESCRIBE_PORTAL -> {
                e.portalColumns = columns;
                // Later executions of the statement may skip the Describe: they read the same columns.
                if (head.statement() != null) {
                    head.statement().columns = columns;
                }
                s.answered();
            }
            case QUERY -> e.newResult(columns, s.maxBodyBytes);
            default -> throw unexpected(f, head);
        }
    }

    private void error(Frame f, @Nullable Pending head) throws MalformedMessageException {
        var fields = Fields.notice(f);
        if (head == null) {
            // A FATAL error while idle (e.g. the server shutting down) or a stray error: recorded as sent.
            push(f, "error").error(fields);
            return;
        }
        var e = head.exchange();
        e.serverBytes(f);
        e.error(fields);
        switch (head.await()) {
            case QUERY, FUNCTION -> {}
            case AUTH -> {
                var auth = e.response.get("authentication");
                if (auth != null) {
                    authFields(e).put("result", "failed");
                }
                s.answered();
            }
            case SYNC -> {}
            default -> {
                // The server skips every message up to the next Sync.
                while (!s.pending.isEmpty() && s.pending.peekFirst().await() != Await.SYNC) {
                    var skipped = s.pending.pollFirst();
                    skipped.exchange().pending--;
                    if (skipped.exchange() != e) {
                        Frontend.skip(skipped.exchange());
                    }
                }
                if (s.pending.isEmpty()) {
                    s.skipUntilSync = true;
                }
            }
        }
    }

    private void notification(Frame f) throws MalformedMessageException {
        var p = f.read();
        var e = new Exchange(Exchange.Kind.PUSH, f.firstAt());
        e.serverBytes(f);
        e.response.put("type", "notification");
        try {
            e.response.put("backendPid", p.int32("process id"));
            e.response.put("channel", p.cstring("channel"));
            e.response.put("payload", p.cstring("payload"));
            p.end();
        } catch (MalformedMessageException ex) {
            if (f.whole()) {
                throw ex;
            }
            e.response.put("payloadTruncated", true);
        }
        s.emitNow(e);
    }

    /** A message the server sent with no request outstanding, recorded on its own. */
    private Exchange push(Frame f, String type) {
        var e = new Exchange(Exchange.Kind.PUSH, f.firstAt());
        e.serverBytes(f);
        e.response.put("type", type);
        pushed = e;
        return e;
    }

    /** Records the server-initiated message decoded last, if any. */
    void flushPushed() {
        if (pushed != null) {
            s.emitNow(pushed);
            pushed = null;
        }
    }

    private void answered(Frame f, Pending head, Await await) throws MalformedMessageException {
        expect(f, head, await);
        f.read().end();
        s.answered();
    }

    private Pending expect(Frame f, Pending head, Await await) throws MalformedMessageException {
        if (head.await() != await) {
            throw unexpected(f, head);
        }
        return head;
    }

    private void expectResult(Frame f, Pending head) throws MalformedMessageException {
        if (head.await() != Await.QUERY && head.await() != Await.EXECUTE) {
            throw unexpected(f, head);
        }
    }

    private static MalformedMessageException unexpected(Frame f, Pending head) {
        return new MalformedMessageException("server " + f.name() + ": while the answer to " + describe(head.await())
                + " was due (expected: that answer)");
    }

    private static String describe(Await await) {
        return switch (await) {
            case AUTH -> "the startup (authentication)";
            case QUERY -> "a Query";
            case FUNCTION -> "a FunctionCall";
            case PARSE -> "a Parse";
            case BIND -> "a Bind";
            case DESCRIBE_STATEMENT -> "a Describe of a statement";
            case DESCRIBE_PORTAL -> "a Describe of a portal";
            case EXECUTE -> "an Execute";
            case CLOSE -> "a Close";
            case SYNC -> "a Sync";
        };
    }
}
