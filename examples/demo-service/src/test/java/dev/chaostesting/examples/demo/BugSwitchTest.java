package dev.chaostesting.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BugSwitchTest {
    private static DemoService start(Bug bug) throws IOException {
        return DemoService.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DemoService.Options.defaults().bug(bug));
    }

    @Test
    void correctServiceIsTheBaseline() throws IOException {
        try (var service = start(Bug.NONE)) {
            var client = new TestClient(service.baseUri()).loggedIn();
            var created = client.send("POST", "/api/books", TestClient.bookJson("Dune", "Frank Herbert", 1965));
            var id = created.json().get("id").asText();

            assertThat(created.status()).isEqualTo(201);
            assertThat(client.get("/api/books/" + id).json().has("title")).isTrue();
            client.send("PUT", "/api/books/" + id, TestClient.bookJson("Dune", "Frank Herbert", 1966));
            assertThat(client.get("/api/books/" + id).json().get("year").asInt())
                    .isEqualTo(1966);
        }
    }

    @Test
    void wrongFieldRenamesTitleInSingleBookResponses() throws IOException {
        try (var service = start(Bug.WRONG_FIELD)) {
            var client = new TestClient(service.baseUri()).loggedIn();
            var id = client.createBook("Dune", "Frank Herbert", 1965).get("id").asText();

            var book = client.get("/api/books/" + id).json();

            assertThat(book.has("title")).isFalse();
            assertThat(book.get("name").asText()).isEqualTo("Dune");
            // Only the documented endpoint regresses; the listing still uses "title".
            assertThat(client.get("/api/books")
                            .json()
                            .get("items")
                            .get(0)
                            .get("title")
                            .asText())
                    .isEqualTo("Dune");
        }
    }

    @Test
    void wrongStatusAnswers200ToACreate() throws IOException {
        try (var service = start(Bug.WRONG_STATUS)) {
            var client = new TestClient(service.baseUri()).loggedIn();

            var created = client.send("POST", "/api/books", TestClient.bookJson("Dune", "Frank Herbert", 1965));

            assertThat(created.status()).isEqualTo(200);
            var id = created.json().get("id").asText();
            assertThat(created.header("Location")).isEqualTo("/api/books/" + id);
            assertThat(client.get("/api/books/" + id).status()).isEqualTo(200);
        }
    }

    @Test
    void lostWriteAcknowledgesAPutWithoutStoringIt() throws IOException {
        try (var service = start(Bug.LOST_WRITE)) {
            var client = new TestClient(service.baseUri()).loggedIn();
            var id = client.createBook("Dune", "Frank Herbert", 1965).get("id").asText();

            var put = client.send("PUT", "/api/books/" + id, TestClient.bookJson("Dune", "Frank Herbert", 1966));

            assertThat(put.status()).isEqualTo(200);
            assertThat(put.json().get("year").asInt()).isEqualTo(1966);
            assertThat(client.get("/api/books/" + id).json().get("year").asInt())
                    .isEqualTo(1965);
            // PATCH is not affected, which keeps the regression specific to one endpoint.
            client.send("PATCH", "/api/books/" + id, "{\"year\":1967}");
            assertThat(client.get("/api/books/" + id).json().get("year").asInt())
                    .isEqualTo(1967);
        }
    }

    @ParameterizedTest
    @CsvSource({"wrong_field, WRONG_FIELD", "WRONG_STATUS, WRONG_STATUS", "lost-write, LOST_WRITE", "' none ', NONE"})
    void bugIsParsedFromTheEnvironmentValue(String value, Bug expected) {
        assertThat(Bug.parse(value)).isEqualTo(expected);
        assertThat(DemoService.Options.fromEnvironment(Map.of("DEMO_BUG", value))
                        .bug())
                .isEqualTo(expected);
    }

    @Test
    void absentOrUnknownBugValues() {
        assertThat(Bug.parse(null)).isEqualTo(Bug.NONE);
        assertThat(Bug.parse("  ")).isEqualTo(Bug.NONE);
        assertThat(DemoService.Options.fromEnvironment(Map.of())).isEqualTo(DemoService.Options.defaults());
        assertThatThrownBy(() -> Bug.parse("off_by_one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrong_field, wrong_status, lost_write");
        assertThat(DemoService.Options.fromEnvironment(Map.of("DEMO_LATENCY_MS", "25"))
                        .latency())
                .isEqualTo(Duration.ofMillis(25));
        assertThatThrownBy(() -> DemoService.Options.fromEnvironment(Map.of("DEMO_LATENCY_MS", "soon")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
