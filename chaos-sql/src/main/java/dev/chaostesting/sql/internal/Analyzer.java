package dev.chaostesting.sql.internal;

import dev.chaostesting.sql.SqlStatement;
import dev.chaostesting.sql.internal.Lexer.Kind;
import dev.chaostesting.sql.internal.Lexer.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.util.TablesNamesFinder;

/** The analysis behind {@link SqlStatement#analyze}: kind and shape from tokens, tables from JSqlParser or keywords. */
public final class Analyzer {

    /** Longer statements are classified by keywords only: parsing them could take long on an I/O thread. */
    static final int MAX_PARSED_LENGTH = 20_000;

    private static final int CACHE_SIZE = 4096;

    private static final int MAX_CACHED_SHAPE = 4096;

    private static final Set<String> DML = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE");

    private static final Set<String> NOT_A_TABLE = Set.of(
            "SELECT", "LATERAL", "ONLY", "UNNEST", "VALUES", "WITH", "IF", "NOT", "EXISTS", "TABLE", "STDIN", "STDOUT");

    /** Shape -> analysis without the shape; access-ordered, bounded. */
    private static final Map<String, SqlStatement> CACHE = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SqlStatement> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    private Analyzer() {}

    public static SqlStatement analyze(String sql) {
        var tokens = Lexer.tokens(sql);
        var shape = shape(tokens);
        synchronized (CACHE) {
            var cached = CACHE.get(shape);
            if (cached != null) {
                return cached;
            }
        }
        var result = analyze(sql, tokens, shape);
        if (shape.length() <= MAX_CACHED_SHAPE) {
            synchronized (CACHE) {
                CACHE.put(shape, result);
            }
        }
        return result;
    }

    private static SqlStatement analyze(String sql, List<Token> tokens, String shape) {
        var kind = kind(tokens);
        if (sql.length() <= MAX_PARSED_LENGTH && parseable(kind)) {
            try {
                var statements = CCJSqlParserUtil.newParser(sql).Statements();
                if (!statements.isEmpty()) {
                    var written = new LinkedHashSet<String>();
                    var all = new LinkedHashSet<String>();
                    for (var statement : statements) {
                        written.addAll(written(statement));
                        for (var t : new TablesNamesFinder<Void>().getTableList(statement)) {
                            all.add(unquote(t));
                        }
                    }
                    all.removeAll(written);
                    all.removeAll(cteNames(tokens));
                    return new SqlStatement(kind, List.copyOf(all), List.copyOf(written), shape, true);
                }
            } catch (Exception | StackOverflowError | LinkageError e) {
                // not parseable by JSqlParser (or a finder that does not support the statement): use the keywords
            } catch (Error e) {
                if (!e.getClass().getName().contains("TokenMgr")) {
                    throw e;
                }
            }
        }
        return byKeywords(kind, tokens, shape);
    }

    private static boolean parseable(String kind) {
        return DML.contains(kind)
                || kind.equals("CREATE")
                || kind.equals("ALTER")
                || kind.equals("DROP")
                || kind.equals("TRUNCATE");
    }

    private static List<String> written(Statement statement) {
        var out = new ArrayList<Table>();
        if (statement instanceof Insert s) {
            out.add(s.getTable());
        } else if (statement instanceof Update s) {
            out.add(s.getTable());
        } else if (statement instanceof Delete s) {
            if (s.getTables() != null && !s.getTables().isEmpty()) {
                out.addAll(s.getTables());
            } else {
                out.add(s.getTable());
            }
        } else if (statement instanceof Merge s) {
            out.add(s.getTable());
        } else if (statement instanceof Truncate s) {
            if (s.getTables() != null && !s.getTables().isEmpty()) {
                out.addAll(s.getTables());
            } else {
                out.add(s.getTable());
            }
        } else if (statement instanceof CreateTable s) {
            out.add(s.getTable());
        } else if (statement instanceof CreateIndex s) {
            out.add(s.getTable());
        } else if (statement instanceof Alter s) {
            out.add(s.getTable());
        } else if (statement instanceof Drop s) {
            out.add(s.getName());
        }
        var names = new ArrayList<String>();
        for (var t : out) {
            if (t != null) {
                names.add(unquote(t.getFullyQualifiedName()));
            }
        }
        return names;
    }

