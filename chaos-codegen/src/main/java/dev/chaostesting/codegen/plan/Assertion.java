package dev.chaostesting.codegen.plan;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * A check on a response body member. {@code path} lists object member names from the root (empty: the root itself);
 * {@link #describe} gives the JSONPath-like name failure messages use ({@code $.items}).
 */
public sealed interface Assertion {
    /** The member's path from the body's root. */
    List<String> path();

    /** The path as {@code $.a.b}. */
    default String describe() {
        return describe(path());
    }

    /** A path as {@code $.a.b}. */
    static String describe(List<String> path) {
        var b = new StringBuilder("$");
        for (var p : path) {
            b.append('.').append(p);
        }
        return b.toString();
    }

    /** The member is present and has one of the JSON Schema types ({@code string}, {@code integer}, {@code null}...). */
    record HasType(List<String> path, List<String> types) implements Assertion {
        public HasType {
            path = List.copyOf(path);
            types = List.copyOf(types);
        }
    }

    /** The member equals a JSON value: a literal, or a variable of the test (what was sent, or captured). */
    record EqualsValue(List<String> path, Value expected) implements Assertion {
        public EqualsValue {
            path = List.copyOf(path);
            Objects.requireNonNull(expected, "expected");
        }
    }

    /** The member's text form equals a variable's text form (an id echoed from the path). */
    record EqualsText(List<String> path, Value expected) implements Assertion {
        public EqualsText {
            path = List.copyOf(path);
            Objects.requireNonNull(expected, "expected");
        }
    }

    /** The member is one of the values seen. */
    record OneOf(List<String> path, List<JsonNode> values) implements Assertion {
        public OneOf {
            path = List.copyOf(path);
            values = List.copyOf(values);
        }
    }

    /** The member, when a string, has a format: {@code uuid}, {@code date-time}, {@code date}. */
    record HasFormat(List<String> path, String format) implements Assertion {
        public HasFormat {
            path = List.copyOf(path);
            Objects.requireNonNull(format, "format");
        }
    }
}
