package dev.chaostesting.protocols.postgres.internal;

import java.nio.charset.StandardCharsets;

/** A cursor over a message's kept payload. Reading past the kept bytes throws, naming the message and the field. */
final class Payload {

    private final Frame frame;
    private final byte[] bytes;
    private int position;

    Payload(Frame frame) {
        this.frame = frame;
        this.bytes = frame.payload();
    }

    int remaining() {
        return bytes.length - position;
    }

    /** Whether the payload ends here on the wire (not merely where the kept part ends). */
    boolean atEnd() {
        return position == frame.length();
    }

    /** Whether the kept part ends here but the message went on. */
    boolean cut() {
        return position == bytes.length && bytes.length < frame.length();
    }

    byte int8(String field) throws MalformedMessageException {
        need(1, field);
        return bytes[position++];
    }

    int int16(String field) throws MalformedMessageException {
        need(2, field);
        int v = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
        position += 2;
        return v;
    }

    int int32(String field) throws MalformedMessageException {
        need(4, field);
        int v = Wire.int32(bytes, position);
        position += 4;
        return v;
    }

    /** A count that must be >= 0 and small enough that its items could fit in what is left. */
    int count16(String field, int bytesPerItem) throws MalformedMessageException {
        int n = int16(field);
        if ((long) n * bytesPerItem > frame.length() - position) {
            throw malformed(field, String.valueOf(n), "items that fit in the message");
        }
        return n;
    }

    String cstring(String field) throws MalformedMessageException {
        for (int i = position; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                var s = new String(bytes, position, i - position, StandardCharsets.UTF_8);
                position = i + 1;
                return s;
            }
        }
        throw malformed(field, "no terminating zero byte", "a zero-terminated string");
    }

    byte[] bytes(int n, String field) throws MalformedMessageException {
        need(n, field);
        var out = new byte[n];
        System.arraycopy(bytes, position, out, 0, n);
        position += n;
        return out;
    }

    /** Up to {@code n} bytes: fewer when the kept part ends first. */
    byte[] bytesUpTo(int n) {
        int take = Math.min(n, remaining());
        var out = new byte[take];
        System.arraycopy(bytes, position, out, 0, take);
        position += take;
        return out;
    }

    byte[] rest() {
        return bytesUpTo(remaining());
    }

    void skip(int n, String field) throws MalformedMessageException {
        need(n, field);
        position += n;
    }

    void end() throws MalformedMessageException {
        if (position != frame.length()) {
            throw malformed(
                    "length", String.valueOf(frame.length()), position + " bytes of content (the message's fields)");
        }
    }

    private void need(int n, String field) throws MalformedMessageException {
        if (n < 0 || position + n > bytes.length) {
            throw malformed(field, "message ends after " + frame.length() + " bytes", "the field within the message");
        }
    }

    MalformedMessageException malformed(String field, String value, String expected) {
        return new MalformedMessageException(
                frame.typeName() + " " + field + ": " + value + " (expected: " + expected + ")");
    }
}
