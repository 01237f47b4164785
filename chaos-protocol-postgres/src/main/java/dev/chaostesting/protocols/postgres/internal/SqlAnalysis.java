package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.sql.SqlStatement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link SqlStatement#analyze} with a cache shared by all connections: applications send the same statements over and
 * over, and parsing is the costliest step of decoding a query.
 */
final class SqlAnalysis {

    private static final int MAX_ENTRIES = 2048;
    private static final int MAX_CACHED_LENGTH = 8192;

    private static final Map<String, Map<String, Object>> CACHE = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private SqlAnalysis() {}

    static Map<String, Object> fields(String sql) {
        if (sql.length() > MAX_CACHED_LENGTH) {
            return SqlStatement.analyze(sql).toFields();
        }
        synchronized (CACHE) {
            var cached = CACHE.get(sql);
            if (cached != null) {
                return cached;
            }
        }
        var fields =
                java.util.Collections.unmodifiableMap(SqlStatement.analyze(sql).toFields());
        synchronized (CACHE) {
            CACHE.put(sql, fields);
        }
        return fields;
    }
}
