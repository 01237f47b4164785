package dev.chaostesting.learn;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP operation of the observed service: a method and a path template, with everything learned about it.
 *
 * @param method the HTTP method
 * @param path the path template, parameters in braces: {@code /api/books/{bookId}}
 * @param operationId from the user's OpenAPI document when given, else derived from the method and path
 * @param samples how many recorded requests matched
 * @param parameters path parameters first (in path order), then query parameters
 * @param requestHeaders request headers that matter
 * @param requestContentType the first request {@code Content-Type} seen, or null
 * @param requestBody the merged JSON request body schema, or null when no request body was JSON
 * @param responses one entry per status code, ascending
 * @param latency duration percentiles
 * @param dependencies outbound calls made while serving it, most frequent first
 * @param secretInputs request locations whose recorded values were redacted without a fingerprint ({@code
 *     body:$.password}, {@code header:Authorization} with Basic credentials): a generated test must get these from
 *     its user; fingerprinted tokens are covered by {@link BehaviourModel#dataFlows()} instead
 */
public record Endpoint(
        String method,
        String path,
        String operationId,
        long samples,
        List<Parameter> parameters,
        List<HeaderRule> requestHeaders,
        @Nullable String requestContentType,
        @Nullable Schema requestBody,
        List<Response> responses,
        Latency latency,
        List<Dependency> dependencies,
        List<String> secretInputs) {

    public Endpoint {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(latency, "latency");
        parameters = List.copyOf(parameters);
        requestHeaders = List.copyOf(requestHeaders);
        responses = List.copyOf(responses);
        dependencies = List.copyOf(dependencies);
        secretInputs = List.copyOf(secretInputs);
    }

    /** {@code METHOD path}, e.g. {@code GET /api/books/{bookId}}: how data flows and scenarios name endpoints. */
    @JsonIgnore
    public String key() {
        return method + " " + path;
    }

    /** The response with this status, or null when it was never seen. */
    public @Nullable Response response(int status) {
        for (var response : responses) {
            if (response.status() == status) {
                return response;
            }
        }
        return null;
    }

    /** The parameter with this name, or null. */
    public @Nullable Parameter parameter(String name) {
        for (var parameter : parameters) {
            if (parameter.name().equals(name)) {
                return parameter;
            }
        }
        return null;
    }

    /** The request header rule with this (case-insensitive) name, or null. */
    public @Nullable HeaderRule requestHeader(String name) {
        for (var header : requestHeaders) {
            if (header.name().equalsIgnoreCase(name)) {
                return header;
            }
        }
        return null;
    }
}
