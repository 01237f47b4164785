package dev.chaostesting.junit;

import dev.chaostesting.junit.internal.Describe;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.Interaction;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on the HTTP exchanges of a recording. Paths are matched without the query; {@code *} stands for any part
 * of one segment and {@code **} for any number of segments ({@code /api/books/*}, {@code /static/**}).
 */
public final class HttpRequestsAssert extends AbstractAssert<HttpRequestsAssert, List<Interaction>> {

    private final String what;

    HttpRequestsAssert(List<Interaction> exchanges, String what) {
        super(List.copyOf(exchanges), HttpRequestsAssert.class);
        this.what = what;
    }

    /** Exactly {@code expected} requests. */
    public HttpRequestsAssert hasCount(int expected) {
        if (actual.size() != expected) {
            failWithMessage("Expecting %d of %s but there are %d:%n%s", expected, what, actual.size(), list());
        }
        return this;
    }

    /** At least one request with this method and a path matching {@code path}. */
    public HttpRequestsAssert anyMatch(String method, String path) {
        if (actual.stream().noneMatch(matches(method, path))) {
            failWithMessage("Expecting %s to contain %s %s but it does not:%n%s", what, method, path, list());
        }
        return this;
    }

    /** No request with this method and a path matching {@code path}. */
    public HttpRequestsAssert noneMatch(String method, String path) {
        var found = actual.stream().filter(matches(method, path)).toList();
        if (!found.isEmpty()) {
            failWithMessage(
                    "Expecting %s not to contain %s %s but found:%n%s", what, method, path, Describe.lines(found));
        }
        return this;
    }

    /**
     * These requests, each written {@code "METHOD /path"}, in this order (others may come between them):
     * {@code containsInOrder("POST /api/login", "GET /api/books")}.
     */
    public HttpRequestsAssert containsInOrder(String... requests) {
        int next = 0;
        for (var i : actual) {
            if (next < requests.length && matches(requests[next]).test(i)) {
                next++;
            }
        }
        if (next < requests.length) {
            failWithMessage(
                    "Expecting %s to contain, in order:%n  %s%nbut \"%s\" was not found%s:%n%s",
                    what,
                    String.join(", ", Arrays.asList(requests)),
                    requests[next],
                    next == 0 ? "" : " after \"" + requests[next - 1] + "\"",
                    list());
        }
        return this;
    }

    /** At least one response with this status. */
    public HttpRequestsAssert anyHasStatus(int status) {
        if (actual.stream()
                .noneMatch(i -> i.httpResponse() != null && i.httpResponse().status() == status)) {
            failWithMessage(
                    "Expecting a response with status %d among %s but there is none:%n%s", status, what, list());
        }
        return this;
    }

    /** No response with a 5xx status. */
    public HttpRequestsAssert noServerErrors() {
        var found = actual.stream()
                .filter(i -> i.httpResponse() != null && i.httpResponse().status() >= 500)
                .toList();
        if (!found.isEmpty()) {
            failWithMessage("Expecting no 5xx response among %s but found:%n%s", what, Describe.lines(found));
        }
        return this;
    }

    private String list() {
        return Describe.lines(actual);
    }

    private static Predicate<Interaction> matches(String methodAndPath) {
        var parts = methodAndPath.strip().split("\\s+", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("request: \"" + methodAndPath + "\" (expected: \"METHOD /path\")");
        }
        return matches(parts[0], parts[1]);
    }

    private static Predicate<Interaction> matches(String method, String path) {
        Objects.requireNonNull(method, "method");
        var pattern = Describe.pathPattern(path);
        var upper = method.toUpperCase(Locale.ROOT);
        return i -> {
            HttpRequest r = i.httpRequest();
            return r != null
                    && r.method().equals(upper)
                    && pattern.matcher(r.path()).matches();
        };
    }
}
