package dev.chaostesting.protocols.postgres.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One COPY's data, one direction: counts of messages, bytes and lines, and the first lines (text and CSV formats).
 */
final class CopyState {

    static final int FIRST_LINES = 10;

    private final String direction;
    private final boolean binary;
    private final int columns;
    private final int lineLimit;
    private long messages;
    private long bytes;
    private long lines;
    private final List<String> firstLines = new ArrayList<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lineCut;
    private long lineLength;
    private int lineStart;
    private boolean done;
    private @Nullable String failed;

    CopyState(String direction, boolean binary, int columns, int maxBodyBytes) {
        this.direction = direction;
        this.binary = binary;
        this.columns = columns;
        this.lineLimit = Math.max(1, Math.min(maxBodyBytes, 4096));
    }

    boolean active() {
        return !done && failed == null;
    }

    boolean wantsData() {
        return !binary;
    }

    String direction() {
        return direction;
    }

    /** One CopyData message: its length on the wire and the kept part of its payload. */
    void data(byte[] kept, long length) {
        messages++;
        bytes += length;
        if (binary) {
            return;
        }
        for (byte b : kept) {
            if (b == '\n') {
                // "\." alone is the end-of-data marker some clients still send: not a row.
                boolean endMarker = lineLength == 2 && lineStart == (('\\' << 8) | '.');
                if (!endMarker) {
                    lines++;
                    if (firstLines.size() < FIRST_LINES) {
                        firstLines.add(line.toString(StandardCharsets.UTF_8) + (lineCut ? "..." : ""));
                    }
                }
                line.reset();
                lineCut = false;
                lineLength = 0;
                lineStart = 0;
                continue;
            }
            if (lineLength < 2) {
                lineStart = (lineStart << 8) | (b & 0xff);
            }
            lineLength++;
            if (firstLines.size() < FIRST_LINES) {
                if (line.size() < lineLimit) {
                    line.write(b);
                } else {
                    lineCut = true;
                }
            }
        }
    }

    void done() {
        done = true;
    }

    void failed(String message) {
        failed = message;
    }

    Map<String, @Nullable Object> toFields() {
        var out = new LinkedHashMap<String, @Nullable Object>();
        out.put("direction", direction);
        out.put("format", binary ? "binary" : "text");
        out.put("columns", columns);
        out.put("messages", messages);
        out.put("bytes", bytes);
        if (!binary) {
            out.put("lines", lines);
            out.put("firstLines", List.copyOf(firstLines));
        }
        out.put("done", done);
        if (failed != null) {
            out.put("failed", failed);
        }
        return out;
    }
}
