package dev.chaostesting.learn;

import java.util.Objects;

/**
 * A value one response produced and a later request sent back: a chain a generated test must follow (log in, then use
 * the token; create, then read the id).
 *
 * @param producer the endpoint key that produced the value, e.g. {@code POST /api/login}
 * @param producerLocation where in its response: {@code body:$.token}, {@code header:Location}
 * @param consumer the endpoint key that sent it, e.g. {@code GET /api/books/{bookId}}
 * @param consumerLocation where in its request: {@code path:bookId}, {@code path} (the whole path), {@code
 *     query:cursor}, {@code body:$.bookId}, {@code header:Authorization}
 * @param kind {@code token} (a redacted secret fingerprint or a JWT) or {@code id}
 * @param count how many requests consumed a value that way
 */
public record DataFlow(
        String producer, String producerLocation, String consumer, String consumerLocation, String kind, long count) {
    public DataFlow {
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(producerLocation, "producerLocation");
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(consumerLocation, "consumerLocation");
        Objects.requireNonNull(kind, "kind");
    }
}
