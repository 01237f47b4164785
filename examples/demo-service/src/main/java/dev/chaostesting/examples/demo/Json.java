package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The JSON shapes of the API, built as trees so field names and order are spelled out in one place. */
final class Json {
    /** Strict: a body with trailing garbage or a repeated key is a client error, not something to guess about. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Always three fraction digits: {@link Instant#toString()} drops them when they are zero, which would make the
     * timestamp format vary from response to response.
     */
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {}

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static ObjectNode error(String message) {
        return object().put("error", message);
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /**
     * @param titleAsName the {@link Bug#WRONG_FIELD} regression: the title goes out under {@code "name"}
     */
    static ObjectNode book(Book book, boolean titleAsName) {
        var node = object().put("id", book.id()).put(titleAsName ? "name" : "title", book.title());
        node.put("author", book.author()).put("year", book.year());
        var tags = node.putArray("tags");
        book.tags().forEach(tags::add);
        return node.put("createdAt", timestamp(book.createdAt())).put("updatedAt", timestamp(book.updatedAt()));
    }

    static ObjectNode review(Review review) {
        return object().put("id", review.id())
                .put("bookId", review.bookId())
                .put("rating", review.rating())
                .put("comment", review.comment())
                .put("createdAt", timestamp(review.createdAt()));
    }
}
