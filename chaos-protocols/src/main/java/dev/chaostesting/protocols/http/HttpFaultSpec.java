package dev.chaostesting.protocols.http;

import dev.chaostesting.fault.FaultSpecs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP protocol fault's spec, checked and read: which requests it matches and what it does to them. The spec is the
 * map documented in docs/protocols/http.md ("Protocol faults in line").
 */
record HttpFaultSpec(
        @Nullable String method,
        @Nullable Pattern path,
        Map<String, String> headers,
        Action action,
        int status,
        Map<String, String> answerHeaders,
        byte @Nullable [] body,
        boolean reset,
        Duration delay,
        long bytes) {

    /** What the fault does to a matching request. */
    enum Action {
        /** Answered in place of the server, which never sees the request. */
        RESPOND,
        /** The connection is closed (or reset) when the request's turn comes; the server never sees it. */
        ABORT_REQUEST,
        /** The server's response head is held for {@link #delay}, then the response goes on. */
        DELAY_HEADERS,
        /** {@link #bytes} bytes of the server's response body pass, then the connection is closed (or reset). */
        TRUNCATE_BODY,
        /** The server runs the request; the parts of its response given ({@link #status}, headers, body) are ours. */
        REPLACE
    }

    private static final Set<String> FIELDS =
            Set.of("match", "respond", "abort", "delayHeaders", "truncateBody", "replace");
    private static final Set<String> MATCH_FIELDS = Set.of("method", "path", "headers");
    private static final Set<String> RESPOND_FIELDS = Set.of("status", "headers", "body");
    private static final Set<String> ABORT_FIELDS = Set.of("when", "reset");
    private static final Set<String> TRUNCATE_FIELDS = Set.of("bytes", "reset");

    /** Whether a {@link Action#REPLACE} fault gives the body (else the server's body passes). */
    boolean replacesBody() {
        return body != null;
    }

    /** Whether this fault is carried out without the server (the request is consumed). */
    boolean answersLocally() {
        return action == Action.RESPOND || action == Action.ABORT_REQUEST;
    }

    /** Whether a request (method, target, headers) is one this fault acts on. */
    boolean matches(Head request) {
        if (method != null && !method.equals(request.method())) {
            return false;
        }
        if (path != null && !path.matcher(pathOf(request.target())).matches()) {
            return false;
        }
        for (var h : headers.entrySet()) {
            var values = request.headers().all(h.getKey());
            if (values.isEmpty() || (!h.getValue().equals("*") && !values.contains(h.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /** The path of a request target: origin form without its query, or absolute form without scheme and authority. */
    static String pathOf(String target) {
        var t = target;
        int scheme = t.indexOf("://");
        if (scheme > 0 && !t.startsWith("/")) {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        int end = t.length();
        int q = t.indexOf('?');
        if (q >= 0) {
            end = q;
        }
        int hash = t.indexOf('#');
        if (hash >= 0 && hash < end) {
            end = hash;
        }
        return t.substring(0, end);
    }

    /**
     * A path pattern as a regular expression: {@code {name}} and {@code *} match one segment (or part of one),
     * {@code **} any number of characters, slashes included; everything else literally.
     */
    static Pattern pathPattern(String template) {
        var regex = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '*' && i + 1 < template.length() && template.charAt(i + 1) == '*') {
                regex.append(".*");
                i += 2;
            } else if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else if (c == '{' && template.indexOf('}', i) > i) {
                regex.append("[^/]+");
                i = template.indexOf('}', i) + 1;
            } else {
                int next = i;
                while (next < template.length() && template.charAt(next) != '*' && template.charAt(next) != '{') {
                    next++;
                }
                if (next == i) {
                    next++; // a '{' without '}': literal
                }
                regex.append(Pattern.quote(template.substring(i, next)));
                i = next;
            }
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * Reads and checks a spec.
     *
     * @throws IllegalArgumentException one line naming the field and what was expected
     */
    static HttpFaultSpec parse(Map<String, Object> spec) {
        for (var key : spec.keySet()) {
            if (!FIELDS.contains(key)) {
                throw fail("unknown field '" + key
                        + "' (expected: abort, delayHeaders, match, replace, respond, truncateBody)");
            }
        }
        var actions = new ArrayList<String>();
        for (var a : List.of("respond", "abort", "delayHeaders", "truncateBody", "replace")) {
            if (spec.containsKey(a)) {
                actions.add(a);
            }
        }
        if (actions.size() != 1) {
            throw fail("expected exactly one of respond, abort, delayHeaders, truncateBody, replace (got " + actions
                    + ")");
        }
        String method = null;
        Pattern path = null;
        Map<String, String> headers = Map.of();
        if (spec.containsKey("match")) {
            var match = map(spec.get("match"), "match", MATCH_FIELDS);
            if (match.containsKey("method")) {
                method = string(match.get("method"), "match.method", "a method such as POST")
                        .toUpperCase(Locale.ROOT);
                if (method.equals("*")) {
                    method = null;
                }
            }
            if (match.containsKey("path")) {
                var p = string(match.get("path"), "match.path", "a path such as /orders/{id} or /orders/*");
                if (!p.startsWith("/") && !p.startsWith("*")) {
                    throw fail("match.path '" + p + "' (expected a path starting with /, such as /orders/*)");
                }
                path = pathPattern(p);
            }
            if (match.containsKey("headers")) {
                headers = stringMap(match.get("headers"), "match.headers");
            }
        }
        var action = actions.get(0);
        int status = 0;
        Map<String, String> answerHeaders = Map.of();
        byte @Nullable [] body = null;
        boolean reset = false;
        Duration delay = Duration.ZERO;
        long bytes = 0;
        Action kind;
        switch (action) {
            case "respond" -> {
                kind = Action.RESPOND;
                var respond = map(spec.get("respond"), "respond", RESPOND_FIELDS);
                status = respond.containsKey("status") ? integer(respond.get("status"), "respond.status") : 503;
                if (status < 200 || status > 999) {
                    throw fail("respond.status " + status + " (expected a final status, 200 to 999)");
                }
                if (respond.containsKey("headers")) {
                    answerHeaders = stringMap(respond.get("headers"), "respond.headers");
                }
                body = respond.containsKey("body") ? body(respond.get("body"), "respond.body") : new byte[0];
            }
            case "abort" -> {
                var abort = map(spec.get("abort"), "abort", ABORT_FIELDS);
                var when = abort.containsKey("when")
                        ? string(abort.get("when"), "abort.when", "request or headers")
                        : "request";
                kind = switch (when) {
                    case "request" -> Action.ABORT_REQUEST;
                    case "headers" -> Action.TRUNCATE_BODY;
                    default -> throw fail("abort.when '" + when + "' (expected: request or headers)");
                };
                reset = abort.containsKey("reset") && bool(abort.get("reset"), "abort.reset");
            }
            case "replace" -> {
                kind = Action.REPLACE;
                var replace = map(spec.get("replace"), "replace", RESPOND_FIELDS);
                if (replace.isEmpty()) {
                    throw fail("replace (expected at least one of body, headers, status)");
                }
                if (replace.containsKey("status")) {
                    status = integer(replace.get("status"), "replace.status");
                    if (status < 200 || status > 999) {
                        throw fail("replace.status " + status + " (expected a final status, 200 to 999)");
                    }
                }
                if (replace.containsKey("headers")) {
                    answerHeaders = stringMap(replace.get("headers"), "replace.headers");
                }
                if (replace.containsKey("body")) {
                    body = body(replace.get("body"), "replace.body");
                }
            }
            case "delayHeaders" -> {
                kind = Action.DELAY_HEADERS;
                delay = duration(spec.get("delayHeaders"), "delayHeaders");
            }
            default -> {
                kind = Action.TRUNCATE_BODY;
                var truncate = map(spec.get("truncateBody"), "truncateBody", TRUNCATE_FIELDS);
                if (!truncate.containsKey("bytes")) {
                    throw fail("truncateBody.bytes missing (expected a number of body bytes >= 0)");
                }
                bytes = integer(truncate.get("bytes"), "truncateBody.bytes");
                if (bytes < 0) {
                    throw fail("truncateBody.bytes " + bytes + " (expected a number of body bytes >= 0)");
                }
                reset = truncate.containsKey("reset") && bool(truncate.get("reset"), "truncateBody.reset");
            }
        }
        return new HttpFaultSpec(method, path, headers, kind, status, answerHeaders, body, reset, delay, bytes);
    }

    private static byte[] body(@Nullable Object value, String field) {
        if (!(value instanceof String text)) {
            throw fail(field + " '" + value + "' (expected a string)");
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException fail(String what) {
        return new IllegalArgumentException("http fault: " + what);
    }

    private static Map<?, ?> map(@Nullable Object value, String field, Set<String> allowed) {
        if (!(value instanceof Map<?, ?> m)) {
            throw fail(field + " (expected a map of " + String.join(", ", sorted(allowed)) + ")");
        }
        for (var key : m.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                throw fail("unknown field '" + field + "." + key + "' (expected: " + String.join(", ", sorted(allowed))
                        + ")");
            }
        }
        return m;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static String string(@Nullable Object value, String field, String expected) {
        if (!(value instanceof String s) || s.isEmpty()) {
            throw fail(field + " '" + value + "' (expected " + expected + ")");
        }
        return s;
    }

    private static Map<String, String> stringMap(@Nullable Object value, String field) {
        if (!(value instanceof Map<?, ?> m)) {
            throw fail(field + " (expected a map of header names to values)");
        }
        var out = new LinkedHashMap<String, String>();
        for (var e : m.entrySet()) {
            var name = String.valueOf(e.getKey());
            var v = e.getValue();
            if (name.isEmpty()
                    || !Text.isToken(name.getBytes(StandardCharsets.ISO_8859_1), 0, name.length())
                    || !(v instanceof String || v instanceof Number)
                    || String.valueOf(v).indexOf('\r') >= 0
                    || String.valueOf(v).indexOf('\n') >= 0) {
                throw fail(field + " '" + name + "' (expected a header name and a one-line value)");
            }
            out.put(name, String.valueOf(v));
        }
        return Map.copyOf(out);
    }

    private static int integer(@Nullable Object value, String field) {
        if (value instanceof Number n && n.doubleValue() == n.longValue() && Math.abs(n.longValue()) < 1L << 31) {
            return n.intValue();
        }
        if (value instanceof String s && s.matches("-?\\d{1,9}")) {
            return Integer.parseInt(s);
        }
        throw fail(field + " '" + value + "' (expected an integer)");
    }

    private static boolean bool(@Nullable Object value, String field) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw fail(field + " '" + value + "' (expected true or false)");
    }

    private static Duration duration(@Nullable Object value, String field) {
        try {
            Duration d;
            if (value instanceof Duration given) {
                d = given;
            } else if (value instanceof Number n) {
                d = Duration.ofMillis(n.longValue());
            } else if (value instanceof String s) {
                d = FaultSpecs.parseDuration(s);
            } else {
                throw new IllegalArgumentException();
            }
            if (d.isNegative()) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (RuntimeException e) {
            throw fail(field + " '" + value + "' (expected a duration such as 500ms, 2s or PT1S)");
        }
    }
}
