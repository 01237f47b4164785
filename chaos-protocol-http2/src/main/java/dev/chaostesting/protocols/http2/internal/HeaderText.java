package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** Turns decoded HPACK fields into text: UTF-8 when the bytes are valid UTF-8, else ISO-8859-1, so every byte survives. */
final class HeaderText {

    private HeaderText() {}

    /** Splits a header block into its pseudo-header fields and its regular fields, in order. */
    static Headers split(Http2Headers block, Map<String, String> pseudo) {
        var regular = Headers.builder();
        for (var e : block) {
            var name = text(e.getKey());
            var value = text(e.getValue());
            if (name.startsWith(":")) {
                pseudo.putIfAbsent(name, value);
            } else {
                regular.add(name, value);
            }
        }
        return regular.build();
    }

    static String text(CharSequence s) {
        byte[] bytes =
                s instanceof AsciiString a ? a.toByteArray() : s.toString().getBytes(StandardCharsets.ISO_8859_1);
        var text = Body.utf8(bytes, 0, bytes.length);
        return text != null ? text : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Decodes a {@code grpc-message} value: percent-encoded UTF-8 (gRPC over HTTP/2, "Responses"). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * gRPC metadata is recorded as structured fields, which the recorder's HTTP header redaction does not see, so
     * credentials are replaced here.
     */
    static boolean isSecret(String name) {
        var n = name.toLowerCase(Locale.ROOT);
        return n.equals("authorization")
                || n.equals("proxy-authorization")
                || n.equals("cookie")
                || n.equals("set-cookie")
                || n.contains("token")
                || n.contains("secret")
                || n.contains("password")
                || n.contains("api-key")
                || n.contains("apikey")
                || n.contains("session");
    }

    static String redact(String name, String value) {
        if (!isSecret(name)) {
            return value;
        }
        int space = value.indexOf(' ');
        var n = name.toLowerCase(Locale.ROOT);
        if ((n.equals("authorization") || n.equals("proxy-authorization")) && space > 0) {
            return value.substring(0, space) + " <redacted>";
        }
        return "<redacted>";
    }
}
