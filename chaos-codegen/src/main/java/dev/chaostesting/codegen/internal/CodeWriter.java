package dev.chaostesting.codegen.internal;

/** Lines with indentation, for the generators that write code as text. */
public final class CodeWriter {
    private final StringBuilder out = new StringBuilder();
    private final String unit;
    private int level;

    public CodeWriter(String unit) {
        this.unit = unit;
    }

    public CodeWriter line(String text) {
        if (!text.isEmpty()) {
            out.append(unit.repeat(level));
        }
        out.append(text).append('\n');
        return this;
    }

    public CodeWriter line() {
        out.append('\n');
        return this;
    }

    /**
     * A call: on one line when it fits in {@code width} columns, else one argument per line with a trailing comma
     * (valid in Python, JavaScript, Go and Rust).
     */
    public CodeWriter call(String head, java.util.List<String> args, String tail, int width) {
        var one = head + "(" + String.join(", ", args) + ")" + tail;
        if (unit.repeat(level).length() + one.length() <= width || args.isEmpty()) {
            return line(one);
        }
        line(head + "(");
        indent();
        for (var a : args) {
            line(a + ",");
        }
        dedent();
        return line(")" + tail);
    }

    public CodeWriter indent() {
        level++;
        return this;
    }

    public CodeWriter dedent() {
        level--;
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
