package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Body;
import java.nio.charset.StandardCharsets;

/** Byte-level helpers for HTTP/1 text: token characters, decoding field text, and quoting values in messages. */
final class Text {

    private static final boolean[] TCHAR = new boolean[128];
    private static final int QUOTED_MAX = 64;

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Text() {}

    /** Whether the range is a non-empty token (RFC 9110 section 5.6.2). */
    static boolean isToken(byte[] bytes, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            int b = bytes[i];
            if (b < 0 || !TCHAR[b]) {
                return false;
            }
        }
        return true;
    }

    /** Whether a byte (as a signed value) is a token character. */
    static boolean isTokenChar(int b) {
        return b >= 0 && TCHAR[b];
    }

    static int indexOf(byte[] bytes, int from, int to, int b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static int lastIndexOf(byte[] bytes, int from, int to, int b) {
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static boolean isWhitespace(int b) {
        return b == ' ' || b == '\t';
    }

    /** One byte per char: for tokens, which are ASCII. */
    @SuppressWarnings("deprecation") // the same chars as decoding ISO-8859-1, a third faster on JDK 17 (measured)
    static String latin1(byte[] bytes, int from, int to) {
        // Each char is (0 << 8) | (byte & 0xff): ISO-8859-1, without the charset's decoding path. Field names and
        // values
        // are made this way for every message, so it shows in the import's profile.
        return new String(bytes, 0, from, to - from);
    }

    /**
     * Field text: ASCII as is, else UTF-8 when the bytes are valid UTF-8 (what current peers send), else ISO-8859-1,
     * which keeps every byte as one char so that nothing is lost.
     */
    static String decode(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                return decodeNonAscii(bytes, from, to);
            }
        }
        return latin1(bytes, from, to);
    }

    private static String decodeNonAscii(byte[] bytes, int from, int to) {
        var text = Body.utf8(bytes, from, to);
        return text != null ? text : latin1(bytes, from, to);
    }

    /** The bytes in single quotes for an error message: printable ASCII as is, others as \xNN, long values cut. */
    static String quote(byte[] bytes, int from, int to) {
        var sb = new StringBuilder(Math.min(to - from, QUOTED_MAX) + 8).append('\'');
        int end = Math.min(to, from + QUOTED_MAX);
        for (int i = from; i < end; i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\' && b != '\'') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        if (end < to) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }

    static String quote(String value) {
        var bytes = value.getBytes(StandardCharsets.UTF_8);
        return quote(bytes, 0, bytes.length);
    }
}
