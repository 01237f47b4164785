package dev.chaostesting.codegen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaostesting.examples.backends.ExampleBackend;
import dev.chaostesting.examples.backends.ExampleBackend.Language;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Realistic sessions against the example backends: login (also a wrong password), create three, read, list, update
 * and read back, a 409 on the unique field, a validation error, a body that is not JSON, 401 without a token, delete
 * then 404, and an unknown id.
 */
final class Traffic {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final List<String> problems = new ArrayList<>();
    private int requests;

    private Traffic(String base) {
        this.base = base;
    }

    record Summary(int requests, List<String> problems) {}

    static Summary drive(Language language, String base) throws Exception {
        var t = new Traffic(base);
        t.run(language);
        return new Summary(t.requests, t.problems);
    }

    private void run(Language language) throws Exception {
        var path = language.resourcePath();
        call("GET", "/health", null, null, 200);
        call("POST", language.loginPath(), null, Map.of("username", "admin", "password", "not-the-password"), 401);
        var login = call(
                "POST",
                language.loginPath(),
                null,
                Map.of("username", ExampleBackend.USERNAME, "password", ExampleBackend.PASSWORD),
                200);
        var token = login.get("token").asText();
        call("GET", path, null, null, 401);
        var ids = new ArrayList<String>();
        for (var tag : List.of("alpha", "beta", "gamma")) {
            var created = call("POST", path, token, create(language, tag), 201);
            ids.add(created.get("id").asText());
        }
        call("POST", path, token, create(language, "alpha"), 409);
        for (var id : ids) {
            call("GET", path + "/" + id, token, null, 200);
        }
        call("GET", path, token, null, 200);
        call(language.updateMethod(), path + "/" + ids.get(0), token, update(language), 200);
        call("GET", path + "/" + ids.get(0), token, null, 200);
        call(language.updateMethod(), path + "/" + ids.get(1), token, update2(language), 200);
        call("GET", path + "/" + ids.get(1), token, null, 200);
        call("POST", path, token, invalid(language), language.validationStatus());
        callRaw("POST", path, token, "this is not json", 400);
        call("DELETE", path + "/" + ids.get(2), token, null, 204);
        call("GET", path + "/" + ids.get(2), token, null, 404);
        call("GET", path + "/" + missing(language), token, null, 404);
        call("GET", path, token, null, 200);
    }

    static Map<String, Object> create(Language language, String tag) {
        var m = new LinkedHashMap<String, Object>();
        switch (language) {
            case PYTHON -> {
                m.put("sku", "SKU-" + tag.toUpperCase(java.util.Locale.ROOT));
                m.put("name", "Widget " + tag);
                m.put("price_cents", 1299);
                m.put("quantity", 7);
            }
            case GO -> {
                m.put("name", "project-" + tag);
                m.put("description", "a project");
            }
            case RUST -> {
                m.put("slug", "note-" + tag);
                m.put("title", "Note " + tag);
                m.put("body", "text of " + tag);
            }
            case NODE -> {
                m.put("email", "user-" + tag + "@example.com");
                m.put("name", "User " + tag);
                m.put("tier", "pro");
            }
        }
        return m;
    }

    private static Map<String, Object> update(Language language) {
        return switch (language) {
            case PYTHON -> Map.of("name", "Widget renamed", "price_cents", 1500);
            case NODE -> Map.of("name", "Renamed customer");
            case GO -> Map.of("name", "project-renamed", "description", "renamed");
            case RUST -> Map.of("title", "Renamed note", "body", "new text");
        };
    }

    private static Map<String, Object> update2(Language language) {
        return switch (language) {
            case PYTHON -> Map.of("name", "Widget again", "price_cents", 1700);
            case NODE -> Map.of("name", "Another name");
            case GO -> Map.of("name", "project-again", "description", "again");
            case RUST -> Map.of("title", "Another title", "body", "more text");
        };
    }

    private static Map<String, Object> invalid(Language language) {
        return switch (language) {
            case PYTHON -> Map.of("sku", "x", "price_cents", -1);
            case GO -> Map.of("description", "no name");
            case RUST -> Map.of("slug", "Not A Slug", "title", 42);
            case NODE -> Map.of("email", "not-an-email");
        };
    }

    private static String missing(Language language) {
        return switch (language) {
            case GO, NODE -> "00000000-0000-4000-8000-000000000000";
            default -> "987654";
        };
    }

    private JsonNode call(String method, String path, String token, Object body, int expected) throws Exception {
        return callRaw(method, path, token, body == null ? null : JSON.writeValueAsString(body), expected);
    }

    private JsonNode callRaw(String method, String path, String token, String body, int expected) throws Exception {
        var b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        var response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        requests++;
        if (response.statusCode() != expected) {
            problems.add(method + " " + path + ": " + response.statusCode() + " instead of " + expected + ": "
                    + response.body());
        }
        var text = response.body();
        return text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
    }
}
