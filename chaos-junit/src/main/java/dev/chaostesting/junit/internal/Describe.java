package dev.chaostesting.junit.internal;

import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.Message;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** One-line descriptions of interactions, for failure messages. */
public final class Describe {

    private static final int MAX_LINES = 20;
    private static final int MAX_TEXT = 120;

    private Describe() {}

    /** {@code #3 http GET /books -> 200}, {@code #4 postgresql SELECT 1}, {@code #5 tcp 12 B -> no response}. */
    public static String line(Interaction i) {
        var sb = new StringBuilder("#")
                .append(i.sequence())
                .append(' ')
                .append(i.protocol())
                .append(' ');
        sb.append(message(i.request()))
                .append(" -> ")
                .append(i.response() == null ? "no response" : message(i.response()));
        if (i.error() != null) {
            sb.append("  error: ").append(i.error());
        }
        return sb.toString();
    }

    /** The lines of up to {@value #MAX_LINES} interactions, indented, or {@code (none)}. */
    public static String lines(List<Interaction> interactions) {
        if (interactions.isEmpty()) {
            return "  (none)";
        }
        var sb = new StringBuilder();
        interactions.stream()
                .limit(MAX_LINES)
                .forEach(i -> sb.append("  ").append(line(i)).append('\n'));
        if (interactions.size() > MAX_LINES) {
            sb.append("  ... and ").append(interactions.size() - MAX_LINES).append(" more\n");
        }
        return sb.substring(0, sb.length() - 1);
    }

    private static String message(@Nullable Message m) {
        if (m == null) {
            return "-";
        }
        if (m instanceof HttpRequest r) {
            return r.method() + " " + r.target();
        }
        if (m instanceof HttpResponse r) {
            return Integer.toString(r.status());
        }
        if (m instanceof TcpData d) {
            return d.data().length() + " B";
        }
        var fields = ((StructuredMessage) m).fields();
        for (var key : List.of("sql", "command", "type")) {
            if (fields.get(key) != null) {
                return cut(String.valueOf(fields.get(key)));
            }
        }
        return cut(fields.toString());
    }

    private static String cut(String s) {
        var flat = s.replaceAll("\\s+", " ");
        return flat.length() <= MAX_TEXT ? flat : flat.substring(0, MAX_TEXT) + "...";
    }

    /**
     * A path pattern: {@code *} matches within one segment, {@code **} across segments; anything else literally. The
     * query is not part of the path.
     */
    public static Pattern pathPattern(String glob) {
        var sb = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                sb.append(".*");
                i++;
            } else if (c == '*') {
                sb.append("[^/]*");
            } else {
                sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString());
    }
}
