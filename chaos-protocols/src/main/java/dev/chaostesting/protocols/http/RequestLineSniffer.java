package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.Detection;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Tells an HTTP/1.x request line from other first bytes: a known method and a space, or another upper-case token
 * followed by a space and the start of a request target ({@code /}, {@code *} or {@code http}).
 */
final class RequestLineSniffer {

    /** Long enough for every registered method (BASELINE-CONTROL has 16 characters). */
    private static final int MAX_METHOD = 16;

    private static final Set<String> METHODS =
            Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE");

    /** HTTP/2's connection preface starts like a request line; HTTP/2 is another codec's. */
    private static final String HTTP2_PREFACE_METHOD = "PRI";

    private RequestLineSniffer() {}

    static Detection detect(ByteBuffer bytes) {
        int from = bytes.position();
        int available = bytes.limit() - from;
        int length = 0;
        while (length < available) {
            int b = bytes.get(from + length) & 0xff;
            if (b == ' ') {
                break;
            }
            boolean methodChar = (b >= 'A' && b <= 'Z') || (length > 0 && (b == '-' || b == '_'));
            if (length == MAX_METHOD || !methodChar) {
                return Detection.NO_MATCH;
            }
            length++;
        }
        if (length == available) {
            return Detection.NEED_MORE;
        }
        if (length == 0) {
            return Detection.NO_MATCH;
        }
        var method = new byte[length];
        bytes.get(from, method);
        var name = new String(method, java.nio.charset.StandardCharsets.US_ASCII);
        if (name.equals(HTTP2_PREFACE_METHOD)) {
            return Detection.NO_MATCH;
        }
        if (METHODS.contains(name)) {
            return Detection.MATCH;
        }
        return targetStart(bytes, from + length + 1);
    }

    private static Detection targetStart(ByteBuffer bytes, int at) {
        int limit = bytes.limit();
        if (at == limit) {
            return Detection.NEED_MORE;
        }
        int first = bytes.get(at);
        if (first == '/' || first == '*') {
            return Detection.MATCH;
        }
        var scheme = "http";
        for (int i = 0; i < scheme.length(); i++) {
            if (at + i == limit) {
                return Detection.NEED_MORE;
            }
            if (Character.toLowerCase(bytes.get(at + i)) != scheme.charAt(i)) {
                return Detection.NO_MATCH;
            }
        }
        return Detection.MATCH;
    }
}
