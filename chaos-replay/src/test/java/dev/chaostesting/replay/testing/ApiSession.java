package dev.chaostesting.replay.testing;

import dev.chaostesting.examples.backends.ExampleBackend;
import dev.chaostesting.examples.backends.ExampleBackend.Language;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** One user session against an example backend: login, create, read, update, read, list. Returns how many requests. */
public final class ApiSession {

    private ApiSession() {}

    public static int drive(String base, Language language) throws IOException, InterruptedException {
        var client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var login = send(
                client,
                "POST",
                base + language.loginPath(),
                null,
                "{\"username\":\"" + ExampleBackend.USERNAME + "\",\"password\":\"" + ExampleBackend.PASSWORD + "\"}");
        var token = login.replaceAll("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        var unique = UUID.randomUUID().toString().substring(0, 8);
        var body = switch (language) {
            case PYTHON -> "{\"sku\":\"SKU-" + unique + "\",\"name\":\"Widget\",\"price_cents\":100}";
            case GO -> "{\"name\":\"project-" + unique + "\"}";
            case RUST -> "{\"slug\":\"note-" + unique + "\",\"title\":\"First\"}";
            case NODE -> "{\"email\":\"" + unique + "@example.com\",\"name\":\"Ann\"}";
        };
        var created = send(client, "POST", base + language.resourcePath(), token, body);
        var id = created.replaceAll("(?s).*\"id\"\\s*:\\s*\"?([0-9a-fA-F-]+)\"?.*", "$1");
        var one = base + language.resourcePath() + "/" + id;
        send(client, "GET", one, token, null);
        var update = switch (language) {
            case PYTHON -> "{\"name\":\"Widget 2\"}";
            case GO -> "{\"name\":\"project-" + unique + "-2\"}";
            case RUST -> "{\"title\":\"Second\"}";
            case NODE -> "{\"name\":\"Bob\"}";
        };
        send(client, language.updateMethod(), one, token, update);
        send(client, "GET", one, token, null);
        send(client, "GET", base + language.resourcePath(), token, null);
        return 6;
    }

    /** Calls {@code GET /health} until it answered 200 three times in a row (60 calls at most); returns the calls. */
    public static int settle(String base) throws IOException, InterruptedException {
        var client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int calls = 0;
        int ok = 0;
        while (ok < 3 && calls < 60) {
            calls++;
            var r = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            ok = r.statusCode() == 200 ? ok + 1 : 0;
            if (ok == 0) {
                Thread.sleep(100);
            }
        }
        return calls;
    }

    private static String send(HttpClient client, String method, String url, String token, String body)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        var r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
