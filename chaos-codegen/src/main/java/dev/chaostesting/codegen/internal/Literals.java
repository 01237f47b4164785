package dev.chaostesting.codegen.internal;

/**
 * String literals for each target language, ASCII only: every character outside printable ASCII, and every
 * character a language gives a meaning inside strings, is escaped. No literal is ever an interpolating form
 * (no f-strings, template literals, format strings).
 */
public final class Literals {
    private Literals() {}

    /**
     * Java: a string literal in printable ASCII. Control characters use 3-digit octal escapes, everything beyond ASCII
     * {@code \\uXXXX} escapes (never for a character javac would read as a quote, backslash or line end, because
     * unicode escapes are translated before the literal is read).
     */
    public static String java(String s) {
        var b = new StringBuilder("\"");
        for (var c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append(c);
                    } else if (c < 0x80) {
                        b.append(String.format("\\%03o", (int) c));
                    } else {
                        b.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Python: a plain double-quoted {@code str} literal. */
    public static String python(String s) {
        var b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp >= 0x20 && cp < 0x7f) {
                        b.append((char) cp);
                    } else if (cp <= 0xff) {
                        b.append(String.format("\\x%02x", cp));
                    } else if (cp <= 0xffff) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.append(String.format("\\U%08x", cp));
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** JavaScript: a double-quoted string literal, UTF-16 units escaped as {@code \\uXXXX}. */
    public static String javascript(String s) {
        var b = new StringBuilder("\"");
        for (var c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append(c);
                    } else {
                        b.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Go: an interpreted string literal; {@code \\u}/{@code \\U} escapes encode the code points as UTF-8. */
    public static String go(String s) {
        var b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp >= 0x20 && cp < 0x7f) {
                        b.append((char) cp);
                    } else if (cp >= 0xd800 && cp <= 0xdfff) {
                        b.append("\\ufffd");
                    } else if (cp <= 0xffff) {
                        b.append(String.format("\\u%04x", cp));
                    } else {
                        b.append(String.format("\\U%08x", cp));
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** Rust: a {@code &str} literal; {@code \\u{...}} escapes. */
    public static String rust(String s) {
        var b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (cp >= 0x20 && cp < 0x7f) {
                        b.append((char) cp);
                    } else if (cp >= 0xd800 && cp <= 0xdfff) {
                        b.append("\\u{fffd}");
                    } else {
                        b.append(String.format("\\u{%x}", cp));
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** Text safe inside a comment of any of the languages: printable ASCII, no comment terminators. */
    public static String comment(String s) {
        var b = new StringBuilder();
        s.codePoints().forEach(cp -> b.append(cp >= 0x20 && cp < 0x7f ? (char) cp : '?'));
        return b.toString().replace("*/", "* /").replace("/*", "/ *");
    }
}
