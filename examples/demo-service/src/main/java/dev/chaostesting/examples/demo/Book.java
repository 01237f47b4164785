package dev.chaostesting.examples.demo;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A stored book. Immutable: an update stores a new instance, so readers never see a half-applied change. */
record Book(String id, String title, String author, int year, List<String> tags, Instant createdAt, Instant updatedAt) {
    Book {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(author, "author");
        tags = List.copyOf(tags);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
