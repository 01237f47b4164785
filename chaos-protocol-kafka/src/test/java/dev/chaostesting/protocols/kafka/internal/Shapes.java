package dev.chaostesting.protocols.kafka.internal;

import dev.chaostesting.model.Body;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A tree written out with its order and value types, so that two trees compare field by field and type by type. */
final class Shapes {

    private Shapes() {}

    static String of(@Nullable Object value) {
        var out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    private static void write(@Nullable Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            map.forEach((k, v) -> {
                out.append(k).append('=');
                write(v, out);
                out.append(", ");
            });
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (var element : list) {
                write(element, out);
                out.append(", ");
            }
            out.append(']');
        } else if (value instanceof Body body) {
            out.append("Body(")
                    .append(Arrays.toString(body.bytes()))
                    .append(", size ")
                    .append(body.size())
                    .append(body.truncated() ? ", truncated)" : ")");
        } else {
            out.append(value.getClass().getSimpleName()).append(':').append(value);
        }
    }
}
