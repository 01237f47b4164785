package dev.chaostesting.examples.demo;

import java.time.Instant;
import java.util.Objects;

/**
 * A review of a book.
 *
 * @param id server-generated, increasing across all books
 * @param comment free text, or {@code null} when the reviewer left none
 */
record Review(long id, String bookId, int rating, String comment, Instant createdAt) {
    Review {
        Objects.requireNonNull(bookId, "bookId");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
