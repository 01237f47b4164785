package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The client-supplied fields of a book, validated. Parsing stops at the first problem and reports the field, which is
 * what a form in front of this API would highlight.
 */
record BookInput(String title, String author, int year, List<String> tags) {
    static final int MAX_TITLE = 200;
    static final int MAX_AUTHOR = 100;
    static final int MAX_TAGS = 20;
    static final int MAX_TAG = 40;
    /** Gutenberg's press: anything earlier is a typo in a bookshop, not a rare edition. */
    static final int FIRST_YEAR = 1450;

    BookInput {
        tags = List.copyOf(tags);
    }

    /** Every field the client may set; {@code PATCH} copies only these from its body. */
    static final List<String> FIELDS = List.of("title", "author", "year", "tags");

    static BookInput parse(JsonNode body) {
        var title = text(body, "title", MAX_TITLE);
        var author = text(body, "author", MAX_AUTHOR);
        return new BookInput(title, author, year(body), tags(body));
    }

    private static String text(JsonNode body, String field, int maxLength) {
        var node = body.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest(field + " is required", field);
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be a string", field);
        }
        var value = node.textValue().strip();
        if (value.isEmpty()) {
            throw ApiException.badRequest(field + " must not be blank", field);
        }
        if (value.length() > maxLength) {
            throw ApiException.badRequest(field + " must be at most " + maxLength + " characters", field);
        }
        return value;
    }

    private static int year(JsonNode body) {
        var node = body.get("year");
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("year is required", "year");
        }
        // Next year is allowed: publishers announce books before they come out.
        var last = Year.now(ZoneOffset.UTC).getValue() + 1;
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.badRequest("year must be an integer", "year");
        }
        var year = node.intValue();
        if (year < FIRST_YEAR || year > last) {
            throw ApiException.badRequest("year must be between " + FIRST_YEAR + " and " + last, "year");
        }
        return year;
    }

    private static List<String> tags(JsonNode body) {
        var node = body.get("tags");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("tags must be an array of strings", "tags");
        }
        if (node.size() > MAX_TAGS) {
            throw ApiException.badRequest("at most " + MAX_TAGS + " tags are allowed", "tags");
        }
        var tags = new ArrayList<String>(node.size());
        for (var tag : node) {
            if (!tag.isTextual() || tag.textValue().isBlank() || tag.textValue().length() > MAX_TAG) {
                throw ApiException.badRequest(
                        "each tag must be a non-blank string of at most " + MAX_TAG + " characters", "tags");
            }
            tags.add(tag.textValue().strip());
        }
        return tags;
    }
}
