package dev.chaostesting.examples.backends;

import dev.chaostesting.examples.backends.ExampleBackend.Language;
import java.util.Map;

/**
 * Request bodies for the main resource of each backend, and which field is unique, updated and renamed by the
 * {@code wrong_field} bug.
 */
record Samples(
        Language language,
        String uniqueField,
        String updatedField,
        String renamedField,
        String renamedTo,
        boolean uuidIds,
        String missingId) {

    static Samples of(Language language) {
        return switch (language) {
            case PYTHON -> new Samples(language, "sku", "name", "price_cents", "price", false, "987654");
            case GO ->
                new Samples(language, "name", "name", "name", "title", true, "00000000-0000-4000-8000-000000000000");
            case RUST -> new Samples(language, "slug", "title", "title", "name", false, "987654");
            case NODE ->
                new Samples(language, "email", "name", "email", "mail", true, "00000000-0000-4000-8000-000000000000");
        };
    }

    /** A valid create body whose unique field contains {@code tag}. */
    Map<String, Object> create(String tag) {
        return switch (language) {
            case PYTHON ->
                Map.of(
                        "sku",
                        "SKU-" + tag.toUpperCase(java.util.Locale.ROOT),
                        "name",
                        "Widget " + tag,
                        "price_cents",
                        1299,
                        "quantity",
                        7);
            case GO -> Map.of("name", "project-" + tag, "description", "a project");
            case RUST -> Map.of("slug", "note-" + tag, "title", "Note " + tag, "body", "text");
            case NODE -> Map.of("email", "user-" + tag + "@example.com", "name", "User " + tag, "tier", "pro");
        };
    }

    /** An update body that changes {@link #updatedField} to {@code value}. */
    Map<String, Object> update(String value) {
        return switch (language) {
            case PYTHON, NODE -> Map.of("name", value);
            case GO -> Map.of("name", value, "description", "renamed");
            case RUST -> Map.of("title", value, "body", "new text");
        };
    }

    /** A body that fails validation (missing required fields, a wrong type). */
    Map<String, Object> invalid() {
        return switch (language) {
            case PYTHON -> Map.of("sku", "x", "price_cents", -1);
            case GO -> Map.of("description", "no name");
            case RUST -> Map.of("slug", "Not A Slug", "title", 42);
            case NODE -> Map.of("email", "not-an-email");
        };
    }
}
