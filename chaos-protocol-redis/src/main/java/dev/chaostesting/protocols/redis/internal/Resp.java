package dev.chaostesting.protocols.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One decoded RESP value. Built by {@link RespReader} and not changed once complete. Blob and line values keep their
 * recorded bytes (at most the reader's limit) and their full size; aggregates keep the elements that fitted the
 * recording budget and their declared count.
 */
public final class Resp {

    final RespType type;
    /** Line or blob content as recorded (possibly a prefix). Empty for aggregates and nulls. */
    byte[] data = new byte[0];
    /** Full size of the line or blob content. */
    long size;
    /** For nulls: the RESP2 form ({@code $-1} is {@code BULK}, {@code *-1} is {@code ARRAY}), else null. */
    @Nullable
    RespType nullOf;
    /** Elements recorded (maps and attributes: key, value, key, value...). */
    final List<Resp> elements = new ArrayList<>();
    /** Elements seen, recorded or not. */
    long count;

    @Nullable
    Resp attributes;

    Resp(RespType type) {
        this.type = type;
    }

    public RespType type() {
        return type;
    }

    public @Nullable RespType nullOf() {
        return nullOf;
    }

    public List<Resp> elements() {
        return elements;
    }

    public long count() {
        return count;
    }

    public byte[] data() {
        return data;
    }

    public long size() {
        return size;
    }

    public @Nullable Resp attributes() {
        return attributes;
    }

    /** Whether line or blob bytes were left out of the recording. */
    public boolean dataTruncated() {
        return size > data.length;
    }

    /** Whether elements were left out of the recording. */
    public boolean elementsTruncated() {
        return count > elements.size();
    }

    /** The content as text (UTF-8, invalid bytes replaced). */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Whether this is a string (simple, bulk or verbatim) whose recorded bytes equal {@code ascii}, ignoring case. */
    public boolean isString(String ascii) {
        return (type == RespType.SIMPLE || type == RespType.BULK || type == RespType.VERBATIM)
                && !dataTruncated()
                && text().equalsIgnoreCase(ascii);
    }

    /** The first element when it is a string, lower case; else null. */
    public @Nullable String kind() {
        if (!type.aggregate() || elements.isEmpty()) {
            return null;
        }
        var first = elements.get(0);
        return first.type == RespType.SIMPLE || first.type == RespType.BULK
                ? first.text().toLowerCase(java.util.Locale.ROOT)
                : null;
    }

    @Override
    public String toString() {
        return type.recordedName() + (type.aggregate() ? elements.toString() : "(" + text() + ")");
    }
}
