package dev.chaostesting.replay.internal;

import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.model.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Path templates of the recorded endpoints, learnt by chaos-learn ({@code GET /notes/{noteId}}); a path no template
 * matches (or when learning fails) is generalised segment by segment: numbers, UUIDs and long hex or mixed tokens
 * become {@code {id}}.
 */
public final class EndpointTemplates {

    private static final Pattern ID = Pattern.compile(
            "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?=.*\\d)[0-9a-fA-F]{8,}"
                    + "|(?=.*\\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{16,}|<redacted[^>]*>");

    private final List<String[]> templates; // method, segments...

    private EndpointTemplates(List<String[]> templates) {
        this.templates = templates;
    }

    static EndpointTemplates learn(List<Interaction> inbound) {
        var list = new ArrayList<String[]>();
        try {
            var model = BehaviourLearner.create().learn(inbound);
            for (var e : model.endpoints()) {
                var segs = segments(e.path());
                var row = new String[segs.size() + 1];
                row[0] = e.method();
                for (int i = 0; i < segs.size(); i++) {
                    // A single recorded id stays a constant in the model; for replay it is still a parameter.
                    var seg = segs.get(i);
                    row[i + 1] = !seg.startsWith("{") && ID.matcher(seg).matches()
                            ? "{" + parameterName(i == 0 ? null : segs.get(i - 1)) + "}"
                            : seg;
                }
                list.add(row);
            }
        } catch (RuntimeException e) {
            // the fallback generaliser below covers every path
        }
        return new EndpointTemplates(list);
    }

    /** Named as chaos-learn names parameters: {@code items} gives {@code itemId}, else {@code id}. */
    private static String parameterName(@org.jspecify.annotations.Nullable String previous) {
        if (previous == null || previous.startsWith("{") || ID.matcher(previous).matches()) {
            return "id";
        }
        var p = previous.replaceAll("[^A-Za-z0-9]", "");
        if (p.isEmpty()) {
            return "id";
        }
        if (p.endsWith("ies")) {
            p = p.substring(0, p.length() - 3) + "y";
        } else if (p.endsWith("s") && !p.endsWith("ss")) {
            p = p.substring(0, p.length() - 1);
        }
        return Character.toLowerCase(p.charAt(0)) + p.substring(1) + "Id";
    }

    /** {@code METHOD /template} for a recorded or replayed path. */
    public String endpoint(String method, String path) {
        var segs = segments(path);
        String[] best = null;
        int bestConstants = -1;
        for (var t : templates) {
            if (!t[0].equals(method) || t.length - 1 != segs.size()) {
                continue;
            }
            int constants = 0;
            boolean ok = true;
            for (int i = 0; i < segs.size() && ok; i++) {
                var ts = t[i + 1];
                if (ts.startsWith("{") && ts.endsWith("}")) {
                    continue;
                }
                if (ts.equals(segs.get(i))) {
                    constants++;
                } else {
                    ok = false;
                }
            }
            if (ok && constants > bestConstants) {
                best = t;
                bestConstants = constants;
            }
        }
        var out = new StringBuilder(method).append(' ');
        if (best != null) {
            for (int i = 1; i < best.length; i++) {
                out.append('/').append(best[i]);
            }
        } else {
            for (int i = 0; i < segs.size(); i++) {
                var s = segs.get(i);
                out.append('/')
                        .append(
                                ID.matcher(s).matches()
                                        ? "{" + parameterName(i == 0 ? null : segs.get(i - 1)) + "}"
                                        : s);
            }
        }
        if (segs.isEmpty()) {
            out.append('/');
        }
        return out.toString();
    }

    private static List<String> segments(String path) {
        var out = new ArrayList<String>();
        int q = path.indexOf('?');
        var p = q < 0 ? path : path.substring(0, q);
        for (var s : p.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
