package dev.chaostesting.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BookApiTest {
    private DemoService service;
    private TestClient client;

    @BeforeEach
    void start() throws IOException {
        service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = new TestClient(service.baseUri());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void healthNeedsNoToken() {
        var reply = client.get("/health");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(reply.json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void everyResponseCarriesAFreshRequestIdAndADate() {
        var ids = new HashSet<String>();
        for (var path : new String[] {"/health", "/health", "/api/books", "/nowhere"}) {
            var reply = client.get(path);
            assertThat(reply.headers().allValues("X-Request-Id")).hasSize(1);
            ids.add(UUID.fromString(reply.header("X-Request-Id")).toString());
            assertThat(reply.headers().allValues("Date")).hasSize(1);
            var date = ZonedDateTime.parse(reply.header("Date"), DateTimeFormatter.RFC_1123_DATE_TIME);
            assertThat(Duration.between(date.toInstant(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
        }
        assertThat(ids).hasSize(4);
    }

    @Test
    void loginHandsOutAnExpiringToken() {
        var reply = client.send("POST", "/api/login", "{\"username\":\"bob\",\"password\":\"builder\"}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("token").asText()).hasSizeGreaterThanOrEqualTo(32);
        var expiresAt = Instant.parse(reply.json().get("expiresAt").asText());
        assertThat(expiresAt)
                .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
    }

    @ParameterizedTest
    @CsvSource({
        "'{\"username\":\"alice\",\"password\":\"builder\"}', 401,",
        "'{\"username\":\"carol\",\"password\":\"wonderland\"}', 401,",
        "'{\"password\":\"wonderland\"}', 400, username",
        "'{\"username\":\"alice\"}', 400, password",
    })
    void badLoginsAreRejected(String body, int status, String field) {
        var reply = client.send("POST", "/api/login", body);

        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.json().get("error").asText()).isNotBlank();
        if (field != null) {
            assertThat(reply.json().get("field").asText()).isEqualTo(field);
        } else {
            assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        }
    }

    @Test
    void bookEndpointsRequireABearerToken() {
        var id = client.loggedIn()
                .createBook("Dune", "Frank Herbert", 1965)
                .get("id")
                .asText();
        var anonymous = new TestClient(service.baseUri());

        for (var path : new String[] {"/api/books", "/api/books/" + id, "/api/books/" + id + "/reviews"}) {
            var reply = anonymous.get(path);
            assertThat(reply.status()).as(path).isEqualTo(401);
            assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"bookshop\"");
        }
        assertThat(anonymous
                        .send("POST", "/api/books", TestClient.bookJson("X", "Y", 2000))
                        .status())
                .isEqualTo(401);
        assertThat(anonymous.delete("/api/books/" + id).status()).isEqualTo(401);

        var forged = anonymous.get("/api/books", "Authorization", "Bearer not-a-token");
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(anonymous
                        .get("/api/books", "Authorization", "Basic YWxpY2U6d29uZGVybGFuZA==")
                        .status())
                .isEqualTo(401);
        assertThat(client.get("/api/books/" + id).status()).isEqualTo(200);
    }

    @Test
    void createReadUpdateDelete() {
        client.loggedIn();
        var created = client.send(
                "POST",
                "/api/books",
                "{\"title\":\" Dune \",\"author\":\"Frank Herbert\",\"year\":1965,\"tags\":[\"sf\",\"classic\"]}");

        assertThat(created.status()).isEqualTo(201);
        var book = created.json();
        var id = book.get("id").asText();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(created.header("Location")).isEqualTo("/api/books/" + id);
        assertThat(book.get("title").asText()).isEqualTo("Dune");
        assertThat(book.get("year").asInt()).isEqualTo(1965);
        assertThat(book.get("tags")).hasSize(2);
        assertThat(book.get("createdAt").asText())
                .isEqualTo(book.get("updatedAt").asText());

        var fetched = client.get("/api/books/" + id);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(book);

        var updated = client.send(
                "PUT", "/api/books/" + id, "{\"title\":\"Dune\",\"author\":\"Frank Herbert\",\"year\":1966}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("year").asInt()).isEqualTo(1966);
        assertThat(updated.json().get("tags")).isEmpty();
        assertThat(updated.json().get("createdAt")).isEqualTo(book.get("createdAt"));
        assertThat(Instant.parse(updated.json().get("updatedAt").asText()))
                .isAfter(Instant.parse(book.get("updatedAt").asText()));
        assertThat(client.get("/api/books/" + id).json()).isEqualTo(updated.json());

        var patched = client.send("PATCH", "/api/books/" + id, "{\"tags\":[\"desert\"]}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("title").asText()).isEqualTo("Dune");
        assertThat(patched.json().get("tags").get(0).asText()).isEqualTo("desert");

        var deleted = client.delete("/api/books/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();

        var gone = client.get("/api/books/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("error").asText()).isEqualTo("book not found");
        assertThat(gone.json().get("id").asText()).isEqualTo(id);
        assertThat(client.delete("/api/books/" + id).status()).isEqualTo(404);
        assertThat(client.send("PUT", "/api/books/" + id, TestClient.bookJson("A", "B", 2000))
                        .status())
                .isEqualTo(404);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"author\":\"A\",\"year\":2000}                      | title",
                "{\"title\":7,\"author\":\"A\",\"year\":2000}          | title",
                "{\"title\":\"T\",\"author\":\"  \",\"year\":2000}     | author",
                "{\"title\":\"T\",\"author\":\"A\"}                    | year",
                "{\"title\":\"T\",\"author\":\"A\",\"year\":\"2000\"}  | year",
                "{\"title\":\"T\",\"author\":\"A\",\"year\":1200}      | year",
                "{\"title\":\"T\",\"author\":\"A\",\"year\":1999.5}    | year",
                "{\"title\":\"T\",\"author\":\"A\",\"year\":2000,\"tags\":\"x\"} | tags",
                "{\"title\":\"T\",\"author\":\"A\",\"year\":2000,\"tags\":[1]}   | tags",
            })
    void invalidBooksAreRejectedNamingTheField(String body, String field) {
        var reply = client.loggedIn().send("POST", "/api/books", body);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("field").asText()).isEqualTo(field);
        assertThat(reply.json().get("error").asText()).isNotBlank();
    }

    @Test
    void unreadableBodiesAreRejected() {
        client.loggedIn();

        assertThat(client.send("POST", "/api/books", "{\"title\":").status()).isEqualTo(400);
        assertThat(client.send("POST", "/api/books", "[1,2]").status()).isEqualTo(400);
        assertThat(client.send("POST", "/api/books", "{} {}").status()).isEqualTo(400);
        assertThat(client.send("POST", "/api/books", "title=x", "Content-Type", "application/x-www-form-urlencoded")
                        .status())
                .isEqualTo(415);
        var huge = TestClient.bookJson("x".repeat(BookshopHandler.MAX_BODY), "A", 2000);
        assertThat(client.send("POST", "/api/books", huge).status()).isEqualTo(413);
    }

    @Test
    void sameTitleAndAuthorConflicts() {
        client.loggedIn();
        var first = client.createBook("Dune", "Frank Herbert", 1965);
        var other = client.createBook("Emma", "Jane Austen", 1815);

        var duplicate = client.send("POST", "/api/books", TestClient.bookJson("DUNE", "frank herbert", 1984));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("id")).isEqualTo(first.get("id"));

        var renamedOnto = client.send(
                "PUT", "/api/books/" + other.get("id").asText(), TestClient.bookJson("Dune", "Frank Herbert", 1815));
        assertThat(renamedOnto.status()).isEqualTo(409);
        assertThat(client.createBook("Dune", "Brian Herbert", 1999).get("id")).isNotEqualTo(first.get("id"));
    }

    @Test
    void listingFiltersAndPages() {
        client.loggedIn();
        for (var i = 1; i <= 5; i++) {
            client.createBook("Discworld " + i, "Terry Pratchett", 1982 + i);
        }
        client.createBook("Emma", "Jane Austen", 1815);

        var all = client.get("/api/books").json();
        assertThat(all.get("total").asInt()).isEqualTo(6);
        assertThat(all.get("items")).hasSize(6);
        assertThat(all.get("items").get(0).get("title").asText()).isEqualTo("Discworld 1");

        var page =
                client.get("/api/books?author=terry+pratchett&limit=2&offset=2").json();
        assertThat(page.get("total").asInt()).isEqualTo(5);
        assertThat(page.get("offset").asInt()).isEqualTo(2);
        assertThat(page.get("limit").asInt()).isEqualTo(2);
        assertThat(page.get("items"))
                .extracting(book -> book.get("title").asText())
                .containsExactly("Discworld 3", "Discworld 4");
        assertThat(client.get("/api/books?offset=10").json().get("items")).isEmpty();

        var badLimit = client.get("/api/books?limit=0");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.json().get("field").asText()).isEqualTo("limit");
        assertThat(client.get("/api/books?offset=-1").json().get("field").asText())
                .isEqualTo("offset");
    }

    @Test
    void reviewsGetServerGeneratedNumericIds() {
        client.loggedIn();
        var id = client.createBook("Dune", "Frank Herbert", 1965).get("id").asText();
        var path = "/api/books/" + id + "/reviews";

        var first = client.send("POST", path, "{\"rating\":5,\"comment\":\"Spice!\"}");
        var second = client.send("POST", path, "{\"rating\":3}");

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("id").isIntegralNumber()).isTrue();
        assertThat(second.json().get("id").asLong())
                .isGreaterThan(first.json().get("id").asLong());
        assertThat(second.json().get("comment").isNull()).isTrue();
        var list = client.get(path).json();
        assertThat(list.get("total").asInt()).isEqualTo(2);
        assertThat(list.get("items").get(0).get("comment").asText()).isEqualTo("Spice!");

        assertThat(client.send("POST", path, "{\"rating\":6}")
                        .json()
                        .get("field")
                        .asText())
                .isEqualTo("rating");
        assertThat(client.send("POST", path, "{\"rating\":4,\"comment\":5}")
                        .json()
                        .get("field")
                        .asText())
                .isEqualTo("comment");
        var missing = "/api/books/" + UUID.randomUUID() + "/reviews";
        assertThat(client.send("POST", missing, "{\"rating\":4}").status()).isEqualTo(404);
        assertThat(client.get(missing).status()).isEqualTo(404);
    }

    @Test
    void unknownPathsAndMethodsAreReported() {
        client.loggedIn();

        var unknown = client.get("/api/authors");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("path").asText()).isEqualTo("/api/authors");
        assertThat(client.get("/api/books/x/y/z").status()).isEqualTo(404);

        var wrongMethod = client.delete("/api/books");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET, POST");
        assertThat(client.get("/api/login").header("Allow")).isEqualTo("POST");
    }
}
