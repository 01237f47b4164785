package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.protocols.postgres.internal.Session.Await;
import dev.chaostesting.sql.SqlStatement;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The client's messages: each starts an exchange or joins one, and says what the server now owes. Extended-query
 * messages are grouped: a group runs from its first message to its Execute (a Parse, Bind and Describe for the same
 * statement belong together), and the Sync after it joins it.
 */
final class Frontend {

    static final String REDACTED = "<redacted>";
    static final String SKIPPED = "not executed: the server skipped it after an earlier error (up to the next Sync)";

    private final Session s;
    /** The authentication the server asked for last: says what the client's next AuthenticationResponse is. */
    int authRequest = -1;

    @Nullable
    Exchange startup;

    int saslMessages;

    Frontend(Session session) {
        this.s = session;
    }

    /** An untyped packet of the startup phase. */
    Exchange startupPacket(Frame f) throws MalformedMessageException {
        var p = f.read();
        int code = p.int32("code");
        Exchange e;
        if (code == Wire.SSL_REQUEST || code == Wire.GSSENC_REQUEST) {
            p.end();
            e = new Exchange(Exchange.Kind.ENCRYPTION, f.firstAt());
            e.request.put("type", code == Wire.SSL_REQUEST ? "sslRequest" : "gssEncRequest");
        } else if (code == Wire.CANCEL_REQUEST) {
            int pid = p.int32("process id");
            if (p.remaining() < 4 || p.remaining() > 256) {
                throw p.malformed("secret key", p.remaining() + " bytes", "4 to 256 bytes");
            }
            e = new Exchange(Exchange.Kind.CANCEL, f.firstAt());
            e.request.put("type", "cancelRequest");
            e.request.put("backendPid", pid);
            e.closed = true;
        } else if (code >>> 16 == Wire.PROTOCOL_3) {
            var parameters = new LinkedHashMap<String, @Nullable Object>();
            while (true) {
                var name = p.cstring("parameter name");
                if (name.isEmpty()) {
                    break;
                }
                parameters.put(name, p.cstring("parameter value"));
            }
            p.end();
            e = new Exchange(Exchange.Kind.STARTUP, f.firstAt());
            e.request.put("type", "startup");
            e.request.put("protocolVersion", "3." + (code & 0xffff));
            e.request.put("startup", parameters);
            startup = e;
            s.expect(Await.AUTH, e, null);
        } else {
            throw p.malformed("code", String.valueOf(code), "protocol 3.x, SSLRequest, GSSENCRequest or CancelRequest");
        }
        e.clientBytes(f);
        s.start(e);
        s.emitReady();
        return e;
    }

    /** A typed message of the session (after the startup packet). */
    void message(Frame f) throws MalformedMessageException {
        if (s.open.size() >= Session.MAX_OPEN) {
            throw new MalformedMessageException(
                    "requests awaiting an answer: " + s.open.size() + " (expected: < " + Session.MAX_OPEN + ")");
        }
        switch (f.type()) {
            case 'p' -> authenticationResponse(f);
            case 'Q' -> query(f);
            case 'P' -> parse(f);
            case 'B' -> bind(f);
            case 'D' -> describe(f);
            case 'E' -> execute(f);
            case 'S' -> sync(f);
            case 'H' -> flush(f);
            case 'C' -> close(f);
            case 'X' -> terminate(f);
            case 'd', 'c', 'f' -> copy(f);
            case 'F' -> functionCall(f);
            default ->
                throw new MalformedMessageException("client message type: " + Wire.show(f.type())
                        + " (expected: a frontend message type of protocol 3)");
        }
        s.emitReady();
    }

    private void authenticationResponse(Frame f) throws MalformedMessageException {
        var e = startup;
        if (e == null || e.pending == 0) {
            throw new MalformedMessageException(
                    "AuthenticationResponse: outside authentication (expected: only after an authentication request)");
        }
        switch (authRequest) {
            case 10 -> {
                // SASLInitialResponse: the mechanism name is kept, the client's first message is not.
                var p = f.read();
                var auth = new LinkedHashMap<String, @Nullable Object>();
                auth.put("mechanism", p.cstring("mechanism"));
                auth.put("data", REDACTED);
                e.request.put("sasl", auth);
                saslMessages = 1;
            }
            case 11 -> {
                saslMessages++;
                if (e.request.get("sasl") instanceof java.util.Map<?, ?> sasl) {
                    @SuppressWarnings("unchecked")
                    var m = (java.util.Map<String, @Nullable Object>) sasl;
                    m.put("messages", saslMessages);
                }
            }
            case 7, 8, 9 -> e.request.put("gssapi", REDACTED);
            default -> e.request.put("password", REDACTED);
        }
        e.clientBytes(f);
    }

