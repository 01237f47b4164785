package dev.chaostesting.learn.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Infers path templates from the concrete paths of a recording. Paths go into a tree of segments; at each position,
 * siblings that look like identifiers become one parameter when there is evidence for it (see {@link #MIN_STRONG} and
 * {@link #MIN_SLUGS}); words ({@code api}, {@code v2}, {@code me}) always stay constant. Templates from a user's
 * OpenAPI document take precedence over inference.
 */
public final class PathTemplates {
    /** Distinct numbers, UUIDs or hashes needed at one position before they become a parameter. */
    static final int MIN_STRONG = 2;

    /** Distinct slugs needed, and the share of the siblings they must make up. */
    static final int MIN_SLUGS = 5;

    private static final double SLUG_SHARE = 0.8;
    private static final int MAX_DISTINCT_PATHS = 100_000;

    /** A path matched to its template, with the parameter values by name. */
    public record Match(String template, Map<String, String> parameters) {}

    private static final class Node {
        final Map<String, Node> children = new LinkedHashMap<>();

        @Nullable
        Node parameter;

        @Nullable
        String parameterName;

        long count;
    }

    private final Node root = new Node();
    private final List<List<String>> declared = new ArrayList<>();
    private int distinct;

    /** Declares a template from a user's specification; paths it matches are not inferred. */
    public void declare(String template) {
        declared.add(segments(template));
    }

    /** Adds one observed path (without its query). */
    public void add(String path) {
        if (matchDeclared(path) != null) {
            return;
        }
        var node = root;
        for (var segment : segments(path)) {
            var next = node.children.get(segment);
            if (next == null) {
                if (distinct >= MAX_DISTINCT_PATHS) {
                    return;
                }
                distinct++;
                next = new Node();
                node.children.put(segment, next);
            }
            node = next;
        }
        node.count++;
    }

    /** Decides the parameters; call once after every {@link #add}. */
    public void infer() {
        infer(root, null, new ArrayList<>());
    }

    private void infer(Node node, @Nullable String previous, List<String> namesSoFar) {
        var strong = new ArrayList<String>();
        var slugs = new ArrayList<String>();
        for (var segment : node.children.keySet()) {
            switch (Values.idKind(segment)) {
                case STRONG -> strong.add(segment);
                case SLUG -> slugs.add(segment);
                case NONE -> {}
            }
        }
        var merged = new ArrayList<String>();
        if (strong.size() >= MIN_STRONG) {
            merged.addAll(strong);
        }
        if (slugs.size() >= MIN_SLUGS && slugs.size() >= SLUG_SHARE * node.children.size()) {
            merged.addAll(slugs);
            if (strong.size() < MIN_STRONG) {
                merged.addAll(strong);
            }
        }
        if (!merged.isEmpty()) {
            var parameter = new Node();
            for (var segment : merged) {
                mergeInto(parameter, node.children.remove(segment));
            }
            node.parameter = parameter;
            node.parameterName = uniqueName(parameterName(previous), namesSoFar);
        }
        for (var entry : node.children.entrySet()) {
            infer(entry.getValue(), entry.getKey(), namesSoFar);
        }
        if (node.parameter != null) {
            var names = new ArrayList<>(namesSoFar);
            names.add(node.parameterName);
            infer(node.parameter, null, names);
        }
    }

    private static void mergeInto(Node target, Node source) {
        target.count += source.count;
        for (var entry : source.children.entrySet()) {
            var existing = target.children.get(entry.getKey());
            if (existing == null) {
                target.children.put(entry.getKey(), entry.getValue());
            } else {
                mergeInto(existing, entry.getValue());
            }
        }
    }

    /** Matches a path to its template (declared first, then inferred); unknown paths match themselves. */
    public Match match(String path) {
        var declaredMatch = matchDeclared(path);
        if (declaredMatch != null) {
            return declaredMatch;
        }
        var segments = segments(path);
        var template = new StringBuilder();
        var parameters = new LinkedHashMap<String, String>();
        var node = root;
        for (var segment : segments) {
            template.append('/');
            var next = node == null ? null : node.children.get(segment);
            if (next != null) {
                template.append(constant(segment));
                node = next;
            } else if (node != null && node.parameter != null) {
                template.append('{').append(node.parameterName).append('}');
                parameters.put(node.parameterName, segment);
                node = node.parameter;
            } else {
                template.append(constant(segment));
                node = null;
            }
        }
        return new Match(template.length() == 0 ? "/" : template.toString(), parameters);
    }

    /** A constant segment as it appears in a template: braces are percent-encoded so they never read as a parameter. */
    private static String constant(String segment) {
        return segment.indexOf('{') < 0 && segment.indexOf('}') < 0
                ? segment
                : segment.replace("{", "%7B").replace("}", "%7D");
    }

    private @Nullable Match matchDeclared(String path) {
        if (declared.isEmpty()) {
            return null;
        }
        var segments = segments(path);
        Match best = null;
        int bestConstants = -1;
        for (var template : declared) {
            if (template.size() != segments.size()) {
                continue;
            }
            var parameters = new LinkedHashMap<String, String>();
            int constants = 0;
            boolean ok = true;
            for (int i = 0; i < template.size() && ok; i++) {
                var t = template.get(i);
                if (t.startsWith("{") && t.endsWith("}") && t.length() > 2) {
                    parameters.put(t.substring(1, t.length() - 1), segments.get(i));
                } else if (t.equals(segments.get(i))) {
                    constants++;
                } else {
                    ok = false;
                }
            }
            if (ok && constants > bestConstants) {
                bestConstants = constants;
                best = new Match("/" + String.join("/", template), parameters);
            }
        }
        return best;
    }

    static List<String> segments(String path) {
        var trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return List.of(trimmed.split("/", -1));
    }

    /** {@code books} gives {@code bookId}, {@code categories} {@code categoryId}; no word gives {@code id}. */
    static String parameterName(@Nullable String previous) {
        if (previous == null || previous.isEmpty() || Values.idKind(previous) != Values.IdKind.NONE) {
            return "id";
        }
        var word = camel(previous);
        var lower = word.toLowerCase(Locale.ROOT);
        if (lower.endsWith("ies") && word.length() > 3) {
            word = word.substring(0, word.length() - 3) + "y";
        } else if (lower.endsWith("sses") || lower.endsWith("xes") || lower.endsWith("ches")) {
            word = word.substring(0, word.length() - 2);
        } else if (lower.endsWith("s") && !lower.endsWith("ss") && word.length() > 1) {
            word = word.substring(0, word.length() - 1);
        }
        return word + "Id";
    }

    private static String camel(String segment) {
        var out = new StringBuilder();
        boolean upper = false;
        for (char c : segment.toCharArray()) {
            if (!Character.isLetterOrDigit(c)) {
                upper = out.length() > 0;
                continue;
            }
            out.append(upper ? Character.toUpperCase(c) : out.length() == 0 ? Character.toLowerCase(c) : c);
            upper = false;
        }
        return out.length() == 0 ? "id" : out.toString();
    }

    private static String uniqueName(String name, List<String> taken) {
        var candidate = name;
        for (int i = 2; taken.contains(candidate); i++) {
            candidate = name + i;
        }
        return candidate;
    }
}
