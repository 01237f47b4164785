package dev.chaostesting.protocols.redis.internal;

import dev.chaostesting.protocols.redis.RedisFaults;
import dev.chaostesting.spi.InlineContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A Redis protocol fault's spec (docs/protocols/redis.md): {@code match} ({@code command}: a name or a list of names;
 * {@code key}: a glob), then either {@code error} ({@code prefix}, {@code message}) or {@code close} ({@code "close"}
 * or {@code "reset"}).
 */
public final class InlineFault {

    /** Commands a fault without {@code command} leaves alone: the connection's and transactions' own. */
    static final Set<String> CONTROL = Set.of(
            "AUTH", "HELLO", "SELECT", "CLIENT", "RESET", "QUIT", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH");

    private static final Set<String> FIELDS = Set.of("match", "error", "close");
    private static final Set<String> MATCH_FIELDS = Set.of("command", "key");
    private static final Set<String> ERROR_FIELDS = Set.of("prefix", "message");

    /** What a matching command gets: an error reply, or the connection closed (1) or reset (2). */
    record Matched(String name, RedisFaults.ErrorReply error, int close) {}

    private InlineFault() {}

    /**
     * Checks a spec.
     *
     * @throws IllegalArgumentException one line naming the field and what was expected
     */
    public static void check(Map<String, Object> spec) {
        for (var key : spec.keySet()) {
            if (!FIELDS.contains(key)) {
                throw bad("unknown field '" + key + "' (expected: match, error, close)");
            }
        }
        if (spec.containsKey("match")) {
            if (!(spec.get("match") instanceof Map<?, ?> match)) {
                throw bad("match: expected a map with command and/or key");
            }
            for (var key : match.keySet()) {
                if (!MATCH_FIELDS.contains(key)) {
                    throw bad("unknown field 'match." + key + "' (expected: command, key)");
                }
            }
            if (match.containsKey("command")) {
                commands(match.get("command"));
            }
            if (match.containsKey("key") && !(match.get("key") instanceof String k && !k.isEmpty())) {
                throw bad("match.key: expected a non-empty glob such as 'session:*'");
            }
            if (match.get("key") instanceof String k) {
                try {
                    glob(k);
                } catch (IllegalArgumentException e) {
                    throw bad("match.key: '" + k + "' (expected: a glob with * ? [abc] [^a] [a-z] \\x)");
                }
            }
        }
        boolean error = spec.containsKey("error");
        boolean close = spec.containsKey("close");
        if (error == close) {
            throw bad("expected exactly one of 'error' (an error reply) or 'close' (\"close\" or \"reset\")");
        }
        if (close && !("close".equals(spec.get("close")) || "reset".equals(spec.get("close")))) {
            throw bad("close: '" + spec.get("close") + "' (expected: \"close\" or \"reset\")");
        }
        if (error) {
            errorReply(spec.get("error"));
        }
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("redis fault: " + what);
    }

    private static List<String> commands(@Nullable Object value) {
        var names = new ArrayList<String>();
        if (value instanceof String s) {
            names.add(s);
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            for (var item : list) {
                if (!(item instanceof String s)) {
                    throw bad("match.command: expected a command name or a list of names");
                }
                names.add(s);
            }
        } else {
            throw bad("match.command: expected a command name or a list of names");
        }
        for (var name : names) {
            if (!name.matches("[A-Za-z][A-Za-z0-9_|.-]*")) {
                throw bad("match.command: '" + name + "' (expected: a command name such as GET)");
            }
        }
        return names;
    }

    private static RedisFaults.ErrorReply errorReply(@Nullable Object value) {
        if (!(value instanceof Map<?, ?> error)) {
            throw bad("error: expected a map with prefix and optional message");
        }
        for (var key : error.keySet()) {
            if (!ERROR_FIELDS.contains(key)) {
                throw bad("unknown field 'error." + key + "' (expected: prefix, message)");
            }
        }
        if (!(error.get("prefix") instanceof String prefix) || !prefix.matches("[A-Z][A-Z0-9_-]*")) {
            throw bad("error.prefix: '" + error.get("prefix")
                    + "' (expected: an upper-case error code such as READONLY)");
        }
        var message = error.get("message");
        if (message != null && !(message instanceof String)) {
            throw bad("error.message: expected a string");
        }
        if (message == null) {
            var standard = standardMessage(prefix);
            if (standard == null) {
                throw bad("error.message: required for prefix " + prefix
                        + (prefix.equals("MOVED") || prefix.equals("ASK") ? " (expected: 'slot host:port')" : ""));
            }
            return new RedisFaults.ErrorReply(prefix, standard);
        }
        return new RedisFaults.ErrorReply(prefix, (String) message);
    }

    /** The server's own message for common error codes, or null when there is none to borrow. */
    public static @Nullable String standardMessage(String prefix) {
        return switch (prefix) {
            case "ERR" -> "injected fault";
            case "LOADING" -> RedisFaults.loading().message();
            case "READONLY" -> RedisFaults.readOnly().message();
            case "OOM" -> RedisFaults.oom().message();
            case "BUSY" -> RedisFaults.busy().message();
            case "NOAUTH" -> RedisFaults.noAuth().message();
            case "CLUSTERDOWN" -> RedisFaults.clusterDown().message();
            case "TRYAGAIN" -> RedisFaults.tryAgain().message();
            case "NOSCRIPT" -> RedisFaults.noScript().message();
            case "WRONGTYPE" -> RedisFaults.wrongType().message();
            case "MASTERDOWN" -> "Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
            case "EXECABORT" -> "Transaction discarded because of previous errors.";
            case "NOREPLICAS" -> "Not enough good replicas to write.";
            default -> null;
        };
    }

    /** What this active fault does to this command (name upper case), or null when it does not match. */
    static @Nullable Matched match(InlineContext.ActiveFault active, String name, List<Resp> args) {
        var spec = active.spec();
        try {
            if (spec.get("match") instanceof Map<?, ?> match) {
                if (match.containsKey("command")) {
                    if (commands(match.get("command")).stream().noneMatch(c -> c.equalsIgnoreCase(name))) {
                        return null;
                    }
                } else if (CONTROL.contains(name)) {
                    return null;
                }
                if (match.get("key") instanceof String glob) {
                    var pattern = glob(glob);
                    if (Keys.of(args).stream().noneMatch(k -> pattern.matcher(k).matches())) {
                        return null;
                    }
                }
            } else if (CONTROL.contains(name)) {
                return null;
            }
            if (spec.containsKey("close")) {
                return new Matched(active.name(), RedisFaults.err("closed"), "reset".equals(spec.get("close")) ? 2 : 1);
            }
            return new Matched(active.name(), errorReply(spec.get("error")), 0);
        } catch (IllegalArgumentException e) {
            return null; // checked when injected; a spec that is wrong anyway matches nothing
        }
    }

    /** A Redis glob ({@code *}, {@code ?}, {@code [abc]}, {@code [^a]}, {@code [a-z]}, {@code \x}) as a pattern. */
    static Pattern glob(String glob) {
        var regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                    } else {
                        regex.append("\\\\");
                    }
                }
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        regex.append("\\[");
                        break;
                    }
                    regex.append('[');
                    int j = i + 1;
                    if (j < end && glob.charAt(j) == '^') {
                        regex.append('^');
                        j++;
                    }
                    for (; j < end; j++) {
                        char k = glob.charAt(j);
                        if (k == '-' && j > i + 1 && j + 1 < end) {
                            regex.append('-');
                        } else if (Character.isLetterOrDigit(k)) {
                            regex.append(k);
                        } else {
                            regex.append('\\').append(k);
                        }
                    }
                    regex.append(']');
                    i = end;
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