    private void query(Frame f) {
        var sql = text(f);
        var e = s.start(new Exchange(Exchange.Kind.QUERY, f.firstAt()));
        s.group = null;
        e.closed = true;
        e.request.put("type", "query");
        putSql(e, sql, !f.whole());
        e.clientBytes(f);
        if (s.skipUntilSync) {
            skip(e);
        } else {
            s.expect(Await.QUERY, e, null);
        }
    }

    private void parse(Frame f) throws MalformedMessageException {
        var p = f.read();
        var name = p.cstring("statement name");
        String sql;
        boolean cut = false;
        int[] types = new int[0];
        if (f.whole()) {
            sql = p.cstring("query");
            int n = p.count16("parameter type count", 4);
            types = new int[n];
            for (int i = 0; i < n; i++) {
                types[i] = p.int32("parameter type");
            }
            p.end();
        } else {
            sql = untilZero(p.rest());
            cut = true;
        }
        var statement = new Statement(name, sql, cut, types);
        s.putStatement(statement);
        var e = groupFor(f);
        e.hasParse = true;
        e.statement = statement;
        join(e, f, Await.PARSE, statement);
    }

    private void bind(Frame f) throws MalformedMessageException {
        var bind = Bind.read(f, s::statement, Math.max(s.maxBodyBytes, 16));
        s.portals.put(bind.portal, bind);
        var e = groupFor(f);
        e.hasBind = true;
        e.bind = bind;
        if (e.statement == null) {
            e.statement = bind.statement;
        }
        join(e, f, Await.BIND, bind.statement);
    }

    private void describe(Frame f) throws MalformedMessageException {
        var p = f.read();
        byte what = p.int8("kind");
        var name = p.cstring("name");
        p.end();
        if (what != 'S' && what != 'P') {
            throw p.malformed("kind", Wire.show(what), "'S' or 'P'");
        }
        var e = groupFor(f);
        e.hasDescribe = true;
        if (what == 'S') {
            var statement = s.statement(name);
            if (e.statement == null) {
                e.statement = statement;
            }
            join(e, f, Await.DESCRIBE_STATEMENT, statement);
        } else if (what == 'P') {
            var bind = s.portals.get(name);
            if (e.statement == null && bind != null) {
                e.statement = bind.statement;
            }
            join(e, f, Await.DESCRIBE_PORTAL, bind == null ? null : bind.statement);
        } else {
            throw p.malformed("kind", Wire.show(what), "'S' or 'P'");
        }
    }

    private void execute(Frame f) throws MalformedMessageException {
        var p = f.read();
        var portal = p.cstring("portal name");
        int maxRows = p.int32("maximum rows");
        p.end();
        var bind = s.portals.get(portal);
        var e = groupFor(f);
        e.hasExecute = true;
        e.maxRows = maxRows;
        if (e.bind == null) {
            e.bind = bind;
        }
        if (e.statement == null && bind != null) {
            e.statement = bind.statement;
        }
        if (e.portalColumns == null && e.statement != null && e.statement.columns != null) {
            e.portalColumns = e.statement.columns.withFormats(bind == null ? null : bind.resultFormats);
        }
        join(e, f, Await.EXECUTE, e.statement);
    }

    private void sync(Frame f) {
        var e = s.group;
        if (e == null || e.synced) {
            e = s.start(new Exchange(Exchange.Kind.EXTENDED, f.firstAt()));
        }
        e.synced = true;
        e.messages.add(f.name());
        e.clientBytes(f);
        s.skipUntilSync = false;
        s.expect(Await.SYNC, e, null);
        e.closed = true;
        s.group = null;
    }

    private void flush(Frame f) {
        var e = s.group;
        if (e == null) {
            e = s.start(new Exchange(Exchange.Kind.EXTENDED, f.firstAt()));
            s.group = e;
        }
        e.messages.add(f.name());
        e.clientBytes(f);
    }

    private void close(Frame f) throws MalformedMessageException {
        var p = f.read();
        byte what = p.int8("kind");
        var name = p.cstring("name");
        p.end();
        if (what == 'S') {
            s.removeStatement(name);
            var e = groupFor(f);
            e.hasClose = true;
            e.closedNames.add("statement " + name);
            join(e, f, Await.CLOSE, null);
        } else if (what == 'P') {
            s.portals.remove(name);
            var e = groupFor(f);
            e.hasClose = true;
            e.closedNames.add("portal " + name);
            join(e, f, Await.CLOSE, null);
        } else {
            throw p.malformed("kind", Wire.show(what), "'S' or 'P'");
        }
    }

