package dev.chaostesting.protocols.mysql.internal;

import dev.chaostesting.model.Body;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over the recorded bytes of one message's payload, with the protocol's integer and string encodings. The
 * recorded bytes may be only the first part of a larger payload ({@link #truncated}): running past them then means
 * "not recorded", which callers check with {@link #truncated()} before calling the message malformed.
 */
final class Payload {

    /** The length-encoded integer that stands for NULL in text rows. */
    static final long NULL_LENGTH = -1;

    private final byte[] bytes;
    private final String what;
    private final boolean truncated;
    private int pos;

    Payload(byte[] bytes, boolean truncated, String what) {
        this.bytes = bytes;
        this.truncated = truncated;
        this.what = what;
    }

    boolean truncated() {
        return truncated;
    }

    int remaining() {
        return bytes.length - pos;
    }

    boolean hasRemaining() {
        return pos < bytes.length;
    }

    int position() {
        return pos;
    }

    int peek() throws MalformedPacketException {
        need(1);
        return bytes[pos] & 0xff;
    }

    int u8() throws MalformedPacketException {
        need(1);
        return bytes[pos++] & 0xff;
    }

    int u16() throws MalformedPacketException {
        need(2);
        int v = (bytes[pos] & 0xff) | (bytes[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    int u24() throws MalformedPacketException {
        need(3);
        int v = (bytes[pos] & 0xff) | (bytes[pos + 1] & 0xff) << 8 | (bytes[pos + 2] & 0xff) << 16;
        pos += 3;
        return v;
    }

    long u32() throws MalformedPacketException {
        need(4);
        long v = (bytes[pos] & 0xffL)
                | (bytes[pos + 1] & 0xffL) << 8
                | (bytes[pos + 2] & 0xffL) << 16
                | (bytes[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    long u64() throws MalformedPacketException {
        long low = u32();
        long high = u32();
        return low | high << 32;
    }

    /** A length-encoded integer; {@link #NULL_LENGTH} for the NULL marker 0xFB. */
    long lenenc() throws MalformedPacketException {
        int first = u8();
        return switch (first) {
            case 0xfb -> NULL_LENGTH;
            case 0xfc -> u16();
            case 0xfd -> u24();
            case 0xfe -> u64();
            case 0xff -> throw new MalformedPacketException(what + ": length-encoded integer starts with 0xff");
            default -> first;
        };
    }

    /** A length-encoded string's bytes, or null for the NULL marker. */
    byte[] lenencBytes() throws MalformedPacketException {
        long n = lenenc();
        if (n == NULL_LENGTH) {
            return null;
        }
        return bytes(n);
    }

    String lenencString() throws MalformedPacketException {
        var b = lenencBytes();
        return b == null ? "" : text(b);
    }

    byte[] bytes(long n) throws MalformedPacketException {
        if (n < 0 || n > remaining()) {
            need(n < 0 || n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n);
        }
        var b = Arrays.copyOfRange(bytes, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    void skip(long n) throws MalformedPacketException {
        bytes(n);
    }

    /** Bytes up to a NUL, which is consumed; the rest of the payload when there is no NUL. */
    String nulString() {
        int end = pos;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        var s = text(Arrays.copyOfRange(bytes, pos, end));
        pos = Math.min(bytes.length, end + 1);
        return s;
    }

    byte[] rest() {
        var b = Arrays.copyOfRange(bytes, pos, bytes.length);
        pos = bytes.length;
        return b;
    }

    String restString() {
        return text(rest());
    }

    private void need(int n) throws MalformedPacketException {
        if (remaining() < n) {
            throw new MalformedPacketException(what + ": " + (truncated ? "not recorded past " : "ends after ")
                    + bytes.length + " bytes (expected: " + n + " more at offset " + pos + ")");
        }
    }

    /** UTF-8 when the bytes are valid UTF-8, else ISO-8859-1, so that every byte survives. */
    static String text(byte[] b) {
        var text = Body.utf8(b, 0, b.length);
        return text != null ? text : new String(b, StandardCharsets.ISO_8859_1);
    }

    static boolean isUtf8(byte[] b) {
        return Body.utf8(b, 0, b.length) != null;
    }
}
