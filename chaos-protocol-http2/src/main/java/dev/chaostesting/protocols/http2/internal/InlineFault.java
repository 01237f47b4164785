package dev.chaostesting.protocols.http2.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/2 protocol fault's spec, checked: which request streams it matches ({@code match}: {@code rpc} glob on a gRPC
 * stream's {@code service/method}, {@code method} the exact {@code :method}, {@code path} a glob on {@code :path}) and
 * how the client is answered (one of {@code grpcStatus} with an optional {@code message}, {@code status}, or {@code
 * rstStream}).
 */
public record InlineFault(
        @Nullable Pattern rpc,
        @Nullable String method,
        @Nullable Pattern path,
        Answer answer,
        int code,
        String message) {

    /** How a matching stream is answered. */
    public enum Answer {
        /** A gRPC trailers-only response with {@code grpc-status} {@link #code} and {@code grpc-message}. */
        GRPC_STATUS,
        /** A response with {@code :status} {@link #code} and no body. */
        HTTP_STATUS,
        /** RST_STREAM with error code {@link #code}. */
        RST_STREAM
    }

    /** gRPC status codes by name, indexed by their number. */
    public static final List<String> GRPC_CODES = List.of(
            "OK",
            "CANCELLED",
            "UNKNOWN",
            "INVALID_ARGUMENT",
            "DEADLINE_EXCEEDED",
            "NOT_FOUND",
            "ALREADY_EXISTS",
            "PERMISSION_DENIED",
            "RESOURCE_EXHAUSTED",
            "FAILED_PRECONDITION",
            "ABORTED",
            "OUT_OF_RANGE",
            "UNIMPLEMENTED",
            "INTERNAL",
            "UNAVAILABLE",
            "DATA_LOSS",
            "UNAUTHENTICATED");

    private static final Set<String> FIELDS = Set.of("match", "grpcStatus", "message", "status", "rstStream");
    private static final Set<String> MATCH_FIELDS = Set.of("rpc", "method", "path");

    /**
     * Checks and parses a spec.
     *
     * @throws IllegalArgumentException one line naming the field and what was expected
     */
    public static InlineFault parse(Map<String, Object> spec) {
        for (var key : spec.keySet()) {
            if (!FIELDS.contains(key)) {
                throw bad("unknown field '" + key + "' (expected: match, grpcStatus, message, status, rstStream)");
            }
        }
        Pattern rpc = null;
        String method = null;
        Pattern path = null;
        var match = spec.get("match");
        if (match != null) {
            if (!(match instanceof Map<?, ?> m)) {
                throw bad("match (expected a map of rpc, method and path, e.g. {rpc: helloworld.Greeter/*})");
            }
            for (var e : m.entrySet()) {
                if (!MATCH_FIELDS.contains(String.valueOf(e.getKey()))) {
                    throw bad("unknown match field '" + e.getKey() + "' (expected: rpc, method, path)");
                }
                if (!(e.getValue() instanceof String s) || s.isEmpty()) {
                    throw bad("match " + e.getKey() + " (expected a non-empty string)");
                }
            }
            rpc = m.get("rpc") instanceof String s ? glob(s.startsWith("/") ? s.substring(1) : s) : null;
            method = m.get("method") instanceof String s ? s.toUpperCase(Locale.ROOT) : null;
            path = m.get("path") instanceof String s ? glob(s) : null;
        }
        int answers = (spec.containsKey("grpcStatus") ? 1 : 0)
                + (spec.containsKey("status") ? 1 : 0)
                + (spec.containsKey("rstStream") ? 1 : 0);
        if (answers != 1) {
            throw bad("answer (expected exactly one of grpcStatus, status, rstStream; found " + answers + ")");
        }
        var message = spec.get("message");
        if (message != null && !(message instanceof String)) {
            throw bad("message (expected a string)");
        }
        if (message != null && !spec.containsKey("grpcStatus")) {
            throw bad("message (expected only with grpcStatus)");
        }
        if (spec.containsKey("grpcStatus")) {
            int code = named("grpcStatus", spec.get("grpcStatus"), GRPC_CODES, 1, 16);
            return new InlineFault(
                    rpc,
                    method,
                    path,
                    Answer.GRPC_STATUS,
                    code,
                    message == null ? "injected fault: " + GRPC_CODES.get(code) : (String) message);
        }
        if (spec.containsKey("status")) {
            if (!(spec.get("status") instanceof Number n)
                    || n.doubleValue() != n.intValue()
                    || n.intValue() < 200
                    || n.intValue() > 599) {
                throw bad("status " + spec.get("status") + " (expected an HTTP status from 200 to 599)");
            }
            return new InlineFault(rpc, method, path, Answer.HTTP_STATUS, n.intValue(), "");
        }
        int code = named("rstStream", spec.get("rstStream"), Frames.ERROR_CODES, 0, 13);
        return new InlineFault(rpc, method, path, Answer.RST_STREAM, code, "");
    }

    /**
     * Whether a request matches: {@code rpc} only a gRPC request (content-type {@code application/grpc*}), whose
     * {@code :path} is {@code /service/method}.
     */
    public boolean matches(String requestMethod, String requestPath, boolean grpc) {
        if (rpc != null && (!grpc || !rpc.matcher(stripSlash(requestPath)).matches())) {
            return false;
        }
        if (method != null && !method.equals(requestMethod)) {
            return false;
        }
        return path == null || path.matcher(requestPath).matches();
    }

    private static String stripSlash(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static int named(String field, @Nullable Object value, List<String> names, int min, int max) {
        if (value instanceof Number n
                && n.doubleValue() == n.intValue()
                && n.intValue() >= min
                && n.intValue() <= max) {
            return n.intValue();
        }
        if (value instanceof String s) {
            int i = names.indexOf(s.toUpperCase(Locale.ROOT));
            if (i >= min && i <= max) {
                return i;
            }
        }
        throw bad(field + " '" + value + "' (expected a name such as " + names.get(max == 16 ? 14 : 7)
                + ", or a number " + min + ".." + max + ")");
    }

    /** A glob: {@code *} any characters, {@code ?} one; everything else literal. */
    static Pattern glob(String glob) {
        var sb = new StringBuilder();
        var literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    sb.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                sb.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            sb.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("http2 fault: " + what);
    }
}
