package dev.chaostesting.sql.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL into tokens well enough to normalise it and find its keywords: comments dropped, string literals
 * (standard, {@code E''}, {@code N''}, {@code X''}, {@code B''}, {@code U&''}, dollar-quoted), numbers and placeholders
 * become {@link Kind#VALUE}. Double-quoted and back-quoted names are identifiers. Never fails: an unterminated literal
 * or comment runs to the end.
 */
public final class Lexer {

    public enum Kind {
        WORD,
        QUOTED_NAME,
        VALUE,
        PUNCT
    }

    /** One token; {@code spaced} tells whether whitespace or a comment came before it in the statement. */
    public record Token(Kind kind, String text, boolean spaced) {
        boolean isWord(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }

        boolean isPunct(String p) {
            return kind == Kind.PUNCT && text.equals(p);
        }
    }

    private Lexer() {}

    public static List<Token> tokens(String sql) {
        var out = new ArrayList<Token>();
        int n = sql.length();
        int i = 0;
        boolean spaced = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                spaced = true;
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = endOfLine(sql, i);
                spaced = true;
            } else if (c == '#' && (i + 1 >= n || sql.charAt(i + 1) != '>')) {
                i = endOfLine(sql, i); // MySQL comment
                spaced = true;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = endOfBlockComment(sql, i);
                spaced = true;
            } else if (c == '\'') {
                i = endOfQuoted(sql, i, '\'', false);
                out.add(new Token(Kind.VALUE, "?", spaced));
                spaced = false;
            } else if (isLiteralPrefix(sql, i)) {
                int quote = sql.indexOf('\'', i);
                boolean backslashes = Character.toUpperCase(c) == 'E';
                i = endOfQuoted(sql, quote, '\'', backslashes);
                out.add(new Token(Kind.VALUE, "?", spaced));
                spaced = false;
            } else if (c == '"' || c == '`') {
                int end = endOfQuoted(sql, i, c, false);
                out.add(new Token(Kind.QUOTED_NAME, sql.substring(i, end), spaced));
                i = end;
                spaced = false;
            } else if (c == '$') {
                int end = dollarQuoteEnd(sql, i);
                if (end > 0) {
                    out.add(new Token(Kind.VALUE, "?", spaced));
                    i = end;
                } else {
                    int j = i + 1;
                    while (j < n && Character.isDigit(sql.charAt(j))) {
                        j++;
                    }
                    out.add(j > i + 1 ? new Token(Kind.VALUE, "?", spaced) : new Token(Kind.PUNCT, "$", spaced));
                    i = Math.max(j, i + 1);
                }
                spaced = false;
            } else if (c == '?') {
                out.add(new Token(Kind.VALUE, "?", spaced));
                i++;
                spaced = false;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                i = endOfNumber(sql, i);
                out.add(new Token(Kind.VALUE, "?", spaced));
                spaced = false;
            } else if (Character.isLetter(c) || c == '_' || c == '@') {
                int j = i + 1;
                while (j < n && isWordPart(sql.charAt(j))) {
                    j++;
                }
                out.add(new Token(Kind.WORD, sql.substring(i, j), spaced));
                i = j;
                spaced = false;
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                out.add(new Token(Kind.PUNCT, "::", spaced));
                i += 2;
                spaced = false;
            } else {
                out.add(new Token(Kind.PUNCT, String.valueOf(c), spaced));
                i++;
                spaced = false;
            }
        }
        return out;
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '@';
    }

    private static boolean isLiteralPrefix(String sql, int i) {
        char c = Character.toUpperCase(sql.charAt(i));
        if (i > 0 && isWordPart(sql.charAt(i - 1))) {
            return false;
        }
        if ((c == 'E' || c == 'N' || c == 'X' || c == 'B') && i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
            return true;
        }
        return c == 'U' && sql.startsWith("&'", i + 1);
    }

    private static int endOfLine(String sql, int i) {
        int end = sql.indexOf('\n', i);
        return end < 0 ? sql.length() : end + 1;
    }

    private static int endOfBlockComment(String sql, int i) {
        int depth = 0;
        int n = sql.length();
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** Index after the closing quote; a doubled quote is an escaped one. */
    private static int endOfQuoted(String sql, int open, char quote, boolean backslashes) {
        int n = sql.length();
        int i = open + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** For {@code $tag$...$tag$} (or {@code $$...$$}) starting at i, the index after the closing tag; else -1. */
    private static int dollarQuoteEnd(String sql, int i) {
        int j = i + 1;
        int n = sql.length();
        while (j < n && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j >= n || sql.charAt(j) != '$') {
            return -1;
        }
        String tag = sql.substring(i, j + 1);
        int close = sql.indexOf(tag, j + 1);
        return close < 0 ? n : close + tag.length();
    }

    private static int endOfNumber(String sql, int i) {
        int n = sql.length();
        if (sql.startsWith("0x", i) || sql.startsWith("0X", i)) {
            int j = i + 2;
            while (j < n && Character.digit(sql.charAt(j), 16) >= 0) {
                j++;
            }
            return j;
        }
        int j = i;
        while (j < n && (Character.isDigit(sql.charAt(j)) || sql.charAt(j) == '.' || sql.charAt(j) == '_')) {
            j++;
        }
        if (j < n && (sql.charAt(j) == 'e' || sql.charAt(j) == 'E')) {
            int k = j + 1;
            if (k < n && (sql.charAt(k) == '+' || sql.charAt(k) == '-')) {
                k++;
            }
            if (k < n && Character.isDigit(sql.charAt(k))) {
                j = k;
                while (j < n && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
            }
        }
        return j;
    }
}
