package dev.chaostesting.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A plain HTTP client of the control API, as a test in any language would be. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A status, the headers and the body (JSON when it parses). */
    record Answer(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + raw.body(), e);
            }
        }

        String body() {
            return raw.body();
        }

        String error() {
            return json().path("error").asText();
        }
    }

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private final @Nullable String token;

    Api(URI base, @Nullable String token) {
        this.base = base;
        this.token = token;
    }

    Api(ControlServer server) {
        this(server.baseUri(), null);
    }

    Api withToken(@Nullable String value) {
        return new Api(base, value);
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer delete(String path) {
        return send(request(path).DELETE());
    }

    Answer post(String path, String json) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Answer post(String path, Object body) {
        try {
            return post(path, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Answer send(HttpRequest.Builder builder) {
        try {
            var response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        var builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** Creates an interceptor and returns it, failing the test with the API's message otherwise. */
    JsonNode create(Object body) {
        var answer = post("/v1/interceptors", body);
        if (answer.status() != 201) {
            throw new AssertionError("create: " + answer.status() + " " + answer.body());
        }
        return answer.json();
    }
}
