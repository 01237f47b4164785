package dev.chaostesting.protocols.mysql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds MySQL protocol packets for tests, following the protocol documentation byte by byte. */
final class Wire {

    static final long CLIENT_CONNECT_WITH_DB = 1L << 3;
    static final long CLIENT_COMPRESS = 1L << 5;
    static final long CLIENT_LOCAL_FILES = 1L << 7;
    static final long CLIENT_PROTOCOL_41 = 1L << 9;
    static final long CLIENT_SSL = 1L << 11;
    static final long CLIENT_SECURE_CONNECTION = 1L << 15;
    static final long CLIENT_MULTI_STATEMENTS = 1L << 16;
    static final long CLIENT_MULTI_RESULTS = 1L << 17;
    static final long CLIENT_PLUGIN_AUTH = 1L << 19;
    static final long CLIENT_CONNECT_ATTRS = 1L << 20;
    static final long CLIENT_PLUGIN_AUTH_LENENC = 1L << 21;
    static final long CLIENT_DEPRECATE_EOF = 1L << 24;

    static final long BASE = CLIENT_PROTOCOL_41
            | CLIENT_SECURE_CONNECTION
            | CLIENT_PLUGIN_AUTH
            | CLIENT_PLUGIN_AUTH_LENENC
            | CLIENT_CONNECT_ATTRS
            | CLIENT_CONNECT_WITH_DB
            | CLIENT_MULTI_STATEMENTS
            | CLIENT_MULTI_RESULTS
            | CLIENT_LOCAL_FILES
            | 1L; // CLIENT_MYSQL: a MySQL server, no MariaDB extended capabilities

    private Wire() {}

    static byte[] packet(int seq, byte[]... parts) {
        var payload = concat(parts);
        var out = new ByteArrayOutputStream();
        int at = 0;
        int s = seq;
        do {
            int n = Math.min(payload.length - at, 0xffffff);
            out.write(n);
            out.write(n >> 8);
            out.write(n >> 16);
            out.write(s++ & 0xff);
            out.write(payload, at, n);
            at += n;
            if (n < 0xffffff) {
                break;
            }
        } while (true);
        return out.toByteArray();
    }

    /** A compressed packet (CLIENT_COMPRESS) holding {@code content} deflated with zlib. */
    static byte[] compressed(int seq, byte[] content) {
        var deflater = new java.util.zip.Deflater();
        deflater.setInput(content);
        deflater.finish();
        var out = new ByteArrayOutputStream();
        var buf = new byte[8192];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return compressedFrame(seq, out.toByteArray(), content.length);
    }

    /** A compressed packet holding {@code content} stored as it is (uncompressed length 0). */
    static byte[] stored(int seq, byte[] content) {
        return compressedFrame(seq, content, 0);
    }

    /** A compressed packet header and payload, the header's lengths as given. */
    static byte[] compressedFrame(int seq, byte[] payload, int uncompressedLength) {
        int n = payload.length;
        int u = uncompressedLength;
        return concat(b(n, n >> 8, n >> 16, seq, u, u >> 8, u >> 16), payload);
    }

    static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (var p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] b(int... values) {
        var out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static byte[] u16(int v) {
        return b(v, v >> 8);
    }

    static byte[] u32(long v) {
        return b((int) v, (int) (v >> 8), (int) (v >> 16), (int) (v >> 24));
    }

    static byte[] u64(long v) {
        return concat(u32(v), u32(v >>> 32));
    }

    static byte[] s(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] nul(String text) {
        return concat(s(text), b(0));
    }

    static byte[] lenenc(long v) {
        if (v < 251) {
            return b((int) v);
        }
        if (v < 1 << 16) {
            return concat(b(0xfc), u16((int) v));
        }
        if (v < 1 << 24) {
            return b(0xfd, (int) v, (int) (v >> 8), (int) (v >> 16));
        }
        return concat(b(0xfe), u64(v));
    }

    static byte[] lenencString(String text) {
        var bytes = s(text);
        return concat(lenenc(bytes.length), bytes);
    }

    static byte[] greeting(String version, long caps, String plugin) {
        return packet(
                0,
                b(10),
                nul(version),
                u32(42),
                s("abcdefgh"),
                b(0),
                u16((int) caps),
                b(45),
                u16(2),
                u16((int) (caps >> 16)),
                b(21),
                new byte[6],
                u32(caps >>> 32),
                s("ijklmnopqrst"),
                b(0),
                nul(plugin));
    }

    static byte[] handshakeResponse(
            long caps, String user, byte[] auth, String database, String plugin, Map<String, String> attrs) {
        var attributes = new ByteArrayOutputStream();
        attrs.forEach((k, v) -> {
            attributes.writeBytes(lenencString(k));
            attributes.writeBytes(lenencString(v));
        });
        return packet(
                1,
                u32(caps),
                u32(1 << 24),
                b(45),
                new byte[23],
                nul(user),
                lenenc(auth.length),
                auth,
                nul(database),
                nul(plugin),
                lenenc(attributes.size()),
                attributes.toByteArray());
    }

    static byte[] sslRequest(long caps) {
        return packet(1, u32(caps | CLIENT_SSL), u32(1 << 24), b(45), new byte[23]);
    }

    static byte[] ok(int seq, long affected, long insertId, int status, int warnings) {
        return packet(seq, b(0), lenenc(affected), lenenc(insertId), u16(status), u16(warnings));
    }

    /** The OK packet that ends a result set when CLIENT_DEPRECATE_EOF is set. */
    static byte[] okEof(int seq, int status) {
        return packet(seq, b(0xfe), lenenc(0), lenenc(0), u16(status), u16(0));
    }

    static byte[] eof(int seq, int status) {
        return packet(seq, b(0xfe), u16(0), u16(status));
    }

    static byte[] err(int seq, int code, String state, String message) {
        return packet(seq, b(0xff), u16(code), s("#" + state), s(message));
    }

    static byte[] command(int code, String text) {
        return packet(0, b(code), s(text));
    }

    static byte[] column(int seq, String table, String name, int type, int flags) {
        return packet(
                seq,
                lenencString("def"),
                lenencString("db"),
                lenencString(table),
                lenencString(table),
                lenencString(name),
                lenencString(name),
                b(0x0c),
                u16(45),
                u32(20),
                b(type),
                u16(flags),
                b(0),
                u16(0));
    }

    static byte[] textRow(int seq, String... values) {
        var out = new ByteArrayOutputStream();
        for (var v : values) {
            out.writeBytes(v == null ? b(0xfb) : lenencString(v));
        }
        return packet(seq, out.toByteArray());
    }
}
