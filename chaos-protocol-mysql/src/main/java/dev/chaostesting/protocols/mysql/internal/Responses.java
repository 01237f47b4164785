package dev.chaostesting.protocols.mysql.internal;

import static dev.chaostesting.protocols.mysql.internal.Protocol.*;

import dev.chaostesting.protocols.mysql.internal.Exchange.Expect;
import dev.chaostesting.protocols.mysql.internal.Exchange.State;
import java.util.List;

/** The server's answers to commands: OK, ERR, result sets (text and binary), prepared statements, LOCAL INFILE. */
final class Responses {

    private Responses() {}

    /** Handles one server packet of the exchange's answer; returns true when the answer is complete. */
    static boolean onServer(Exchange x, Packet packet, Session session) throws MalformedPacketException {
        int h = packet.header();
        if (h == 0xff && Result.isProgress(packet)) {
            return false;
        }
        if (x.expect == Expect.AUTH) {
            return Handshakes.serverAuth(x, packet, session);
        }
        return switch (x.state) {
            case FIRST -> first(x, packet, session);
            case COLUMNS -> column(x, packet, session);
            case COLUMNS_EOF -> {
                expectEof(packet, "column definitions");
                var r = x.current();
                if (x.expect == Expect.EXECUTE && (Result.eofStatus(packet) & SERVER_STATUS_CURSOR_EXISTS) != 0) {
                    r.fields.put("cursor", true);
                    yield true;
                }
                x.state = State.ROWS;
                yield false;
            }
            case ROWS -> row(x, packet, session);
            case PARAMS -> {
                Column.parse(packet, session.has(MARIADB_CLIENT_EXTENDED_METADATA));
                if (--x.pending == 0) {
                    x.state = session.deprecateEof() ? afterParams(x) : State.PARAMS_EOF;
                }
                yield x.state == State.DONE;
            }
            case PARAMS_EOF -> {
                expectEof(packet, "parameter definitions");
                x.state = afterParams(x);
                yield x.state == State.DONE;
            }
            case PREPARED_COLUMNS -> {
                var st = x.statement;
                var c = Column.parse(packet, session.has(MARIADB_CLIENT_EXTENDED_METADATA));
                var r = x.current();
                addColumn(r, c);
                if (r.columnsSeen == (Long) r.fields.get("columnCount")) {
                    st.columns = List.copyOf(r.columns);
                    x.state = session.deprecateEof() ? State.DONE : State.PREPARED_COLUMNS_EOF;
                }
                yield x.state == State.DONE;
            }
            case PREPARED_COLUMNS_EOF -> {
                expectEof(packet, "column definitions");
                x.state = State.DONE;
                yield true;
            }
            default ->
                throw new MalformedPacketException(
                        "server packet while the client sends LOCAL INFILE data (expected: the client's data first)");
        };
    }

    private static State afterParams(Exchange x) {
        long columns = (Long) x.current().fields.get("columnCount");
        return columns > 0 ? State.PREPARED_COLUMNS : State.DONE;
    }

    private static boolean first(Exchange x, Packet packet, Session session) throws MalformedPacketException {
        int h = packet.header();
        if (h == 0xff) {
            x.addResult(Result.error(Result.error(packet)));
            return true;
        }
        switch (x.expect) {
            case STRING -> {
                x.response.put("type", "STRING");
                x.response.put("text", packet.reader("statistics").restString());
                return true;
            }
            case OK -> {
                if (h == 0x00 || h == 0xfe) {
                    x.addResult(h == 0x00 || packet.size() >= 9 ? Result.ok(packet, session, "OK") : eof(packet));
                    return true;
                }
                throw new MalformedPacketException(String.format(
                        "response to %s: packet starting 0x%02x (expected: OK or ERR)", x.request.get("command"), h));
            }
            case FIELD_LIST -> {
                if (h == 0xfe && packet.size() < 9) {
                    var r = x.current();
                    if (r == null) {
                        x.addResult(Result.resultSet(0, false));
                    }
                    return true;
                }
                if (x.current() == null) {
                    x.addResult(Result.resultSet(0, false));
                }
                var r = x.current();
                r.columnCount++;
                addColumn(r, Column.parse(packet, session.has(MARIADB_CLIENT_EXTENDED_METADATA)));
                return false;
            }
            case PREPARE -> {
                if (h != 0x00) {
                    throw new MalformedPacketException(
                            String.format("response to COM_STMT_PREPARE: packet starting 0x%02x (expected: OK)", h));
                }
                return prepared(x, packet, session);
            }
            case FETCH -> {
                x.state = State.ROWS;
                var st = x.statement;
                var r = Result.resultSet(st == null ? 0 : st.columns.size(), true);
                if (st != null) {
                    r.columns.addAll(st.columns);
                }
                x.addResult(r);
                return row(x, packet, session);
            }
            default -> {
                // QUERY, EXECUTE
            }
        }
        if (h == 0x00) {
            var ok = Result.ok(packet, session, "OK");
            x.addResult(ok);
            return !ok.moreResults();
        }
        if (h == 0xfb && x.expect == Expect.QUERY) {
            var p = packet.reader("LOCAL INFILE request");
            p.u8();
            var file = p.restString();
            x.attributes.put("localInfile", file);
            x.response.put("localInfile", file);
            x.state = State.INFILE;
            return false;
        }
        var p = packet.reader("column count");
        long count = p.lenenc();
        if (count <= 0 || count > 65535) {
            throw new MalformedPacketException("column count: " + count + " (expected: 1 to 65535)");
        }
        boolean metadataFollows = true;
        if (session.has(MARIADB_CLIENT_CACHE_METADATA) && p.hasRemaining()) {
            metadataFollows = p.u8() != 0;
        }
        var r = Result.resultSet(count, x.expect == Expect.EXECUTE);
        x.addResult(r);
        if (!metadataFollows) {
            if (x.statement != null) {
                r.columns.addAll(x.statement.columns);
            }
            x.state = State.ROWS;
        } else {
            x.state = State.COLUMNS;
        }
        return false;
    }

