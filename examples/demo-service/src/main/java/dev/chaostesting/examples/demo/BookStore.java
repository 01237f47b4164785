package dev.chaostesting.examples.demo;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * In-memory books and reviews. Every method is synchronized: the duplicate check and the write it guards must be one
 * step, and at demo scale a single lock costs nothing while leaving no interleaving to reason about.
 */
final class BookStore {
    /** A page of a filtered listing; {@code total} counts every match, not just the page. */
    record Page(List<Book> items, int total) {}

    /** Thrown when a create or replace would give two books the same title and author. */
    static final class DuplicateBookException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String existingId;

        DuplicateBookException(String existingId) {
            super("duplicate of " + existingId, null, false, false);
            this.existingId = existingId;
        }

        String existingId() {
            return existingId;
        }
    }

    private final Clock clock;
    /** Insertion-ordered so listings are stable between calls, which recorded traffic relies on. */
    private final Map<String, Book> books = new LinkedHashMap<>();

    private final Map<String, String> idByKey = new HashMap<>();
    private final Map<String, List<Review>> reviews = new HashMap<>();
    private long lastReviewId;
    private Instant lastTimestamp = Instant.EPOCH;

    BookStore(Clock clock) {
        this.clock = clock;
    }

    synchronized Book create(BookInput input) {
        var key = key(input.title(), input.author());
        var existing = idByKey.get(key);
        if (existing != null) {
            throw new DuplicateBookException(existing);
        }
        var now = tick();
        var book = new Book(
                UUID.randomUUID().toString(), input.title(), input.author(), input.year(), input.tags(), now, now);
        books.put(book.id(), book);
        idByKey.put(key, book.id());
        reviews.put(book.id(), new ArrayList<>());
        return book;
    }

    synchronized Optional<Book> get(String id) {
        return Optional.ofNullable(books.get(id));
    }

    /** @param author exact match ignoring case, or {@code null} for all books */
    synchronized Page list(String author, int offset, int limit) {
        var matches = books.values().stream()
                .filter(book -> author == null || book.author().equalsIgnoreCase(author))
                .toList();
        var from = Math.min(offset, matches.size());
        var to = Math.min(from + limit, matches.size());
        return new Page(List.copyOf(matches.subList(from, to)), matches.size());
    }

    /**
     * Replaces the client-supplied fields of a book.
     *
     * @param persist {@code false} computes the updated book without storing it: the {@link Bug#LOST_WRITE} regression
     * @return the updated book, or empty when there is no book with that id
     */
    synchronized Optional<Book> replace(String id, BookInput input, boolean persist) {
        var current = books.get(id);
        if (current == null) {
            return Optional.empty();
        }
        var key = key(input.title(), input.author());
        var holder = idByKey.get(key);
        if (holder != null && !holder.equals(id)) {
            throw new DuplicateBookException(holder);
        }
        var updated =
                new Book(id, input.title(), input.author(), input.year(), input.tags(), current.createdAt(), tick());
        if (persist) {
            idByKey.remove(key(current.title(), current.author()));
            idByKey.put(key, id);
            books.put(id, updated);
        }
        return Optional.of(updated);
    }

    synchronized boolean delete(String id) {
        var removed = books.remove(id);
        if (removed == null) {
            return false;
        }
        idByKey.remove(key(removed.title(), removed.author()));
        reviews.remove(id);
        return true;
    }

    /** @return the stored review, or empty when there is no book with that id */
    synchronized Optional<Review> addReview(String bookId, int rating, String comment) {
        var list = reviews.get(bookId);
        if (list == null) {
            return Optional.empty();
        }
        var review = new Review(++lastReviewId, bookId, rating, comment, tick());
        list.add(review);
        return Optional.of(review);
    }

    /** @return the book's reviews, oldest first, or empty when there is no book with that id */
    synchronized Optional<List<Review>> reviews(String bookId) {
        return Optional.ofNullable(reviews.get(bookId)).map(List::copyOf);
    }

    /**
     * Millisecond timestamps that strictly increase, so an update made in the same millisecond as the create still
     * moves {@code updatedAt} forward, as clients comparing the two expect.
     */
    private Instant tick() {
        var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        lastTimestamp = now.isAfter(lastTimestamp) ? now : lastTimestamp.plusMillis(1);
        return lastTimestamp;
    }

    private static String key(String title, String author) {
        // Case-insensitive: "Dune" by "Frank Herbert" and "dune" by "frank herbert" are the same book to a shop.
        return title.toLowerCase(Locale.ROOT) + '\u0000' + author.toLowerCase(Locale.ROOT);
    }
}
