package dev.chaostesting.learn;

import java.util.Objects;

/**
 * A response value that always equalled a value of its own request: a generated test should compare it with what it
 * sent, not with the recorded literal.
 *
 * @param location where in the response: {@code body:$.id}, {@code body:$.title}
 * @param requestLocation where in the request: {@code path:bookId}, {@code query:author}, {@code body:$.title}
 */
public record Echo(String location, String requestLocation) {
    public Echo {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(requestLocation, "requestLocation");
    }
}
