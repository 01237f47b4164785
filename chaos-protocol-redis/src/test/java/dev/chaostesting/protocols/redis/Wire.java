package dev.chaostesting.protocols.redis;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Small helpers to write commands and read recorded fields. */
final class Wire {

    private Wire() {}

    /** A command as the array of bulk strings clients send. */
    static String command(String... args) {
        var sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (var arg : args) {
            sb.append('$')
                    .append(arg.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(arg)
                    .append("\r\n");
        }
        return sb.toString();
    }

    static Map<String, @Nullable Object> request(Interaction i) {
        return ((StructuredMessage) i.request()).fields();
    }

    static Map<String, @Nullable Object> response(Interaction i) {
        return ((StructuredMessage) i.response()).fields();
    }

    @SuppressWarnings("unchecked")
    static List<@Nullable Object> list(@Nullable Object value) {
        return (List<@Nullable Object>) value;
    }

    static @Nullable Object command(Interaction i) {
        return i.request() == null ? null : request(i).get("command");
    }
}
