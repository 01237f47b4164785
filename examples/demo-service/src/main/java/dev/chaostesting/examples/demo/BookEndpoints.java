package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@code /api/books} and below, for an authenticated caller. Where a {@link Bug} applies, it is applied here. */
final class BookEndpoints {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    static final int MAX_COMMENT = 2000;

    private final BookStore store;
    private final Bug bug;
    private final @Nullable Inventory inventory;

    BookEndpoints(BookStore store, Bug bug, @Nullable Inventory inventory) {
        this.store = store;
        this.bug = bug;
        this.inventory = inventory;
    }

    /** @param rest the path segments after {@code /api/books} */
    Response handle(Request request, List<String> rest) {
        var method = request.method();
        if (rest.isEmpty()) {
            return switch (method) {
                case "GET" -> list(request);
                case "POST" -> create(request);
                default -> throw ApiException.methodNotAllowed("GET, POST");
            };
        }
        var id = rest.get(0);
        if (rest.size() == 1) {
            return switch (method) {
                case "GET" -> get(id);
                case "PUT" -> replace(id, request);
                case "PATCH" -> patch(id, request);
                case "DELETE" -> delete(id);
                default -> throw ApiException.methodNotAllowed("GET, PUT, PATCH, DELETE");
            };
        }
        if (rest.size() == 2 && rest.get(1).equals("reviews")) {
            return switch (method) {
                case "GET" -> reviews(id);
                case "POST" -> addReview(id, request);
                default -> throw ApiException.methodNotAllowed("GET, POST");
            };
        }
        throw ApiException.noRoute(request.path());
    }

    private Response list(Request request) {
        var author = request.query().get("author");
        var limit = request.intParam("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        var offset = request.intParam("offset", 0, 0, Integer.MAX_VALUE);
        var page = store.list(author == null || author.isBlank() ? null : author.strip(), offset, limit);
        var body = Json.object();
        var items = body.putArray("items");
        page.items().forEach(book -> items.add(Json.book(book, false)));
        body.put("total", page.total()).put("offset", offset).put("limit", limit);
        return Response.json(200, body).chunkedWhenLarge();
    }

    private Response create(Request request) {
        var input = BookInput.parse(request.json());
        try {
            var book = store.create(input);
            if (inventory != null) {
                inventory.setStock(book.id(), 1);
            }
            var status = bug == Bug.WRONG_STATUS ? 200 : 201;
            return Response.json(status, Json.book(book, false)).withHeader("Location", "/api/books/" + book.id());
        } catch (BookStore.DuplicateBookException e) {
            throw duplicate(e);
        }
    }

    private Response get(String id) {
        var book = store.get(id).orElseThrow(() -> ApiException.bookNotFound(id));
        var body = Json.book(book, bug == Bug.WRONG_FIELD);
        if (inventory != null) {
            // With a stock service (the demo's dependency), a book says how many copies are in stock.
            var stock = inventory.inStock(id);
            if (stock.isPresent()) {
                body.put("inStock", stock.getAsInt());
            }
        }
        return Response.json(200, body);
    }

    private Response replace(String id, Request request) {
        return update(id, BookInput.parse(request.json()), bug != Bug.LOST_WRITE);
    }

    /** A merge of the given fields over the stored book, validated as a whole like a {@code PUT}. */
    private Response patch(String id, Request request) {
        var changes = request.json();
        var current = store.get(id).orElseThrow(() -> ApiException.bookNotFound(id));
        var merged = Json.book(current, false);
        for (var field : BookInput.FIELDS) {
            if (changes.has(field)) {
                merged.set(field, changes.get(field));
            }
        }
        return update(id, BookInput.parse(merged), true);
    }

    private Response update(String id, BookInput input, boolean persist) {
        try {
            return store.replace(id, input, persist)
                    .map(book -> Response.json(200, Json.book(book, false)))
                    .orElseThrow(() -> ApiException.bookNotFound(id));
        } catch (BookStore.DuplicateBookException e) {
            throw duplicate(e);
        }
    }

    private Response delete(String id) {
        if (!store.delete(id)) {
            throw ApiException.bookNotFound(id);
        }
        return Response.empty(204);
    }

    private Response reviews(String id) {
        var reviews = store.reviews(id).orElseThrow(() -> ApiException.bookNotFound(id));
        var body = Json.object();
        var items = body.putArray("items");
        reviews.forEach(review -> items.add(Json.review(review)));
        return Response.json(200, body.put("total", reviews.size()));
    }

    private Response addReview(String id, Request request) {
        var body = request.json();
        var rating = body.get("rating");
        if (rating == null || !rating.isIntegralNumber() || rating.asLong() < 1 || rating.asLong() > 5) {
            throw ApiException.badRequest("rating must be an integer from 1 to 5", "rating");
        }
        var comment = comment(body.get("comment"));
        return store.addReview(id, rating.intValue(), comment)
                .map(review -> Response.json(201, Json.review(review)))
                .orElseThrow(() -> ApiException.bookNotFound(id));
    }

    private static String comment(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.textValue().length() > MAX_COMMENT) {
            throw ApiException.badRequest(
                    "comment must be a string of at most " + MAX_COMMENT + " characters", "comment");
        }
        return node.textValue();
    }

    private static ApiException duplicate(BookStore.DuplicateBookException e) {
        return ApiException.conflict("a book with this title and author already exists", e.existingId());
    }
}
