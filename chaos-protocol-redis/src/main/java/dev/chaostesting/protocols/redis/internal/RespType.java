package dev.chaostesting.protocols.redis.internal;

import org.jspecify.annotations.Nullable;

/** The RESP2 and RESP3 value types, by their type byte, with the names recordings use. */
public enum RespType {
    SIMPLE('+', "simple"),
    ERROR('-', "error"),
    INTEGER(':', "integer"),
    BULK('$', "bulk"),
    ARRAY('*', "array"),
    NULL('_', "null"),
    BOOLEAN('#', "boolean"),
    DOUBLE(',', "double"),
    BIG_NUMBER('(', "bignumber"),
    BULK_ERROR('!', "bulkerror"),
    VERBATIM('=', "verbatim"),
    MAP('%', "map"),
    SET('~', "set"),
    ATTRIBUTE('|', "attribute"),
    PUSH('>', "push");

    private static final RespType[] BY_BYTE = new RespType[128];

    static {
        for (var t : values()) {
            BY_BYTE[t.marker] = t;
        }
    }

    private final char marker;
    private final String recordedName;

    RespType(char marker, String recordedName) {
        this.marker = marker;
        this.recordedName = recordedName;
    }

    public static @Nullable RespType of(int b) {
        return b >= 0 && b < 128 ? BY_BYTE[b] : null;
    }

    public char marker() {
        return marker;
    }

    /** The name written in recordings ({@code response.type}). */
    public String recordedName() {
        return recordedName;
    }

    boolean aggregate() {
        return this == ARRAY || this == MAP || this == SET || this == ATTRIBUTE || this == PUSH;
    }

    boolean blob() {
        return this == BULK || this == BULK_ERROR || this == VERBATIM;
    }
}
