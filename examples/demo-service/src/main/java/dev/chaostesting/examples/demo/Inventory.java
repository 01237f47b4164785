package dev.chaostesting.examples.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The bookshop's client of its stock service: short timeouts, and a failure of the dependency becomes a 503 that says
 * so (the graceful answer a chaos run should find).
 */
final class Inventory {

    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern IN_STOCK = Pattern.compile("\"inStock\"\\s*:\\s*(\\d+)");

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    Inventory(URI base) {
        this.base = base;
    }

    /** The stock of a book, or empty when the inventory does not know it. */
    OptionalInt inStock(String bookId) {
        var response =
                call(HttpRequest.newBuilder(base.resolve("/stock/" + bookId)).GET());
        if (response.statusCode() == 404) {
            return OptionalInt.empty();
        }
        if (response.statusCode() != 200) {
            throw unavailable("answered " + response.statusCode());
        }
        var m = IN_STOCK.matcher(response.body());
        if (!m.find()) {
            throw unavailable("answered without inStock");
        }
        return OptionalInt.of(Integer.parseInt(m.group(1)));
    }

    void setStock(String bookId, int inStock) {
        var response = call(HttpRequest.newBuilder(base.resolve("/stock/" + bookId))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"inStock\":" + inStock + "}")));
        if (response.statusCode() / 100 != 2) {
            throw unavailable("answered " + response.statusCode());
        }
    }

    private HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw unavailable("did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw unavailable("could not be reached");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("was interrupted");
        }
    }

    private static ApiException unavailable(String what) {
        return new ApiException(Response.json(503, Json.error("the inventory service " + what + "; try again later")));
    }
}
