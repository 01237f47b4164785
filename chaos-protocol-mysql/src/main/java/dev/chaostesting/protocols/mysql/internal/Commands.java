package dev.chaostesting.protocols.mysql.internal;

import static dev.chaostesting.protocols.mysql.internal.Protocol.*;

import dev.chaostesting.protocols.mysql.internal.Exchange.Expect;
import dev.chaostesting.protocols.mysql.internal.Exchange.State;
import dev.chaostesting.sql.SqlStatement;
import java.util.ArrayList;
import java.util.Map;

/** Client commands: what each one records and what answer it expects. */
final class Commands {

    static final String REDACTED = "<redacted>";

    private Commands() {}

    /** A new exchange for a command packet (sequence id 0). */
    static Exchange parse(Packet packet, Session session) throws MalformedPacketException {
        int code = packet.header();
        if (code < 0) {
            throw new MalformedPacketException("command packet: empty (expected: a command byte)");
        }
        var x = new Exchange(code, expect(code), packet.firstAt(), State.FIRST);
        x.request.put("command", commandName(code));
        var p = packet.reader(commandName(code));
        p.u8();
        switch (code) {
            case COM_QUERY -> {
                if (session.has(CLIENT_QUERY_ATTRIBUTES)) {
                    skipQueryAttributes(p);
                }
                sql(x, p, packet, session);
            }
            case COM_STMT_PREPARE -> sql(x, p, packet, session);
            case COM_INIT_DB -> x.request.put("database", p.restString());
            case COM_FIELD_LIST -> x.request.put("table", p.nulString());
            case COM_STMT_EXECUTE, COM_STMT_SEND_LONG_DATA, COM_STMT_CLOSE, COM_STMT_RESET, COM_STMT_FETCH -> {
                long id = p.u32();
                x.request.put("statementId", id);
                if (code == COM_STMT_EXECUTE) {
                    x.deferredPayload = packet.payload();
                    x.deferredTruncated = packet.truncated();
                } else if (code == COM_STMT_SEND_LONG_DATA) {
                    x.request.put("parameter", (long) p.u16());
                    x.request.put("dataBytes", packet.size() - 7);
                } else if (code == COM_STMT_FETCH) {
                    x.request.put("fetchRows", p.u32());
                }
            }
            case COM_CHANGE_USER -> changeUser(x, p, session);
            case COM_SET_OPTION -> x.request.put("option", (long) p.u16());
            default -> {
                // Recorded by name only.
            }
        }
        return x;
    }

    static Expect expect(int code) {
        return switch (code) {
            case COM_QUIT, COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA -> Expect.NONE;
            case COM_QUERY, 0x0a /* COM_PROCESS_INFO */ -> Expect.QUERY;
            case COM_STMT_EXECUTE, 0xfa /* COM_STMT_BULK_EXECUTE */ -> Expect.EXECUTE;
            case COM_STMT_FETCH -> Expect.FETCH;
            case COM_STMT_PREPARE -> Expect.PREPARE;
            case COM_STATISTICS -> Expect.STRING;
            case COM_FIELD_LIST -> Expect.FIELD_LIST;
            case COM_CHANGE_USER -> Expect.AUTH;
            default -> Expect.OK;
        };
    }

    private static void sql(Exchange x, Payload p, Packet packet, Session session) throws MalformedPacketException {
        int length = Math.min(p.remaining(), session.maxBodyBytes);
        boolean cut = packet.truncated() || length < p.remaining();
        var sql = Payload.text(p.bytes(length));
        x.request.put("sql", sql);
        if (cut) {
            x.request.put("sqlTruncated", true);
            x.request.put("sqlBytes", packet.size() - 1);
        }
        x.request.put("statement", SqlStatement.fieldsOf(sql));
    }

