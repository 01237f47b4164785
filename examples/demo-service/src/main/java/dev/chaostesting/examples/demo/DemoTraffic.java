package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Drives a fixed, realistic session against the bookshop: the traffic the demo records. The order and the payloads
 * never vary; only server-generated values (tokens, ids, timestamps) differ between runs, and those are always taken
 * from the responses. Books it creates are deleted at the end so it can run again against the same service.
 *
 * <p>Statuses and a few response properties are checked against documented behaviour; a mismatch does not stop the
 * run (a buggy service should still produce its traffic) but is listed in {@link Summary#unexpected()}.
 */
public final class DemoTraffic {
    /**
     * What a run sent and saw.
     *
     * @param requests requests sent, each of which got a response
     * @param byStatus responses by status code, ascending
     * @param unexpected one line per deviation from documented behaviour, in the order they were seen
     */
    public record Summary(int requests, SortedMap<Integer, Integer> byStatus, List<String> unexpected) {
        public Summary {
            byStatus = Collections.unmodifiableSortedMap(new TreeMap<>(byStatus));
            unexpected = List.copyOf(unexpected);
        }

        public int count(int status) {
            return byStatus.getOrDefault(status, 0);
        }

        /** Whether the service behaved as documented throughout. */
        public boolean clean() {
            return unexpected.isEmpty();
        }
    }

    private record Seed(String title, String author, int year, List<String> tags) {
        ObjectNode json() {
            var node = Json.object().put("title", title).put("author", author).put("year", year);
            var array = node.putArray("tags");
            tags.forEach(array::add);
            return node;
        }
    }

    /** Enough books that a listing passes the 1 KiB mark, so it goes out chunked and, when asked, gzip-compressed. */
    private static final List<Seed> SEEDS = List.of(
            new Seed("The Left Hand of Darkness", "Ursula K. Le Guin", 1969, List.of("science-fiction", "classic")),
            new Seed("A Wizard of Earthsea", "Ursula K. Le Guin", 1968, List.of("fantasy", "young-adult")),
            new Seed("Kindred", "Octavia E. Butler", 1979, List.of("science-fiction", "historical")),
            new Seed("Parable of the Sower", "Octavia E. Butler", 1993, List.of("science-fiction", "dystopia")),
            new Seed("Neuromancer", "William Gibson", 1984, List.of("cyberpunk")),
            new Seed("The Dispossessed", "Ursula K. Le Guin", 1974, List.of("science-fiction", "utopia")));

    private record Reply(int status, HttpHeaders headers, JsonNode json) {}

    /** A created book: what was sent, the id the server gave it, and the Location it named. */
    private record Created(Seed seed, String id, String location) {}

    private final HttpClient client;
    private final String base;
    private final TreeMap<Integer, Integer> byStatus = new TreeMap<>();
    private final List<String> unexpected = new ArrayList<>();
    private int requests;
    private String token;

    private DemoTraffic(URI baseUri, HttpClient client) {
        var text = baseUri.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.client = client;
    }

    /** Runs the session with a fresh HTTP/1.1 client, so every request goes over a small set of keep-alive connections. */
    public static Summary run(URI baseUri) throws IOException, InterruptedException {
        var client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return run(baseUri, client);
    }

    /** Runs the session with the given client, e.g. one configured to go through a recording proxy. */
    public static Summary run(URI baseUri, HttpClient client) throws IOException, InterruptedException {
        return new DemoTraffic(baseUri, client).drive();
    }

    private Summary drive() throws IOException, InterruptedException {
        request("GET", "/health").anonymous().expect(200);
        request("POST", "/api/login")
                .anonymous()
                .json(credentials("alice", "not-the-password"))
                .expect(401);
        var login = request("POST", "/api/login")
                .anonymous()
                .json(credentials("alice", "wonderland"))
                .expect(200);
        token = login.json().path("token").asText(null);
        if (token == null) {
            unexpected.add("POST /api/login: no token in the response, stopping");
            return summary();
        }
        request("GET", "/api/books").anonymous().expect(401);

        var created = new ArrayList<Created>();
        for (var seed : SEEDS) {
            create(seed, created);
        }
        request("POST", "/api/books")
                .json(Json.object().put("title", " ").put("author", "Nobody").put("year", 2020))
                .expect(400);
        request("POST", "/api/books").json(SEEDS.get(0).json()).expect(409);

        request("GET", "/api/books").expect(200);
        var zipped = request("GET", "/api/books").gzip().expect(200);
        if (!"gzip".equals(zipped.headers().firstValue("Content-Encoding").orElse(""))) {
            unexpected.add("GET /api/books with Accept-Encoding: gzip: listing was not compressed");
        }
        var author = URLEncoder.encode(SEEDS.get(0).author(), StandardCharsets.UTF_8);
        request("GET", "/api/books?author=" + author + "&limit=2&offset=0")
                .as("GET /api/books?author=...&limit=2&offset=0")
                .expect(200);

        for (var book : created) {
            var fetched =
                    request("GET", book.location()).as("GET /api/books/{id}").expect(200);
            var title = fetched.json().path("title").asText(null);
            if (!book.seed().title().equals(title)) {
                unexpected.add(
                        "GET /api/books/{id}: expected title '" + book.seed().title() + "', got " + title);
            }
        }
        if (created.size() < 3) {
            unexpected.add("fewer than 3 books created, skipping updates, reviews and deletes");
            return summary();
        }

        var first = created.get(0);
        var revised = first.seed().json().put("year", 1970);
        revised.putArray("tags").add("science-fiction").add("classic").add("hugo-award");
        request("PUT", "/api/books/" + first.id())
                .as("PUT /api/books/{id}")
                .json(revised)
                .expect(200);
        var reread = request("GET", "/api/books/" + first.id())
                .as("GET /api/books/{id}")
                .expect(200);
        if (reread.json().path("year").asInt() != 1970) {
            unexpected.add("PUT /api/books/{id}: change was not stored");
        }
        var patch = Json.object();
        patch.putArray("tags").add("fantasy").add("earthsea");
        request("PATCH", "/api/books/" + created.get(1).id())
                .as("PATCH /api/books/{id}")
                .json(patch)
                .expect(200);

        review(first, 5, "Still the best thought experiment in the genre.");
        review(first, 4, "Slow start, unforgettable ending.");
        review(created.get(2), 5, null);
        request("GET", "/api/books/" + first.id() + "/reviews")
                .as("GET /api/books/{id}/reviews")
                .expect(200);

        var doomed = created.remove(created.size() - 1);
        request("DELETE", "/api/books/" + doomed.id())
                .as("DELETE /api/books/{id}")
                .expect(204);
        request("GET", "/api/books/" + doomed.id())
                .as("GET /api/books/{id} (deleted)")
                .expect(404);
        request("GET", "/health").anonymous().expect(200);

        for (var book : created) {
            request("DELETE", "/api/books/" + book.id())
                    .as("DELETE /api/books/{id}")
                    .expect(204);
        }
        return summary();
    }

    private void create(Seed seed, List<Created> created) throws IOException, InterruptedException {
        var reply = request("POST", "/api/books").json(seed.json()).expect(201);
        var location = reply.headers().firstValue("Location").orElse(null);
        var id = reply.json().path("id").asText(null);
        if (location == null || id == null || !location.endsWith("/" + id)) {
            unexpected.add("POST /api/books: expected a Location naming the new id, got " + location + " for " + id);
        }
        if (id != null) {
            created.add(new Created(seed, id, location != null ? location : "/api/books/" + id));
        }
    }

    private void review(Created book, int rating, String comment) throws IOException, InterruptedException {
        var body = Json.object().put("rating", rating).put("comment", comment);
        request("POST", "/api/books/" + book.id() + "/reviews")
                .as("POST /api/books/{id}/reviews")
                .json(body)
                .expect(201);
    }

    private static ObjectNode credentials(String username, String password) {
        return Json.object().put("username", username).put("password", password);
    }

    private Summary summary() {
        return new Summary(requests, byStatus, unexpected);
    }

    private Call request(String method, String path) {
        return new Call(method, path);
    }

    /** One request being described; {@link #expect} sends it. */
    private final class Call {
        private final String method;
        private final String path;
        private String label;
        private JsonNode body;
        private boolean authenticated = true;
        private boolean gzip;

        Call(String method, String path) {
            this.method = method;
            this.path = path;
            this.label = method + " " + path;
        }

        /** How deviations are reported: the path with ids replaced, so messages are the same on every run. */
        Call as(String label) {
            this.label = label;
            return this;
        }

        Call json(JsonNode body) {
            this.body = body;
            return this;
        }

        Call anonymous() {
            this.authenticated = false;
            return this;
        }

        Call gzip() {
            this.gzip = true;
            return this;
        }

        /** Sends the request, counts the response and notes a status other than {@code expected}. */
        Reply expect(int expected) throws IOException, InterruptedException {
            var publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body));
            // A Location may be absolute; ours are server-relative and are resolved against the base.
            var uri = path.contains("://") ? URI.create(path) : URI.create(base + path);
            var builder = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json")
                    .header("User-Agent", "chaos-demo-traffic/1")
                    .method(method, publisher);
            if (body != null) {
                builder.header("Content-Type", ResponseWriter.JSON_UTF8);
            }
            if (authenticated && token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            if (gzip) {
                builder.header("Accept-Encoding", "gzip");
            }
            var response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            requests++;
            byStatus.merge(response.statusCode(), 1, Integer::sum);
            if (response.statusCode() != expected) {
                unexpected.add(label + ": expected " + expected + ", got " + response.statusCode());
            }
            return new Reply(response.statusCode(), response.headers(), parse(response));
        }
    }

    private static JsonNode parse(HttpResponse<byte[]> response) throws IOException {
        var bytes = response.body();
        if (bytes.length == 0) {
            return MissingNode.getInstance();
        }
        if (response.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        return Json.MAPPER.readTree(bytes);
    }

    /** Runs the session against {@code args[0]} (default {@code http://127.0.0.1:8080}) and prints the summary. */
    public static void main(String[] args) throws IOException, InterruptedException {
        var base = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:8080");
        var summary = run(base);
        System.out.println("sent " + summary.requests() + " requests to " + base + ", by status " + summary.byStatus());
        summary.unexpected().forEach(line -> System.out.println("unexpected: " + line));
        if (!summary.clean()) {
            System.exit(1);
        }
    }
}