    private static boolean column(Exchange x, Packet packet, Session session) throws MalformedPacketException {
        var r = x.current();
        var c = Column.parse(packet, session.has(MARIADB_CLIENT_EXTENDED_METADATA));
        addColumn(r, c);
        if (r.columnsSeen == r.columnCount) {
            if (r.binary && x.statement != null) {
                x.statement.columns = List.copyOf(r.columns);
            }
            x.state = session.deprecateEof() ? State.ROWS : State.COLUMNS_EOF;
        }
        return false;
    }

    private static void addColumn(Result r, Column c) {
        r.columnsSeen++;
        if (r.columns.size() < Result.MAX_RECORDED_COLUMNS) {
            r.columns.add(c);
        }
    }

    private static boolean row(Exchange x, Packet packet, Session session) throws MalformedPacketException {
        var r = x.current();
        int h = packet.header();
        if (h == 0xfe && packet.size() < PacketReader.MAX_PACKET) {
            int status;
            if (!session.deprecateEof()) {
                status = Result.eofStatus(packet);
            } else {
                var end = Result.ok(packet, session, "OK");
                status = end.status;
                end.fields.forEach((k, v) -> {
                    if (k.equals("warnings") || k.equals("info")) {
                        r.fields.put(k, v);
                    }
                });
            }
            r.status = status;
            if (r.moreResults()) {
                x.state = State.FIRST;
                return false;
            }
            return true;
        }
        if (h == 0xff) {
            var error = Result.error(packet);
            r.fields.put("error", error);
            return true;
        }
        r.rowCount++;
        if (r.rows.size() < Result.MAX_RECORDED_ROWS) {
            r.rows.add(r.binary ? Rows.binary(packet, r.columns, r.columnCount) : Rows.text(packet, r.columnCount));
        }
        return false;
    }

    private static boolean prepared(Exchange x, Packet packet, Session session) throws MalformedPacketException {
        var p = packet.reader("prepare OK");
        p.u8();
        long id = p.u32();
        int columns = p.u16();
        int params = p.u16();
        var r = new Result();
        r.fields.put("type", "PREPARED");
        r.fields.put("statementId", id);
        r.fields.put("columnCount", (long) columns);
        r.fields.put("parameterCount", (long) params);
        if (p.remaining() >= 3) {
            p.u8();
            r.fields.put("warnings", (long) p.u16());
        }
        x.addResult(r);
        var st = new Session.Statement(id, String.valueOf(x.request.get("sql") instanceof String sql ? sql : ""));
        st.paramCount = params;
        x.statement = st;
        session.prepared(st);
        if (params > 0) {
            x.pending = params;
            x.state = State.PARAMS;
            return false;
        }
        x.state = afterParams(x);
        return x.state == State.DONE;
    }

    private static Result eof(Packet packet) throws MalformedPacketException {
        var r = new Result();
        r.fields.put("type", "EOF");
        r.status = Result.eofStatus(packet);
        return r;
    }

    private static void expectEof(Packet packet, String after) throws MalformedPacketException {
        if (packet.header() != 0xfe || packet.size() >= 9) {
            throw new MalformedPacketException(String.format(
                    "after %s: packet starting 0x%02x of %d bytes (expected: EOF)",
                    after, packet.header(), packet.size()));
        }
    }
}
