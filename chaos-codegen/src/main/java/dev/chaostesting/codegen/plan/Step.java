package dev.chaostesting.codegen.plan;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One request and what its response must be.
 *
 * @param endpoint the endpoint key, e.g. {@code GET /api/books/{bookId}}; failure messages start with it
 * @param method the HTTP method
 * @param path the path and query, as parts to concatenate (literal text and variables)
 * @param headers the request headers
 * @param body a JSON body, or null
 * @param rawBody a body sent as recorded (not JSON), or null
 * @param status the expected status
 * @param mediaType the expected media type of the response (no parameters), or null to not check it
 * @param assertions checks on the response body
 * @param captures values taken from the response for later steps
 */
public record Step(
        String endpoint,
        String method,
        List<Value> path,
        List<Header> headers,
        @Nullable Body body,
        @Nullable String rawBody,
        int status,
        @Nullable String mediaType,
        List<Assertion> assertions,
        List<Capture> captures) {
    public Step {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(method, "method");
        path = List.copyOf(path);
        headers = List.copyOf(headers);
        assertions = List.copyOf(assertions);
        captures = List.copyOf(captures);
    }

    /** A request header, its value made of parts to concatenate. */
    public record Header(String name, List<Value> value) {
        public Header {
            Objects.requireNonNull(name, "name");
            value = List.copyOf(value);
        }
    }

    /**
     * A value taken from the response into a variable.
     *
     * @param var the variable
     * @param header a response header name, or null for the body
     * @param path the member path in the body (empty for a header)
     */
    public record Capture(String var, @Nullable String header, List<String> path) {
        public Capture {
            Objects.requireNonNull(var, "var");
            path = List.copyOf(path);
        }
    }
}
