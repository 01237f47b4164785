package dev.chaostesting.replay.internal;

import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Finds internals in a response body: stack traces, SQL, exception names, internal file paths. */
public final class Leaks {

    private record Rule(String what, Pattern pattern) {}

    private static final List<Rule> RULES = List.of(
            new Rule(
                    "a Java stack trace",
                    Pattern.compile("(?:^|\\s|\\\\t|\\\\n)at [\\w$.<>]+\\([\\w$]+\\.(?:java|kt|scala):\\d+\\)")),
            new Rule(
                    "a Python traceback",
                    Pattern.compile("Traceback \\(most recent call last\\)|File \"[^\"]+\\.py\", line \\d+")),
            new Rule("a Go panic", Pattern.compile("goroutine \\d+ \\[|panic: |\\.go:\\d+ \\+0x")),
            new Rule(
                    "a JavaScript stack trace",
                    Pattern.compile("\\bat .{1,200}\\(?[^\\s()]+\\.(?:js|mjs|ts):\\d+:\\d+\\)?")),
            new Rule("a Rust panic", Pattern.compile("panicked at |src/[\\w/]+\\.rs:\\d+")),
            new Rule(
                    "an exception name",
                    Pattern.compile("\\b(?:[a-z][\\w]*\\.)*[A-Z]\\w*(?:Exception|Error)\\b(?=[:\\s\"',)]|$)")),
            new Rule(
                    "SQL",
                    Pattern.compile(
                            "(?i)\\bselect\\s+(?:\\*|[\\w.\"]+(?:\\s*,\\s*[\\w.\"]+)*)\\s+from\\s+[\\w.\"]+(?:\\s+(?:where|join|order|group|limit)\\b|\\s*[;)'\"]|\\s*$)|\\binsert\\s+into\\s+\\w|\\bupdate\\s+\\w+\\s+set\\s"
                                    + "|\\bdelete\\s+from\\s+\\w|SQLSTATE|\\bsyntax error at or near\\b|duplicate key value violates"
                                    + "|\\brelation \"\\w+\" does not exist|\\bORA-\\d{5}\\b")),
            new Rule(
                    "an internal file path",
                    Pattern.compile(
                            "(?:/(?:home|root|usr|opt|var|srv|app|src|tmp|workspace)/[\\w./-]+\\.(?:java|py|go|rs|js|ts|rb|php|class|jar))"
                                    + "|[A-Za-z]:\\\\[\\w\\\\. -]+\\.(?:java|py|cs|js|dll)")));

    private Leaks() {}

    /** What leaked and an excerpt, e.g. {@code a Java stack trace: at com.acme.Repo.save(Repo.java:42)}, or null. */
    public static @Nullable String find(@Nullable String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        for (var rule : RULES) {
            var m = rule.pattern().matcher(body);
            if (m.find()) {
                var excerpt = m.group().replaceAll("\\s+", " ");
                if (excerpt.length() > 100) {
                    excerpt = excerpt.substring(0, 100) + "...";
                }
                return rule.what() + ": " + excerpt;
            }
        }
        return null;
    }
}
