package dev.chaostesting.learn.internal;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Describes an outbound interaction as a generalised operation on a dependency. */
final class Outbound {
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");
    private static final Pattern NUMBER_LITERAL = Pattern.compile("(?<![A-Za-z_$\\d])-?\\d+(\\.\\d+)?(?![A-Za-z_\\d])");
    private static final Pattern SPACE = Pattern.compile("\\s+");
    private static final Set<String> KEYLESS = Set.of(
            "PING",
            "AUTH",
            "HELLO",
            "SELECT",
            "INFO",
            "MULTI",
            "EXEC",
            "DISCARD",
            "QUIT",
            "FLUSHDB",
            "FLUSHALL",
            "DBSIZE",
            "CLIENT",
            "CONFIG",
            "SCAN",
            "KEYS",
            "SUBSCRIBE",
            "PSUBSCRIBE",
            "PUBLISH",
            "ECHO",
            "TIME",
            "COMMAND",
            "RESET",
            "WAIT",
            "EVAL",
            "EVALSHA",
            "SCRIPT",
            "FUNCTION",
            "CLUSTER",
            "READONLY",
            "ROLE");
    private static final int MAX_OPERATION = 500;

    private Outbound() {}

    static EndpointAccumulator.DependencyKey describe(Interaction interaction) {
        var target = interaction.attributes().getOrDefault("dependency", interaction.server());
        var protocol = interaction.protocol();
        var request = interaction.request();
        String operation = protocol;
        List<String> tables = List.of();
        if (request instanceof HttpRequest http) {
            operation = http.method() + " " + Values.generaliseKey(http.path());
        } else if (request instanceof StructuredMessage message) {
            var described = structured(message.fields());
            operation = described.operation() == null ? protocol : described.operation();
            tables = described.tables();
        } else if (request instanceof TcpData) {
            operation = "tcp";
        }
        if (operation.length() > MAX_OPERATION) {
            operation = operation.substring(0, MAX_OPERATION);
        }
        return new EndpointAccumulator.DependencyKey(protocol, target, operation, tables);
    }

    private record Described(@Nullable String operation, List<String> tables) {}

    private static Described structured(Map<String, @Nullable Object> fields) {
        if (fields.get("statement") instanceof Map<?, ?> statement) {
            var tables = new TreeSet<String>();
            addStrings(statement.get("tablesRead"), tables);
            addStrings(statement.get("tablesWritten"), tables);
            var shape = statement.get("shape") instanceof String s ? s : null;
            if (shape == null && fields.get("sql") instanceof String sql) {
                shape = normaliseSql(sql);
            }
            if (shape == null && statement.get("kind") instanceof String kind) {
                shape = kind;
            }
            return new Described(shape, List.copyOf(tables));
        }
        if (fields.get("sql") instanceof String sql) {
            return new Described(normaliseSql(sql), List.of());
        }
        if (fields.get("command") instanceof List<?> command && !command.isEmpty()) {
            var name = String.valueOf(text(command.get(0))).toUpperCase(Locale.ROOT);
            var key = command.size() > 1 ? text(command.get(1)) : null;
            if (key != null && !KEYLESS.contains(name)) {
                return new Described(name + " " + Values.generaliseKey(key), List.of());
            }
            return new Described(name, List.of());
        }
        if (fields.get("command") instanceof String command) {
            return new Described(command, List.of());
        }
        var apiKey = fields.get("apiKey");
        if (apiKey != null) {
            var topics = new TreeSet<String>();
            if (fields.get("topics") instanceof List<?> list) {
                for (var topic : list) {
                    if (topic instanceof String s) {
                        topics.add(s);
                    } else if (topic instanceof Map<?, ?> map) {
                        var name = map.get("name") != null ? map.get("name") : map.get("topic");
                        if (name instanceof String s) {
                            topics.add(s);
                        }
                    }
                }
            }
            var operation = String.valueOf(apiKey) + (topics.isEmpty() ? "" : " " + String.join(",", topics));
            return new Described(operation, List.copyOf(topics));
        }
        return new Described(null, List.of());
    }

    /** A command argument as text: Redis arguments are strings, or bodies when they were not valid UTF-8. */
    private static @Nullable String text(@Nullable Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Body body) {
            return body.textIfValid();
        }
        return null;
    }

    private static void addStrings(@Nullable Object value, Set<String> into) {
        if (value instanceof List<?> list) {
            for (var item : list) {
                if (item instanceof String s) {
                    into.add(s);
                }
            }
        }
    }

    /** Replaces literals with {@code ?} and collapses white space, so one statement shape covers all its executions. */
    static String normaliseSql(String sql) {
        var out = STRING_LITERAL.matcher(sql).replaceAll("?");
        out = NUMBER_LITERAL.matcher(out).replaceAll("?");
        return SPACE.matcher(out).replaceAll(" ").strip();
    }
}
