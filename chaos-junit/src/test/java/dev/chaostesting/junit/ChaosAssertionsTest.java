package dev.chaostesting.junit;

import static dev.chaostesting.junit.ChaosAssertions.assertThatInteractions;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosAssertionsTest {

    static Interaction http(long seq, String method, String target, int status) {
        return Interaction.builder()
                .sequence(seq)
                .protocol("http")
                .request(HttpRequest.builder().method(method).target(target).build())
                .response(HttpResponse.builder().status(status).build())
                .build();
    }

    static Interaction sql(long seq, String text) {
        return Interaction.builder()
                .sequence(seq)
                .protocol("postgresql")
                .direction(Direction.OUTBOUND)
                .request(StructuredMessage.of(Map.of("type", "query", "sql", text)))
                .response(StructuredMessage.of(Map.of("type", "result")))
                .build();
    }

    static final List<Interaction> MIXED = List.of(
            http(1, "GET", "/api/books?limit=5", 200),
            sql(2, "SELECT * FROM books"),
            http(3, "POST", "/api/books", 201),
            sql(4, "INSERT INTO books VALUES ($1)"),
            Interaction.builder()
                    .sequence(5)
                    .protocol("tcp")
                    .error("connection reset by the server")
                    .build());

    @Test
    void counts_filters_and_sql_pass_when_they_hold() {
        assertThatInteractions(MIXED)
                .hasInteractions(5)
                .hasAtLeastInteractions(2)
                .hasErrorContaining("reset");
        assertThatInteractions(MIXED)
                .protocol("postgresql")
                .hasInteractions(2)
                .noErrors()
                .sqlStatements()
                .containsExactly("SELECT * FROM books", "INSERT INTO books VALUES ($1)");
        assertThatInteractions(MIXED)
                .direction(Direction.OUTBOUND)
                .requestField("type")
                .containsOnly("query");
        assertThatInteractions(MIXED)
                .httpRequests()
                .hasCount(2)
                .anyMatch("get", "/api/books")
                .anyMatch("POST", "/api/*")
                .noneMatch("GET", "/api")
                .containsInOrder("GET /api/books", "POST /api/books");
        assertThatInteractions(List.of()).isEmpty();
    }

    @Test
    void should_fail_listing_the_interactions_when_the_count_differs() {
        assertThatThrownBy(() -> assertThatInteractions(MIXED).protocol("http").hasInteractions(3))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(
                        "Expecting the http interactions of the interactions to hold 3 interactions but it holds 2:")
                .hasMessageContaining("#1 http GET /api/books?limit=5 -> 200")
                .hasMessageContaining("#3 http POST /api/books -> 201");
    }

    @Test
    void should_fail_naming_the_interactions_with_errors() {
        assertThatThrownBy(() -> assertThatInteractions(MIXED).noErrors())
                .hasMessageContaining("but 1 had one:")
                .hasMessageContaining("#5 tcp - -> no response  error: connection reset by the server");
    }

    @Test
    void should_fail_naming_the_request_missing_from_the_order() {
        assertThatThrownBy(() -> assertThatInteractions(MIXED)
                        .httpRequests()
                        .containsInOrder("POST /api/books", "GET /api/books"))
                .hasMessageContaining("but \"GET /api/books\" was not found after \"POST /api/books\"");
        assertThatThrownBy(() -> assertThatInteractions(MIXED)
                        .httpRequests()
                        .noServerErrors()
                        .anyHasStatus(503))
                .hasMessageContaining("Expecting a response with status 503");
        assertThatThrownBy(() -> assertThatInteractions(List.of(http(1, "GET", "/x", 502)))
                        .httpRequests()
                        .noServerErrors())
                .hasMessageContaining("#1 http GET /x -> 502");
    }

    @Test
    void should_fail_when_an_sql_statement_is_missing() {
        assertThatThrownBy(() -> assertThatInteractions(MIXED).sqlStatements().contains("DELETE FROM books"))
                .hasMessageContaining("SQL statements of the interactions")
                .hasMessageContaining("DELETE FROM books");
    }

    @Test
    void a_body_is_not_needed_to_describe_an_interaction() {
        var bytes = Interaction.builder()
                .sequence(9)
                .protocol("tcp")
                .request(new dev.chaostesting.model.TcpData(Body.ofText("abc")))
                .build();
        assertThatThrownBy(() -> assertThatInteractions(List.of(bytes)).isEmpty())
                .hasMessageContaining("#9 tcp 3 B -> no response");
    }
}
