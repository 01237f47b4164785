package dev.chaostesting.examples.backends;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A small JSON client for an {@link ExampleBackend}: login, then calls with {@code Authorization: Bearer}. */
final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, parsed body ({@link MissingNode} when empty or not JSON) and the raw text. */
    record Answer(int status, JsonNode json, String body) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ExampleBackend backend;
    private @Nullable String token;

    ApiClient(ExampleBackend backend) {
        this.backend = backend;
    }

    /** Logs in with the given password and remembers the token when it worked. */
    Answer login(String password) throws IOException {
        var answer = send(
                "POST",
                backend.language().loginPath(),
                Map.of("username", ExampleBackend.USERNAME, "password", password),
                false);
        if (answer.status() == 200) {
            token = answer.json().path("token").asText();
        }
        return answer;
    }

    Answer login() throws IOException {
        var answer = login(ExampleBackend.PASSWORD);
        if (answer.status() != 200 || token == null || token.isEmpty()) {
            throw new IOException("login failed: " + answer + backend.logTail());
        }
        return answer;
    }

    /** A call with the token (when logged in); {@code body} is serialised as JSON unless it is a String. */
    Answer call(String method, String path, @Nullable Object body) throws IOException {
        return send(method, path, body, true);
    }

    /** A call without any Authorization header. */
    Answer anonymous(String method, String path, @Nullable Object body) throws IOException {
        return send(method, path, body, false);
    }

    private Answer send(String method, String path, @Nullable Object body, boolean authorized) throws IOException {
        var builder =
                HttpRequest.newBuilder(URI.create(backend.baseUrl() + path)).timeout(Duration.ofSeconds(20));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            var text = body instanceof String s ? s : JSON.writeValueAsString(body);
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(text));
        }
        if (authorized && token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = response.body().isBlank() ? MissingNode.getInstance() : JSON.readTree(response.body());
            } catch (IOException e) {
                json = MissingNode.getInstance();
            }
            return new Answer(response.statusCode(), json, response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
