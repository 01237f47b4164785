package dev.chaostesting.sql;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The statement matcher of SQL protocol faults ({@code match: {kind, table, sql}} in a fault spec), shared by the
 * PostgreSQL and MySQL codecs: {@code kind} is the statement kind (case ignored), {@code table} a table the statement
 * reads or writes (case and identifier quotes ignored; {@code orders} also names {@code shop.orders}), {@code sql} a
 * regular expression found anywhere in the statement (case ignored, {@code .} matches line ends). Keys left out match
 * every statement.
 */
public final class SqlMatch {

    /** Compiled once per expression: a fault is checked against every statement while it is active. */
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private static final int MAX_PATTERNS = 256;

    private SqlMatch() {}

    /**
     * Whether a statement matches.
     *
     * @param match the {@code match} object of a fault spec
     * @param sql the statement's text
     * @param analysis the statement's analysis, asked for only when {@code kind} or {@code table} is given
     */
    public static boolean matches(Map<?, ?> match, String sql, Supplier<SqlStatement> analysis) {
        SqlStatement statement = null;
        if (match.get("kind") instanceof String kind) {
            statement = analysis.get();
            if (!kind.equalsIgnoreCase(statement.kind())) {
                return false;
            }
        }
        if (match.get("table") instanceof String table) {
            if (statement == null) {
                statement = analysis.get();
            }
            if (!names(statement, table)) {
                return false;
            }
        }
        if (match.get("sql") instanceof String pattern) {
            return pattern(pattern).matcher(sql).find();
        }
        return true;
    }

    /** Whether the statement reads or writes {@code table}. */
    static boolean names(SqlStatement statement, String table) {
        var wanted = unquote(table.toLowerCase(Locale.ROOT));
        return statement.tablesRead().stream().anyMatch(t -> sameTable(t, wanted))
                || statement.tablesWritten().stream().anyMatch(t -> sameTable(t, wanted));
    }

    private static boolean sameTable(String recorded, String wanted) {
        var r = unquote(recorded.toLowerCase(Locale.ROOT));
        return r.equals(wanted) || r.endsWith("." + wanted);
    }

    private static String unquote(String name) {
        return name.replace("`", "").replace("\"", "");
    }

    private static Pattern pattern(String expression) {
        var pattern = PATTERNS.get(expression);
        if (pattern == null) {
            pattern = Pattern.compile(expression, Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
            if (PATTERNS.size() < MAX_PATTERNS) {
                PATTERNS.put(expression, pattern);
            }
        }
        return pattern;
    }
}
