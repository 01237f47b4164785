package dev.chaostesting.protocols.mysql.internal;

import static dev.chaostesting.protocols.mysql.internal.Protocol.*;

import dev.chaostesting.protocols.mysql.internal.Exchange.Expect;
import dev.chaostesting.protocols.mysql.internal.Exchange.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The connection phase: the server's greeting, the client's answer, and authentication up to OK or ERR. */
final class Handshakes {

    /** The most connection attributes recorded. */
    static final int MAX_ATTRIBUTES = 64;

    private Handshakes() {}

    /** The handshake exchange opened by the server's greeting (protocol 10), recording the server's side. */
    static Exchange greeting(Packet packet, Session session) throws MalformedPacketException {
        var x = new Exchange(-1, Expect.AUTH, packet.firstAt(), State.GREETED);
        x.request.put("command", "HANDSHAKE");
        var p = packet.reader("handshake");
        int version = p.u8();
        if (version != 10) {
            throw new MalformedPacketException("handshake: protocol version " + version + " (expected: 10)");
        }
        x.response.put("protocolVersion", 10L);
        x.response.put("serverVersion", p.nulString());
        x.response.put("connectionId", p.u32());
        p.skip(8); // first part of the scramble
        p.u8();
        long caps = p.u16();
        String plugin = null;
        if (p.hasRemaining()) {
            x.response.put("characterSet", (long) p.u8());
            p.u16(); // status
            caps |= (long) p.u16() << 16;
            int authLength = p.u8();
            p.skip(6);
            long ext = p.u32();
            if ((caps & CLIENT_MYSQL) == 0) {
                caps |= ext << 32;
            }
            if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
                p.skip(Math.min(p.remaining(), Math.max(13, authLength - 8)));
            }
            if ((caps & CLIENT_PLUGIN_AUTH) != 0 && p.hasRemaining()) {
                plugin = p.nulString();
            }
        }
        session.serverCapabilities = caps;
        x.response.put("capabilities", capabilityNames(caps));
        if (plugin != null) {
            x.response.put("authPlugin", plugin);
        }
        x.response.put("authFlow", new ArrayList<Object>());
        x.lastSequenceId = packet.lastSequenceId();
        return x;
    }

    /**
     * The client's HandshakeResponse41, or its SSLRequest. Returns true for an SSLRequest: TLS follows.
     */
    static boolean response(Exchange x, Packet packet, Session session) throws MalformedPacketException {
        var p = packet.reader("handshake response");
        long caps = p.u32();
        if ((caps & CLIENT_PROTOCOL_41) == 0) {
            throw new MalformedPacketException(
                    "handshake response: capabilities without CLIENT_PROTOCOL_41 (HandshakeResponse320 is not decoded)");
        }
        p.u32(); // max packet size
        x.request.put("characterSet", (long) p.u8());
        var filler = p.bytes(23);
        if ((session.serverCapabilities & CLIENT_MYSQL) == 0) {
            long ext = (filler[19] & 0xffL)
                    | (filler[20] & 0xffL) << 8
                    | (filler[21] & 0xffL) << 16
                    | (filler[22] & 0xffL) << 24;
            caps |= ext << 32;
        }
        session.clientCapabilities = caps;
        x.request.put("capabilities", capabilityNames(caps));
        if (!p.hasRemaining() && (caps & CLIENT_SSL) != 0) {
            x.request.put("tls", true);
            return true;
        }
        x.request.put("user", p.nulString());
        if ((caps & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            p.lenencBytes();
        } else if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
            p.skip(p.u8());
        } else {
            p.nulString();
        }
        x.request.put("auth", Commands.REDACTED);
        if ((caps & CLIENT_CONNECT_WITH_DB) != 0 && p.hasRemaining()) {
            x.request.put("database", p.nulString());
        }
        if ((caps & CLIENT_PLUGIN_AUTH) != 0 && p.hasRemaining()) {
            x.request.put("authPlugin", p.nulString());
        }
        if ((caps & CLIENT_CONNECT_ATTRS) != 0 && p.hasRemaining()) {
            x.request.put("clientAttributes", attributes(p));
        }
        var compression = compression(session);
        if (compression != null) {
            x.request.put("compression", compression);
        }
        return false;
    }

    /** The compression both sides agreed on, or null. */
    static String compression(Session session) {
        if (session.has(CLIENT_ZSTD_COMPRESSION)) {
            return "zstd";
        }
        return session.has(CLIENT_COMPRESS) ? "zlib" : null;
    }

    /** Connection attributes: a length, then key and value pairs, all length-encoded. */
    static Map<String, Object> attributes(Payload p) throws MalformedPacketException {
        long length = p.lenenc();
        int end = (int) Math.min(p.position() + Math.max(0, length), p.position() + p.remaining());
        var attrs = new LinkedHashMap<String, Object>();
        while (p.position() < end && attrs.size() < MAX_ATTRIBUTES) {
            var key = p.lenencString();
            var value = p.lenencString();
            attrs.put(key, value);
        }
        return attrs;
    }

    /**
     * A server packet during authentication. Returns true when authentication ended (OK or ERR). Auth data is never
     * recorded: only which step happened.
     */
    @SuppressWarnings("unchecked")
    static boolean serverAuth(Exchange x, Packet packet, Session session) throws MalformedPacketException {
        var flow = (List<Object>) x.response.computeIfAbsent("authFlow", k -> new ArrayList<Object>());
        int h = packet.header();
        switch (h) {
            case 0x00 -> {
                var ok = Result.ok(packet, session, "OK");
                ok.fields.remove("affectedRows");
                ok.fields.remove("lastInsertId");
                x.addResult(ok);
                if (x.code < 0) {
                    session.handshakeDone = true;
                } else {
                    session.statements.clear();
                }
                return true;
            }
            case 0xff -> {
                if (Result.isProgress(packet)) {
                    return false;
                }
                x.addResult(Result.error(Result.error(packet)));
                return true;
            }
            case 0xfe -> {
                var p = packet.reader("auth switch request");
                p.u8();
                var plugin = p.hasRemaining() ? p.nulString() : "mysql_old_password";
                flow.add("switch:" + plugin);
                x.response.put("authPlugin", plugin);
            }
            case 0x01 -> {
                var b = packet.payload();
                if (b.length == 2 && b[1] == 3) {
                    flow.add("fastAuthSuccess");
                } else if (b.length == 2 && b[1] == 4) {
                    flow.add("fullAuthRequired");
                } else {
                    flow.add("moreData");
                }
            }
            default ->
                throw new MalformedPacketException(String.format(
                        "authentication: packet starting 0x%02x (expected: OK, ERR, auth switch or more data)", h));
        }
        x.state = State.AUTH;
        return false;
    }
}
