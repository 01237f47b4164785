package dev.chaostesting.protocols.mysql.internal;

import dev.chaostesting.model.StructuredMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One result of a command: an OK, an ERR, or a result set (columns, then rows, then its end). */
final class Result {

    /** How many rows of each result set are recorded; all are counted. */
    static final int MAX_RECORDED_ROWS = 10;
    /** How many column definitions of each result set are recorded. */
    static final int MAX_RECORDED_COLUMNS = 256;

    final Map<String, Object> fields = new LinkedHashMap<>();
    final List<Column> columns = new ArrayList<>();
    final List<Object> rows = new ArrayList<>();
    long columnCount;
    /** Column definitions seen so far (only the first {@link #MAX_RECORDED_COLUMNS} are kept). */
    long columnsSeen;

    long rowCount;
    boolean binary;
    int status;

    static Result resultSet(long columnCount, boolean binary) {
        var r = new Result();
        r.fields.put("type", "RESULT_SET");
        r.columnCount = columnCount;
        r.binary = binary;
        return r;
    }

    /** Parses an OK packet (header 0x00, or 0xFE ending a result set when EOF is deprecated). */
    static Result ok(Packet packet, Session session, String type) throws MalformedPacketException {
        var p = packet.reader("OK packet");
        p.u8();
        var r = new Result();
        r.fields.put("type", type);
        r.fields.put("affectedRows", p.lenenc());
        r.fields.put("lastInsertId", p.lenenc());
        if (p.hasRemaining()) {
            r.status = p.u16();
            r.fields.put("warnings", (long) p.u16());
            if (p.hasRemaining()) {
                var info = session.has(Protocol.CLIENT_SESSION_TRACK) ? p.lenencString() : p.restString();
                if (!info.isEmpty()) {
                    r.fields.put("info", info);
                }
            }
        }
        return r;
    }

    /** Parses an EOF packet (header 0xFE, shorter than 9 bytes). */
    static int eofStatus(Packet packet) throws MalformedPacketException {
        var p = packet.reader("EOF packet");
        p.u8();
        if (!p.hasRemaining()) {
            return 0;
        }
        p.u16(); // warnings
        return p.u16();
    }

    /** Parses an ERR packet into {@code {code, sqlState, message}}. */
    static Map<String, Object> error(Packet packet) throws MalformedPacketException {
        var p = packet.reader("ERR packet");
        p.u8();
        var e = new LinkedHashMap<String, Object>();
        e.put("code", (long) p.u16());
        if (p.hasRemaining() && p.peek() == '#') {
            p.u8();
            e.put(
                    "sqlState",
                    new String(p.bytes(Math.min(5, p.remaining())), java.nio.charset.StandardCharsets.US_ASCII));
        }
        e.put("message", p.restString());
        return e;
    }

    /** Whether an ERR packet is a MariaDB progress report (code 0xFFFF), which does not end anything. */
    static boolean isProgress(Packet packet) {
        var b = packet.payload();
        return b.length >= 3 && (b[1] & 0xff) == 0xff && (b[2] & 0xff) == 0xff;
    }

    static Result error(Map<String, Object> error) {
        var r = new Result();
        r.fields.put("type", "ERR");
        r.fields.put("error", error);
        return r;
    }

    boolean moreResults() {
        return (status & Protocol.SERVER_MORE_RESULTS_EXISTS) != 0;
    }

    /** The recorded fields of this result. */
    Map<String, Object> toFields() {
        var f = new LinkedHashMap<String, Object>(fields);
        putResultSet(f::put);
        return f;
    }

    /** The same fields, put into a message being built. */
    void putFields(StructuredMessage.Builder b) {
        fields.forEach(b::put);
        putResultSet(b::put);
    }

    private void putResultSet(java.util.function.BiConsumer<String, Object> put) {
        if ("RESULT_SET".equals(fields.get("type"))) {
            var cols = new ArrayList<Object>();
            for (int i = 0; i < Math.min(columns.size(), MAX_RECORDED_COLUMNS); i++) {
                cols.add(columns.get(i).toFields());
            }
            put.accept("columns", cols);
            put.accept("rowCount", rowCount);
            put.accept("rows", new ArrayList<>(rows));
        }
    }
}