    /** Query attributes (MySQL 8.0.23+) come before the SQL text; they are skipped, not recorded. */
    private static void skipQueryAttributes(Payload p) throws MalformedPacketException {
        long count = p.lenenc();
        p.lenenc(); // parameter set count, always 1
        if (count <= 0) {
            return;
        }
        if (count > 4096) {
            throw new MalformedPacketException("query attributes: count " + count + " (expected: <= 4096)");
        }
        int n = (int) count;
        var nulls = p.bytes((n + 7) / 8);
        if (p.u8() != 1) {
            return;
        }
        var types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = p.u16();
            p.lenencBytes(); // name
        }
        for (int i = 0; i < n; i++) {
            if ((nulls[i / 8] & (1 << (i % 8))) == 0) {
                Values.binary(p, types[i] & 0xff, (types[i] & 0x8000) != 0);
            }
        }
    }

    private static void changeUser(Exchange x, Payload p, Session session) throws MalformedPacketException {
        x.state = State.AUTH;
        x.request.put("user", p.nulString());
        if ((session.clientCapabilities & CLIENT_SECURE_CONNECTION) != 0) {
            p.skip(p.u8());
        } else {
            p.nulString();
        }
        x.request.put("auth", REDACTED);
        x.request.put("database", p.nulString());
        if (p.remaining() >= 2) {
            p.u16(); // character set
            if (session.has(CLIENT_PLUGIN_AUTH) && p.hasRemaining()) {
                x.request.put("authPlugin", p.nulString());
            }
            if (session.has(CLIENT_CONNECT_ATTRS) && p.hasRemaining()) {
                x.request.put("clientAttributes", Handshakes.attributes(p));
            }
        }
    }

    /**
     * Decodes a COM_STMT_EXECUTE once the statement is known: the statement's SQL, and its parameters by type (a null
     * bitmap, types unless the previous execution's are reused, values). A problem is recorded, not fatal: the framing
     * of the connection does not depend on it.
     */
    static void decodeExecute(Exchange x, Session session) {
        var payload = x.deferredPayload;
        if (payload == null) {
            return;
        }
        x.deferredPayload = null;
        var p = new Payload(payload, x.deferredTruncated, "COM_STMT_EXECUTE");
        try {
            p.u8();
            long id = p.u32();
            var st = session.statement(id);
            if (st == null) {
                x.request.put("parametersError", "statement " + id + " was not prepared on this connection");
                return;
            }
            x.statement = st;
            x.request.put("statementId", st.id);
            x.request.put("sql", st.sql);
            x.request.put("statement", SqlStatement.fieldsOf(st.sql));
            int flags = p.u8();
            p.u32(); // iteration count, always 1
            if ((flags & 0x0f) != 0) {
                x.request.put("cursor", true);
            }
            long n = st.paramCount;
            if (session.has(CLIENT_QUERY_ATTRIBUTES) && (flags & 0x08) != 0) {
                n = p.lenenc();
            }
            if (n <= 0 || n > 65535) {
                st.longData.clear();
                return;
            }
            var nulls = p.bytes((n + 7) / 8);
            boolean bound = p.u8() == 1;
            int[] types;
            if (bound) {
                types = new int[(int) n];
                for (int i = 0; i < n; i++) {
                    types[i] = p.u16();
                    if (session.has(CLIENT_QUERY_ATTRIBUTES)) {
                        p.lenencBytes();
                    }
                }
                st.paramTypes = types;
            } else {
                types = st.paramTypes;
                if (types == null || types.length != n) {
                    x.request.put("parametersError", "no parameter types bound by an earlier execution");
                    return;
                }
            }
            var names = new ArrayList<Object>();
            var values = new ArrayList<Object>();
            for (int i = 0; i < n; i++) {
                names.add(typeName(types[i] & 0xff));
                values.add(null);
            }
            x.request.put("parameterTypes", names);
            x.request.put("parameters", values);
            for (int i = 0; i < n; i++) {
                if ((nulls[i / 8] & (1 << (i % 8))) != 0) {
                    continue;
                }
                var longData = st.longData.get(i);
                if (longData != null) {
                    values.set(i, Map.of("longDataBytes", longData));
                } else {
                    values.set(i, Values.binary(p, types[i] & 0xff, (types[i] & 0x8000) != 0));
                }
            }
            st.longData.clear();
        } catch (MalformedPacketException e) {
            x.request.put("parametersError", e.getMessage());
        }
    }

    /** Effects of commands on the session, applied in the order the commands complete. */
    static void apply(Exchange x, Session session) {
        Object idField = x.request.get("statementId");
        long id = idField instanceof Long l ? l : -1;
        switch (x.code) {
            case COM_STMT_CLOSE -> {
                var st = session.statement(id);
                if (st != null) {
                    x.request.put("sql", st.sql);
                    session.statements.remove(st.id);
                }
            }
            case COM_STMT_SEND_LONG_DATA -> {
                var st = session.statement(id);
                if (st != null && x.request.get("parameter") instanceof Long param) {
                    st.longData.merge(param.intValue(), (Long) x.request.get("dataBytes"), Long::sum);
                }
            }
            case COM_STMT_RESET -> {
                var st = session.statement(id);
                if (st != null) {
                    st.longData.clear();
                }
            }
            case COM_RESET_CONNECTION -> session.statements.clear();
            default -> {}
        }
    }
}
