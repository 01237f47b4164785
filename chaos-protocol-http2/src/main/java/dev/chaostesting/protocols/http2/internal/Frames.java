package dev.chaostesting.protocols.http2.internal;

import java.util.List;

/** HTTP/2 frame types, flags, settings and error codes (RFC 9113). */
public final class Frames {

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int FLAG_END_STREAM = 0x1;
    public static final int FLAG_ACK = 0x1;
    public static final int FLAG_END_HEADERS = 0x4;
    public static final int FLAG_PADDED = 0x8;
    public static final int FLAG_PRIORITY = 0x20;

    public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;
    public static final int DEFAULT_HEADER_TABLE_SIZE = 4096;

    private static final String[] NAMES = {
        "DATA",
        "HEADERS",
        "PRIORITY",
        "RST_STREAM",
        "SETTINGS",
        "PUSH_PROMISE",
        "PING",
        "GOAWAY",
        "WINDOW_UPDATE",
        "CONTINUATION"
    };

    /** HTTP/2 error codes by name, indexed by their number (RFC 9113 section 7). */
    public static final List<String> ERROR_CODES = List.of(
            "NO_ERROR",
            "PROTOCOL_ERROR",
            "INTERNAL_ERROR",
            "FLOW_CONTROL_ERROR",
            "SETTINGS_TIMEOUT",
            "STREAM_CLOSED",
            "FRAME_SIZE_ERROR",
            "REFUSED_STREAM",
            "CANCEL",
            "COMPRESSION_ERROR",
            "CONNECT_ERROR",
            "ENHANCE_YOUR_CALM",
            "INADEQUATE_SECURITY",
            "HTTP_1_1_REQUIRED");

    private Frames() {}

    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "frame type 0x" + Integer.toHexString(type);
    }

    /** An error code as its RFC 9113 name and number, e.g. {@code CANCEL (0x8)}. */
    public static String errorName(long code) {
        var hex = "0x" + Long.toHexString(code);
        return code >= 0 && code < ERROR_CODES.size() ? ERROR_CODES.get((int) code) + " (" + hex + ")" : hex;
    }

    /** Writes a 9-byte frame header. */
    public static void header(byte[] out, int offset, int length, int type, int flags, int streamId) {
        out[offset] = (byte) (length >>> 16);
        out[offset + 1] = (byte) (length >>> 8);
        out[offset + 2] = (byte) length;
        out[offset + 3] = (byte) type;
        out[offset + 4] = (byte) flags;
        out[offset + 5] = (byte) ((streamId >>> 24) & 0x7f);
        out[offset + 6] = (byte) (streamId >>> 16);
        out[offset + 7] = (byte) (streamId >>> 8);
        out[offset + 8] = (byte) streamId;
    }
}