    /** The verb of the statement, upper case; a WITH statement's main verb; OTHER when there is none. */
    static String kind(List<Token> tokens) {
        int i = 0;
        while (i < tokens.size() && tokens.get(i).isPunct("(")) {
            i++;
        }
        if (i >= tokens.size() || tokens.get(i).kind() != Kind.WORD) {
            return "OTHER";
        }
        var first = tokens.get(i).text().toUpperCase(Locale.ROOT);
        switch (first) {
            case "WITH" -> {
                int depth = 0;
                for (int j = i + 1; j < tokens.size(); j++) {
                    var t = tokens.get(j);
                    if (t.isPunct("(")) {
                        depth++;
                    } else if (t.isPunct(")")) {
                        depth--;
                    } else if (depth == 0 && t.kind() == Kind.WORD) {
                        var w = t.text().toUpperCase(Locale.ROOT);
                        if (DML.contains(w)) {
                            return w;
                        }
                    }
                }
                return "SELECT";
            }
            case "START" -> {
                return "BEGIN";
            }
            case "END" -> {
                return "COMMIT";
            }
            case "TABLE", "VALUES" -> {
                return "SELECT";
            }
            default -> {
                return first;
            }
        }
    }

    /** Tables by the words around them, for what JSqlParser does not parse. */
    private static SqlStatement byKeywords(String kind, List<Token> tokens, String shape) {
        var read = new LinkedHashSet<String>();
        var written = new LinkedHashSet<String>();
        var ctes = cteNames(tokens);
        boolean firstFrom = true;
        for (int i = 0; i < tokens.size(); i++) {
            var t = tokens.get(i);
            if (t.kind() != Kind.WORD) {
                continue;
            }
            var w = t.text().toUpperCase(Locale.ROOT);
            String name;
            switch (w) {
                case "FROM", "JOIN" -> {
                    name = nameAt(tokens, i + 1);
                    if (name == null) {
                        continue;
                    }
                    if (kind.equals("DELETE") && w.equals("FROM") && firstFrom) {
                        written.add(name);
                    } else if (kind.equals("COPY")) {
                        continue;
                    } else {
                        read.add(name);
                    }
                    if (w.equals("FROM")) {
                        firstFrom = false;
                    }
                }
                case "INTO" -> {
                    name = nameAt(tokens, i + 1);
                    if (name != null && !kind.equals("SELECT")) {
                        written.add(name);
                    }
                }
                case "UPDATE" -> {
                    name = nameAt(tokens, i + 1);
                    if (name != null && i == firstWord(tokens, "UPDATE")) {
                        written.add(name);
                    }
                }
                case "TRUNCATE", "COPY" -> {
                    int j = i + 1;
                    if (j < tokens.size() && tokens.get(j).isWord("TABLE")) {
                        j++;
                    }
                    name = nameAt(tokens, j);
                    if (name != null) {
                        boolean copyOut = w.equals("COPY") && containsWord(tokens, "TO");
                        (copyOut ? read : written).add(name);
                    }
                }
                default -> {}
            }
        }
        read.removeAll(written);
        read.removeAll(ctes);
        written.removeAll(ctes);
        return new SqlStatement(kind, List.copyOf(read), List.copyOf(written), shape, false);
    }

    private static int firstWord(List<Token> tokens, String word) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isWord(word)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean containsWord(List<Token> tokens, String word) {
        return firstWord(tokens, word) >= 0;
    }

    /** A possibly qualified table name starting at i, or null when a subquery or a keyword is there. */
    private static String nameAt(List<Token> tokens, int i) {
        if (i < tokens.size() && tokens.get(i).isWord("ONLY")) {
            i++;
        }
        var name = new StringBuilder();
        while (i < tokens.size()) {
            var t = tokens.get(i);
            if (t.kind() == Kind.QUOTED_NAME || (t.kind() == Kind.WORD && (name.length() > 0 || !isKeyword(t)))) {
                name.append(unquote(t.text()));
                if (i + 1 < tokens.size() && tokens.get(i + 1).isPunct(".")) {
                    name.append('.');
                    i += 2;
                    continue;
                }
                return name.toString();
            }
            return null;
        }
        return null;
    }

    private static boolean isKeyword(Token t) {
        return NOT_A_TABLE.contains(t.text().toUpperCase(Locale.ROOT));
    }

