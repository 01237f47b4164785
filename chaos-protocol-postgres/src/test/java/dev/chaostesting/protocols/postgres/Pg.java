package dev.chaostesting.protocols.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds protocol 3 messages for tests, as a client or a server would send them. */
final class Pg {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Pg create() {
        return new Pg();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    // ---- client

    Pg startup(String... keyValues) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int32(196608));
        for (var s : keyValues) {
            cstring(body, s);
        }
        body.write(0);
        return untyped(body.toByteArray());
    }

    Pg sslRequest() {
        return untyped(int32(80877103));
    }

    Pg gssEncRequest() {
        return untyped(int32(80877104));
    }

    Pg cancel(int pid, int key) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int32(80877102));
        body.writeBytes(int32(pid));
        body.writeBytes(int32(key));
        return untyped(body.toByteArray());
    }

    Pg password(String password) {
        return msg('p', cstring(password));
    }

    Pg saslInitial(String mechanism, String data) {
        var body = new ByteArrayOutputStream();
        cstring(body, mechanism);
        var d = data.getBytes(StandardCharsets.UTF_8);
        body.writeBytes(int32(d.length));
        body.writeBytes(d);
        return msg('p', body.toByteArray());
    }

    Pg saslResponse(String data) {
        return msg('p', data.getBytes(StandardCharsets.UTF_8));
    }

    Pg query(String sql) {
        return msg('Q', cstring(sql));
    }

    Pg parse(String name, String sql, int... types) {
        var body = new ByteArrayOutputStream();
        cstring(body, name);
        cstring(body, sql);
        body.writeBytes(int16(types.length));
        for (int t : types) {
            body.writeBytes(int32(t));
        }
        return msg('P', body.toByteArray());
    }

    /** Bind with one format code per parameter; a null value is SQL NULL. */
    Pg bind(String portal, String statement, int[] formats, byte[][] values, int... resultFormats) {
        var body = new ByteArrayOutputStream();
        cstring(body, portal);
        cstring(body, statement);
        body.writeBytes(int16(formats.length));
        for (int f : formats) {
            body.writeBytes(int16(f));
        }
        body.writeBytes(int16(values.length));
        for (var v : values) {
            if (v == null) {
                body.writeBytes(int32(-1));
            } else {
                body.writeBytes(int32(v.length));
                body.writeBytes(v);
            }
        }
        body.writeBytes(int16(resultFormats.length));
        for (int f : resultFormats) {
            body.writeBytes(int16(f));
        }
        return msg('B', body.toByteArray());
    }

    Pg describe(char kind, String name) {
        var body = new ByteArrayOutputStream();
        body.write(kind);
        cstring(body, name);
        return msg('D', body.toByteArray());
    }

    Pg execute(String portal, int maxRows) {
        var body = new ByteArrayOutputStream();
        cstring(body, portal);
        body.writeBytes(int32(maxRows));
        return msg('E', body.toByteArray());
    }

    Pg close(char kind, String name) {
        var body = new ByteArrayOutputStream();
        body.write(kind);
        cstring(body, name);
        return msg('C', body.toByteArray());
    }

    Pg sync() {
        return msg('S', new byte[0]);
    }

    Pg flush() {
        return msg('H', new byte[0]);
    }

    Pg terminate() {
        return msg('X', new byte[0]);
    }

    Pg copyData(String data) {
        return msg('d', data.getBytes(StandardCharsets.UTF_8));
    }

    Pg copyDone() {
        return msg('c', new byte[0]);
    }

    Pg copyFail(String message) {
        return msg('f', cstring(message));
    }

    // ---- server

    Pg auth(int code, byte... data) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int32(code));
        body.writeBytes(data);
        return msg('R', body.toByteArray());
    }

    Pg authSasl(String... mechanisms) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int32(10));
        for (var m : mechanisms) {
            cstring(body, m);
        }
        body.write(0);
        return msg('R', body.toByteArray());
    }

    Pg parameterStatus(String name, String value) {
        var body = new ByteArrayOutputStream();
        cstring(body, name);
        cstring(body, value);
        return msg('S', body.toByteArray());
    }

    Pg backendKey(int pid, int key) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int32(pid));
        body.writeBytes(int32(key));
        return msg('K', body.toByteArray());
    }

    Pg ready(char status) {
        return msg('Z', new byte[] {(byte) status});
    }

    /** RowDescription: pairs of name and type OID, all in the given format. */
    Pg rowDescription(int format, Object... nameAndType) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int16(nameAndType.length / 2));
        for (int i = 0; i < nameAndType.length; i += 2) {
            cstring(body, (String) nameAndType[i]);
            body.writeBytes(int32(0));
            body.writeBytes(int16(0));
            body.writeBytes(int32((Integer) nameAndType[i + 1]));
            body.writeBytes(int16(-1));
            body.writeBytes(int32(-1));
            body.writeBytes(int16(format));
        }
        return msg('T', body.toByteArray());
    }

    /** DataRow of text values (null is SQL NULL). */
    Pg dataRow(String... values) {
        var bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return dataRowBytes(bytes);
    }

    Pg dataRowBytes(byte[]... values) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int16(values.length));
        for (var v : values) {
            if (v == null) {
                body.writeBytes(int32(-1));
            } else {
                body.writeBytes(int32(v.length));
                body.writeBytes(v);
            }
        }
        return msg('D', body.toByteArray());
    }

    Pg commandComplete(String tag) {
        return msg('C', cstring(tag));
    }

    Pg emptyQuery() {
        return msg('I', new byte[0]);
    }

    Pg parseComplete() {
        return msg('1', new byte[0]);
    }

    Pg bindComplete() {
        return msg('2', new byte[0]);
    }

    Pg closeComplete() {
        return msg('3', new byte[0]);
    }

    Pg noData() {
        return msg('n', new byte[0]);
    }

    Pg portalSuspended() {
        return msg('s', new byte[0]);
    }

    Pg parameterDescription(int... types) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int16(types.length));
        for (int t : types) {
            body.writeBytes(int32(t));
        }
        return msg('t', body.toByteArray());
    }

    Pg error(String severity, String code, String message, String... more) {
        var body = new ByteArrayOutputStream();
        body.write('S');
        cstring(body, severity);
        body.write('V');
        cstring(body, severity);
        body.write('C');
        cstring(body, code);
        body.write('M');
        cstring(body, message);
        for (var m : more) {
            body.write(m.charAt(0));
            cstring(body, m.substring(1));
        }
        body.write(0);
        return msg('E', body.toByteArray());
    }

    Pg notice(String code, String message) {
        var body = new ByteArrayOutputStream();
        body.write('S');
        cstring(body, "NOTICE");
        body.write('C');
        cstring(body, code);
        body.write('M');
        cstring(body, message);
        body.write(0);
        return msg('N', body.toByteArray());
    }

    Pg notification(int pid, String channel, String payload) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(int32(pid));
        cstring(body, channel);
        cstring(body, payload);
        return msg('A', body.toByteArray());
    }

    Pg copyInResponse(int columns) {
        return copyResponse('G', columns);
    }

    Pg copyOutResponse(int columns) {
        return copyResponse('H', columns);
    }

    private Pg copyResponse(char type, int columns) {
        var body = new ByteArrayOutputStream();
        body.write(0);
        body.writeBytes(int16(columns));
        for (int i = 0; i < columns; i++) {
            body.writeBytes(int16(0));
        }
        return msg(type, body.toByteArray());
    }

    Pg raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Pg msg(char type, byte[] body) {
        out.write(type);
        out.writeBytes(int32(body.length + 4));
        out.writeBytes(body);
        return this;
    }

    private Pg untyped(byte[] body) {
        out.writeBytes(int32(body.length + 4));
        out.writeBytes(body);
        return this;
    }

    static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static byte[] int16(int v) {
        return ByteBuffer.allocate(2).putShort((short) v).array();
    }

    static byte[] int64(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cstring(String s) {
        var out = new ByteArrayOutputStream();
        cstring(out, s);
        return out.toByteArray();
    }

    private static void cstring(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }
}
