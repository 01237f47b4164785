package dev.chaostesting.protocols.postgres.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/** The result of one statement: its columns, row count, first rows, command tag, or COPY data. */
final class Result {

    static final int FIRST_ROWS = 10;

    private Fields.@Nullable Columns columns;
    private long rows;
    private final List<List<@Nullable String>> firstRows = new ArrayList<>();
    private boolean valuesCut;
    private long budget;
    private @Nullable String commandTag;
    private boolean empty;
    private boolean suspended;
    private @Nullable CopyState copyIn;
    private @Nullable CopyState copyOut;

    Result(Fields.@Nullable Columns columns, int maxBodyBytes) {
        this.columns = columns;
        this.budget = maxBodyBytes;
    }

    private int @Nullable [] formats;

    /** The formats the Bind asked for, used when the columns (and so their types) are not known. */
    void formats(int @Nullable [] resultFormats) {
        this.formats = resultFormats;
    }

    /** Whether the next DataRow's content is wanted (only the first rows are recorded). */
    boolean wantsRows() {
        return firstRows.size() < FIRST_ROWS;
    }

    void row(Frame frame) throws MalformedMessageException {
        rows++;
        if (!wantsRows()) {
            return;
        }
        var p = frame.read();
        var values = new ArrayList<@Nullable String>();
        try {
            int n = p.count16("column count", 4);
            for (int i = 0; i < n; i++) {
                int length = p.int32("value length");
                if (length == -1) {
                    values.add(null);
                    continue;
                }
                if (length < -1) {
                    throw p.malformed("value length", String.valueOf(length), ">= -1");
                }
                var bytes = p.bytesUpTo((int) Math.min(length, Math.max(0, budget)));
                budget -= bytes.length;
                boolean cut = bytes.length < length;
                if (cut) {
                    valuesCut = true;
                }
                int oid = columns != null && i < columns.size() ? columns.types()[i] : 0;
                int format = columns != null && i < columns.size()
                        ? columns.formats()[i]
                        : formats == null || formats.length == 0
                                ? 0
                                : formats.length == 1 ? formats[0] : i < formats.length ? formats[i] : 0;
                values.add(PgTypes.text(oid, format, bytes, cut));
                if (cut) {
                    break;
                }
            }
        } catch (MalformedMessageException e) {
            if (frame.whole()) {
                throw e;
            }
            valuesCut = true;
        }
        firstRows.add(values);
    }

    void commandTag(String tag) {
        commandTag = tag;
    }

    void empty() {
        empty = true;
    }

    void suspended() {
        suspended = true;
    }

    boolean finished() {
        return commandTag != null || empty || suspended;
    }

    CopyState copy(String direction, boolean binary, int columnCount, int maxBodyBytes) {
        var copy = new CopyState(direction, binary, columnCount, maxBodyBytes);
        if (direction.equals("out")) {
            copyOut = copy;
        } else {
            copyIn = copy;
            if (direction.equals("both")) {
                copyOut = new CopyState("both", binary, columnCount, maxBodyBytes);
            }
        }
        return copy;
    }

    @Nullable
    CopyState copyIn() {
        return copyIn;
    }

    @Nullable
    CopyState copyOut() {
        return copyOut;
    }

    /** Puts this result's fields, in order, with {@code out} (a map's or a message builder's put). */
    void fields(BiConsumer<String, @Nullable Object> out) {
        if (commandTag != null) {
            out.accept("commandTag", commandTag);
            var count = rowCount(commandTag);
            if (count != null) {
                out.accept("rowCount", count);
            }
        }
        if (empty) {
            out.accept("emptyQuery", true);
        }
        if (columns != null) {
            out.accept("columns", columns.toFields());
        }
        if (columns != null || rows > 0) {
            out.accept("rows", rows);
            out.accept("firstRows", List.copyOf(firstRows));
            if (valuesCut) {
                out.accept("firstRowsTruncated", true);
            }
        }
        if (suspended) {
            out.accept("suspended", true);
        }
        if (copyIn != null) {
            out.accept("copyIn", copyIn.toFields());
        }
        if (copyOut != null && copyOut != copyIn) {
            out.accept("copyOut", copyOut.toFields());
        }
    }

    Map<String, @Nullable Object> toFields() {
        var out = new LinkedHashMap<String, @Nullable Object>();
        fields(out::put);
        return out;
    }

    /** The row count a command tag ends with (INSERT 0 5, UPDATE 3, SELECT 7, COPY 10...), or null. */
    static @Nullable Long rowCount(String tag) {
        var parts = tag.split(" ");
        if (parts.length < 2) {
            return null;
        }
        var known = Arrays.asList("INSERT", "UPDATE", "DELETE", "SELECT", "MERGE", "MOVE", "FETCH", "COPY");
        if (!known.contains(parts[0])) {
            return null;
        }
        try {
            return Long.parseLong(parts[parts.length - 1]);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
