package dev.chaostesting.examples.demo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A deliberate regression the service can be started with, so a demo can show recorded behaviour being violated. Each
 * one is small and plausible: the kind of change a refactoring slips in.
 */
public enum Bug {
    /** The service behaves as documented. */
    NONE,
    /** {@code GET /api/books/{id}} returns the title under {@code "name"} instead of {@code "title"}. */
    WRONG_FIELD,
    /** {@code POST /api/books} answers {@code 200} instead of {@code 201} (body and {@code Location} unchanged). */
    WRONG_STATUS,
    /** {@code PUT /api/books/{id}} answers {@code 200} with the updated book but does not store the change. */
    LOST_WRITE;

    /**
     * Parses the value of the {@code DEMO_BUG} environment variable: {@code wrong_field}, {@code wrong_status} or
     * {@code lost_write} (case-insensitive, {@code -} accepted for {@code _}); absent or blank means {@link #NONE}.
     *
     * @throws IllegalArgumentException for any other value, naming the accepted ones
     */
    public static Bug parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        var name = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            var accepted = Arrays.stream(values())
                    .map(bug -> bug.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException("unknown bug '" + value + "', expected one of: " + accepted, e);
        }
    }
}
