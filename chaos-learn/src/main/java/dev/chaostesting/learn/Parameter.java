package dev.chaostesting.learn;

import java.util.List;
import java.util.Objects;

/**
 * A path or query parameter of an endpoint.
 *
 * @param name the name: inferred from the preceding path segment ({@code bookId}) or the query name
 * @param in {@code path} or {@code query}
 * @param required whether every request had it (always true for path parameters)
 * @param schema the merged schema of its values (strings that look like numbers count as numbers)
 * @param examples up to three distinct values seen, in order
 */
public record Parameter(String name, String in, boolean required, Schema schema, List<String> examples) {
    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(schema, "schema");
        examples = List.copyOf(examples);
    }
}