    /** Names defined by {@code WITH name AS (...)}: not tables. */
    private static Set<String> cteNames(List<Token> tokens) {
        var names = new LinkedHashSet<String>();
        int i = 0;
        while (i < tokens.size() && tokens.get(i).isPunct("(")) {
            i++;
        }
        if (i >= tokens.size() || !tokens.get(i).isWord("WITH")) {
            return names;
        }
        int depth = 0;
        for (int j = i + 1; j + 1 < tokens.size(); j++) {
            var t = tokens.get(j);
            if (t.isPunct("(")) {
                depth++;
            } else if (t.isPunct(")")) {
                depth--;
            } else if (depth == 0
                    && (t.kind() == Kind.WORD || t.kind() == Kind.QUOTED_NAME)
                    && !t.isWord("RECURSIVE")
                    && (tokens.get(j + 1).isWord("AS") || tokens.get(j + 1).isPunct("("))) {
                names.add(unquote(t.text()));
            } else if (depth == 0
                    && t.kind() == Kind.WORD
                    && DML.contains(t.text().toUpperCase(Locale.ROOT))) {
                break;
            }
        }
        return names;
    }

    private static String unquote(String name) {
        var out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '"' && c != '`') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Tokens back to text with single spaces, lists of values collapsed. */
    static String shape(List<Token> tokens) {
        var collapsed = collapse(tokens);
        var out = new StringBuilder();
        for (var t : collapsed) {
            if (t.spaced() && out.length() > 0) {
                out.append(' ');
            }
            out.append(t.text());
        }
        int end = out.length();
        while (end > 0 && (out.charAt(end - 1) == ';' || out.charAt(end - 1) == ' ')) {
            end--;
        }
        return out.substring(0, end);
    }

    /**
     * {@code IN (?, ?, ?)} becomes {@code IN (?)}, and {@code VALUES (?, ?), (?, ?)} keeps one row, so statements that
     * differ only by how many values they carry have one shape.
     */
    private static List<Token> collapse(List<Token> tokens) {
        var out = new ArrayList<Token>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            var t = tokens.get(i);
            out.add(t);
            if (t.isWord("IN") && i + 1 < tokens.size() && tokens.get(i + 1).isPunct("(")) {
                int end = valueListEnd(tokens, i + 1);
                if (end > 0) {
                    out.add(tokens.get(i + 1));
                    out.add(new Token(Kind.VALUE, "?", false));
                    out.add(new Token(Kind.PUNCT, ")", false));
                    i = end;
                }
            } else if (t.isWord("VALUES")) {
                int rowEnd = i + 1 < tokens.size() && tokens.get(i + 1).isPunct("(") ? groupEnd(tokens, i + 1) : -1;
                if (rowEnd > 0) {
                    out.addAll(tokens.subList(i + 1, rowEnd + 1));
                    int j = rowEnd + 1;
                    while (j + 1 < tokens.size()
                            && tokens.get(j).isPunct(",")
                            && tokens.get(j + 1).isPunct("(")) {
                        int next = groupEnd(tokens, j + 1);
                        if (next < 0) {
                            break;
                        }
                        j = next + 1;
                    }
                    i = j - 1;
                }
            }
        }
        return out;
    }

    /** For a '(' at open followed only by values and commas, the index of its ')'; else -1. */
    private static int valueListEnd(List<Token> tokens, int open) {
        for (int j = open + 1; j < tokens.size(); j++) {
            var t = tokens.get(j);
            if (t.isPunct(")")) {
                return j > open + 1 ? j : -1;
            }
            if (!(t.kind() == Kind.VALUE
                    || t.isPunct(",")
                    || t.isPunct("-")
                    || t.isPunct("::")
                    || t.kind() == Kind.WORD
                            && j > open + 1
                            && tokens.get(j - 1).isPunct("::"))) {
                return -1;
            }
        }
        return -1;
    }

    /** The index of the ')' closing the '(' at open, or -1. */
    private static int groupEnd(List<Token> tokens, int open) {
        int depth = 0;
        for (int j = open; j < tokens.size(); j++) {
            if (tokens.get(j).isPunct("(")) {
                depth++;
            } else if (tokens.get(j).isPunct(")")) {
                depth--;
                if (depth == 0) {
                    return j;
                }
            }
        }
        return -1;
    }
}