    private void terminate(Frame f) {
        var e = s.start(new Exchange(Exchange.Kind.TERMINATE, f.firstAt()));
        s.group = null;
        e.closed = true;
        e.request.put("type", "terminate");
        e.clientBytes(f);
    }

    private void copy(Frame f) throws MalformedMessageException {
        Exchange target = null;
        CopyState copy = null;
        for (var pending : s.pending) {
            var r = pending.exchange().currentOrNull();
            if (r != null && r.copyIn() != null && r.copyIn().active()) {
                target = pending.exchange();
                copy = r.copyIn();
                break;
            }
        }
        if (target == null) {
            // After an error the server ignores the rest of a COPY: the bytes still belong to the last exchange.
            target = s.open.peekLast();
            if (target == null) {
                throw new MalformedMessageException(
                        "client " + f.name() + ": outside COPY FROM STDIN (expected: after CopyInResponse)");
            }
            target.clientBytes(f);
            return;
        }
        target.clientBytes(f);
        switch (f.type()) {
            case 'd' -> copy.data(f.payload(), f.length());
            case 'c' -> copy.done();
            default -> copy.failed(untilZero(f.payload()));
        }
    }

    private void functionCall(Frame f) throws MalformedMessageException {
        var p = f.read();
        int oid = p.int32("function oid");
        var e = s.start(new Exchange(Exchange.Kind.FUNCTION, f.firstAt()));
        s.group = null;
        e.closed = true;
        e.request.put("type", "functionCall");
        e.request.put("functionOid", oid & 0xffffffffL);
        e.clientBytes(f);
        if (s.skipUntilSync) {
            skip(e);
        } else {
            s.expect(Await.FUNCTION, e, null);
        }
    }

    /** The group an extended-query message joins, started anew when this message cannot be part of the current one. */
    private Exchange groupFor(Frame f) {
        var g = s.group;
        boolean fresh = g == null
                || g.hasExecute
                || g.synced
                || switch (f.type()) {
                    case 'P', 'C' -> g.hasParse || g.hasBind || g.hasDescribe;
                    case 'B' -> g.hasBind;
                    default -> false;
                };
        if (fresh) {
            g = s.start(new Exchange(Exchange.Kind.EXTENDED, f.firstAt()));
            s.group = g;
        }
        return g;
    }

    private void join(Exchange e, Frame f, Await await, @Nullable Statement statement) {
        e.messages.add(f.name());
        e.clientBytes(f);
        if (s.skipUntilSync) {
            skip(e);
        } else {
            s.expect(await, e, statement);
        }
    }

    static void skip(Exchange e) {
        if (!e.hasError()) {
            e.skipped = true;
            e.interactionError(SKIPPED);
        }
    }

    static void putSql(Exchange e, @Nullable String sql, boolean cut) {
        if (sql == null) {
            return;
        }
        e.request.put("sql", sql);
        if (cut) {
            e.request.put("sqlTruncated", true);
        }
        e.request.put("statement", SqlStatement.fieldsOf(sql));
    }

    /** A message whose payload is one string (Query, CopyFail), cut or not. */
    private static String text(Frame f) {
        return untilZero(f.payload());
    }

    static String untilZero(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** The request fields of an extended-query group, once its answers are in. */
    static void describeGroup(Exchange e) {
        String type = e.hasExecute
                ? "execute"
                : e.hasDescribe
                        ? "describe"
                        : e.hasParse
                                ? "parse"
                                : e.hasBind ? "bind" : e.hasClose ? "close" : e.synced ? "sync" : "flush";
        var request = StructuredMessage.builder();
        request.put("type", type);
        var statement = e.statement;
        if (statement != null) {
            if (statement.sql != null) {
                request.put("sql", statement.sql);
                if (statement.sqlCut) {
                    request.put("sqlTruncated", true);
                }
                request.put("statement", SqlStatement.fieldsOf(statement.sql));
            }
            if (!statement.name.isEmpty()) {
                request.put("statementName", statement.name);
            }
        } else if (e.bind != null && !e.bind.statementName.isEmpty()) {
            request.put("statementName", e.bind.statementName);
        }
        var bind = e.bind;
        if (bind != null) {
            if (!bind.portal.isEmpty()) {
                request.put("portal", bind.portal);
            }
            request.put("parameters", bind.decoded());
            request.put("parameterTypes", bind.types());
            if (bind.anyCut()) {
                request.put("parametersTruncated", true);
            }
        }
        if (e.maxRows > 0) {
            request.put("maxRows", e.maxRows);
        }
        if (!e.closedNames.isEmpty()) {
            request.put("close", List.copyOf(e.closedNames));
        }
        request.put("messages", List.copyOf(e.messages));
        e.request = request;
    }
}
