package dev.chaostesting.protocols.postgres.internal;

import org.jspecify.annotations.Nullable;

/** A statement parsed on this connection: its SQL and what the server said of its parameters and columns. */
final class Statement {

    final String name;
    final @Nullable String sql;
    final boolean sqlCut;
    final int[] parseTypes;
    int @Nullable [] describedTypes;
    Fields.@Nullable Columns columns;

    Statement(String name, @Nullable String sql, boolean sqlCut, int[] parseTypes) {
        this.name = name;
        this.sql = sql;
        this.sqlCut = sqlCut;
        this.parseTypes = parseTypes;
    }

    /** The i-th parameter's type: as the server described it, else as Parse gave it, else 0 (unspecified). */
    int type(int i) {
        if (describedTypes != null && i < describedTypes.length && describedTypes[i] != 0) {
            return describedTypes[i];
        }
        return i < parseTypes.length ? parseTypes[i] : 0;
    }
}
