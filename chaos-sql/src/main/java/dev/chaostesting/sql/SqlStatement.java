package dev.chaostesting.sql;

import dev.chaostesting.sql.internal.Analyzer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a SQL statement seen on the wire does: its kind, the tables it reads and writes, and its shape (the statement
 * with literals replaced by {@code ?}, used to group statements that differ only by their values).
 *
 * <p>Tables come from JSqlParser when it parses the statement ({@link #parsed()} is then true). Statements it cannot
 * parse ({@code BEGIN}, {@code SET search_path TO ...}, vendor syntax) are classified by their keywords instead, and
 * their tables found by the {@code FROM}/{@code JOIN}/{@code INTO}/{@code UPDATE} words around them: analysis never
 * fails, whatever the input.
 *
 * @param kind the statement's verb in upper case: {@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE},
 *     {@code MERGE}, {@code CREATE}, {@code ALTER}, {@code DROP}, {@code TRUNCATE}, {@code BEGIN}, {@code COMMIT},
 *     {@code ROLLBACK}, {@code SET}, {@code SHOW}, {@code CALL}, {@code COPY}, ... or {@code OTHER} when there is no word
 *     to go by. A {@code WITH} statement has the kind of its main statement.
 * @param tablesRead tables whose rows the statement reads, other than those it writes, in order of appearance
 * @param tablesWritten tables the statement changes (the target of INSERT, UPDATE, DELETE, MERGE, TRUNCATE, DDL)
 * @param shape the statement with comments removed, whitespace collapsed and literals, numbers and placeholders
 *     ({@code $1}, {@code ?}) replaced by {@code ?}; {@code IN} lists and multi-row {@code VALUES} collapsed to one item
 * @param parsed whether JSqlParser parsed the statement (tables are then exact rather than found by keywords)
 */
public record SqlStatement(
        String kind, List<String> tablesRead, List<String> tablesWritten, String shape, boolean parsed) {

    public SqlStatement {
        Objects.requireNonNull(kind, "kind");
        tablesRead = List.copyOf(tablesRead);
        tablesWritten = List.copyOf(tablesWritten);
        Objects.requireNonNull(shape, "shape");
    }

    /** Analyses one statement (or the first of several). Never throws; thread-safe; results are cached by shape. */
    public static SqlStatement analyze(String sql) {
        return Analyzer.analyze(Objects.requireNonNull(sql, "sql"));
    }

    /**
     * {@code analyze(sql).toFields()}, unmodifiable, from a cache shared by all connections for statements seen before
     * (applications send the same statements over and over): for codecs recording the statement of each query.
     * Thread-safe.
     */
    public static Map<String, Object> fieldsOf(String sql) {
        return FieldsCache.fields(Objects.requireNonNull(sql, "sql"));
    }

    /** The most recently used statements' fields, by text. */
    private static final class FieldsCache {
        private static final int MAX_ENTRIES = 2048;
        private static final int MAX_CACHED_LENGTH = 8192;

        private static final Map<String, Map<String, Object>> CACHE = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
                return size() > MAX_ENTRIES;
            }
        };

        static Map<String, Object> fields(String sql) {
            if (sql.length() > MAX_CACHED_LENGTH) {
                return Collections.unmodifiableMap(analyze(sql).toFields());
            }
            synchronized (CACHE) {
                var cached = CACHE.get(sql);
                if (cached != null) {
                    return cached;
                }
            }
            var fields = Collections.unmodifiableMap(analyze(sql).toFields());
            synchronized (CACHE) {
                CACHE.put(sql, fields);
            }
            return fields;
        }
    }

    /**
     * The analysis as fields for a {@code StructuredMessage}: {@code kind}, {@code tablesRead}, {@code tablesWritten},
     * {@code shape}, {@code parsed}.
     */
    public Map<String, Object> toFields() {
        var fields = new LinkedHashMap<String, Object>();
        fields.put("kind", kind);
        fields.put("tablesRead", tablesRead);
        fields.put("tablesWritten", tablesWritten);
        fields.put("shape", shape);
        fields.put("parsed", parsed);
        return fields;
    }
}
