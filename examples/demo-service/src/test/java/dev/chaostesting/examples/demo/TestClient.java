package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

/** A thin HTTP/1.1 client for the tests: sends JSON, keeps the token, and hands back raw bytes and headers. */
final class TestClient {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http;
    private final URI base;
    private String token;

    TestClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Logs in as alice and sends her token from now on. */
    TestClient loggedIn() {
        var reply = send("POST", "/api/login", "{\"username\":\"alice\",\"password\":\"wonderland\"}");
        if (reply.status() != 200) {
            throw new IllegalStateException("login failed: " + reply);
        }
        token = reply.json().get("token").asText();
        return this;
    }

    Reply get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    Reply delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * @param body JSON text sent with {@code Content-Type: application/json}, or {@code null} for none
     * @param headers name/value pairs; these override the defaults, e.g. a different Authorization
     */
    Reply send(String method, String path, String body, String... headers) {
        var builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(5))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        var contentTypeGiven = false;
        var authorizationGiven = false;
        for (var i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
            contentTypeGiven |= headers[i].equalsIgnoreCase("Content-Type");
            authorizationGiven |= headers[i].equalsIgnoreCase("Authorization");
        }
        if (body != null && !contentTypeGiven) {
            builder.header("Content-Type", "application/json");
        }
        if (token != null && !authorizationGiven) {
            builder.header("Authorization", "Bearer " + token);
        }
        try {
            var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a book from the fields and returns the created resource. */
    JsonNode createBook(String title, String author, int year) {
        var reply = send("POST", "/api/books", bookJson(title, author, year));
        if (reply.status() != 201) {
            throw new IllegalStateException("create failed: " + reply);
        }
        return reply.json();
    }

    static String bookJson(String title, String author, int year) {
        var node = MAPPER.createObjectNode()
                .put("title", title)
                .put("author", author)
                .put("year", year);
        node.putArray("tags").add("test");
        return node.toString();
    }

    record Reply(int status, HttpHeaders headers, byte[] body) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The body as JSON, gunzipped first when the response says it is compressed. */
        JsonNode json() {
            try {
                var bytes = body;
                if ("gzip".equals(header("Content-Encoding"))) {
                    try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                        bytes = in.readAllBytes();
                    }
                }
                return MAPPER.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return status + " " + new String(body, StandardCharsets.UTF_8);
        }
    }
}
