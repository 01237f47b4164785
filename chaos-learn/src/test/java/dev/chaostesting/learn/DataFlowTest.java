package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DataFlowTest {
    private static final String TOKEN = "<redacted:sha256:0123456789ab>";

    @Test
    void a_token_fingerprint_from_a_login_response_flows_into_authorization_headers() {
        var traffic = new Traffic();
        traffic.http("POST", "/login")
                .json("{\"user\":\"a\",\"password\":\"<redacted>\"}")
                .respond(200, "{\"token\":\"" + TOKEN + "\"}")
                .done();
        traffic.http("GET", "/me")
                .header("Authorization", "Bearer " + TOKEN)
                .respond(200, "{}")
                .done();
        traffic.http("GET", "/me")
                .header("Authorization", "Bearer " + TOKEN)
                .respond(200, "{}")
                .done();
        assertThat(traffic.learn().dataFlows())
                .containsExactly(
                        new DataFlow("POST /login", "body:$.token", "GET /me", "header:Authorization", "token", 2));
    }

    @Test
    void a_session_cookie_flows_from_set_cookie_to_cookie() {
        var traffic = new Traffic();
        traffic.http("POST", "/session")
                .responseHeader("Set-Cookie", "sid=" + TOKEN + "; Path=/; HttpOnly")
                .status(204)
                .done();
        traffic.http("GET", "/cart")
                .header("Cookie", "theme=dark; sid=" + TOKEN)
                .respond(200, "{}")
                .done();
        assertThat(traffic.learn().dataFlows())
                .containsExactly(
                        new DataFlow("POST /session", "header:Set-Cookie", "GET /cart", "header:Cookie", "token", 1));
    }

    @Test
    void ids_flow_from_body_and_location_into_paths_and_bodies() {
        var traffic = new Traffic();
        traffic.http("POST", "/orders")
                .json("{\"item\":\"pen\"}")
                .responseHeader("Location", "http://127.0.0.1:8080/orders/501")
                .respond(201, "{\"id\":501}")
                .done();
        traffic.http("GET", "/orders/501").respond(200, "{\"id\":501}").done();
        traffic.http("POST", "/payments")
                .json("{\"orderId\":501}")
                .respond(201, "{}")
                .done();
        traffic.http("GET", "/orders/502").respond(404, "{}").done();
        var flows = traffic.learn().dataFlows();
        assertThat(flows)
                .contains(
                        new DataFlow("POST /orders", "body:$.id", "GET /orders/{orderId}", "path:orderId", "id", 1),
                        new DataFlow("POST /orders", "header:Location", "GET /orders/{orderId}", "path", "id", 1),
                        new DataFlow("POST /orders", "body:$.id", "POST /payments", "body:$.orderId", "id", 1));
        assertThat(flows).noneMatch(f -> f.producer().startsWith("GET"));
    }

    @Test
    void a_request_that_started_before_the_value_was_produced_did_not_consume_it() {
        var traffic = new Traffic();
        traffic.http("POST", "/orders")
                .json("{}")
                .respond(201, "{\"id\":501}")
                .at(0)
                .duration(50_000)
                .done();
        traffic.http("GET", "/orders/501")
                .respond(200, "{}")
                .at(10_000)
                .duration(60_000)
                .done();
        traffic.http("GET", "/orders/502").respond(200, "{}").done();
        assertThat(traffic.learn().dataFlows()).isEmpty();
    }

    @Test
    void small_numbers_in_ordinary_fields_are_not_taken_for_flows() {
        var traffic = new Traffic();
        traffic.http("POST", "/reviews")
                .json("{\"rating\":5}")
                .respond(201, "{\"id\":4}")
                .done();
        traffic.http("POST", "/reviews")
                .json("{\"rating\":4}")
                .respond(201, "{\"id\":5}")
                .done();
        assertThat(traffic.learn().dataFlows()).isEmpty();
    }

    @Test
    void scenarios_follow_each_instance_from_its_creation() {
        var traffic = new Traffic();
        for (int id = 1; id <= 2; id++) {
            traffic.http("POST", "/books")
                    .json("{\"t\":\"x" + id + "\"}")
                    .respond(201, "{\"id\":" + id + "}")
                    .done();
            traffic.http("GET", "/books/" + id).respond(200, "{}").done();
            traffic.http("PUT", "/books/" + id)
                    .json("{\"t\":\"y\"}")
                    .respond(200, "{}")
                    .done();
            traffic.http("DELETE", "/books/" + id).status(204).done();
            traffic.http("GET", "/books/" + id).respond(404, "{}").done();
        }
        var scenario = traffic.learn().scenario("/books/{bookId}").orElseThrow();
        assertThat(scenario.instances()).isEqualTo(2);
        assertThat(scenario.sequences()).hasSize(1);
        assertThat(scenario.sequences().get(0).count()).isEqualTo(2);
        assertThat(scenario.sequences().get(0).steps())
                .containsExactly(
                        new Scenario.Step("POST /books", 201),
                        new Scenario.Step("GET /books/{bookId}", 200),
                        new Scenario.Step("PUT /books/{bookId}", 200),
                        new Scenario.Step("DELETE /books/{bookId}", 204),
                        new Scenario.Step("GET /books/{bookId}", 404));
        assertThat(scenario.transitions())
                .contains(new Scenario.Transition(
                        new Scenario.Step("DELETE /books/{bookId}", 204),
                        new Scenario.Step("GET /books/{bookId}", 404),
                        2));
    }

    @Test
    void values_a_write_stored_are_read_back_and_lost_writes_are_not_claimed() {
        var traffic = new Traffic();
        traffic.http("POST", "/books")
                .json("{\"title\":\"A\",\"year\":1969}")
                .respond(201, "{\"id\":1}")
                .done();
        traffic.http("GET", "/books/1")
                .respond(200, "{\"id\":1,\"title\":\"A\",\"year\":1969}")
                .done();
        traffic.http("PUT", "/books/1")
                .json("{\"title\":\"A\",\"year\":1970}")
                .respond(200, "{}")
                .done();
        traffic.http("GET", "/books/1")
                .respond(200, "{\"id\":1,\"title\":\"A\",\"year\":1970}")
                .done();
        traffic.http("POST", "/books")
                .json("{\"title\":\"B\",\"year\":2000}")
                .respond(201, "{\"id\":2}")
                .done();
        traffic.http("PUT", "/books/2")
                .json("{\"title\":\"B\",\"year\":2001}")
                .respond(200, "{}")
                .done();
        traffic.http("GET", "/books/2")
                .respond(200, "{\"id\":2,\"title\":\"B\",\"year\":2000}")
                .done();
        var scenario = traffic.learn().scenario("/books/{bookId}").orElseThrow();
        assertThat(scenario.readBacks())
                .containsExactlyInAnyOrder(
                        new Scenario.ReadBack("POST /books", "body:$.title", "GET /books/{bookId}", "body:$.title", 1),
                        new Scenario.ReadBack("POST /books", "body:$.year", "GET /books/{bookId}", "body:$.year", 1),
                        new Scenario.ReadBack(
                                "PUT /books/{bookId}", "body:$.title", "GET /books/{bookId}", "body:$.title", 2));
    }

    @Test
    void outbound_calls_are_attributed_to_the_only_request_in_flight() {
        var traffic = new Traffic();
        traffic.http("GET", "/users/1")
                .respond(200, "{}")
                .at(0)
                .duration(10_000)
                .done();
        traffic.outbound(
                "postgresql",
                2_000,
                java.util.Map.of(
                        "sql",
                        "SELECT * FROM users WHERE id = $1",
                        "statement",
                        java.util.Map.of(
                                "kind",
                                "select",
                                "tablesRead",
                                List.of("users"),
                                "tablesWritten",
                                List.of(),
                                "shape",
                                "SELECT * FROM users WHERE id = ?")),
                "users-db");
        traffic.outbound("redis", 3_000, java.util.Map.of("command", List.of("GET", "session:8f3a9c2d11")), "cache");
        traffic.outbound(
                "kafka",
                4_000,
                java.util.Map.of(
                        "apiKey",
                        "PRODUCE",
                        "topics",
                        List.of(java.util.Map.of("topic", "user-events", "partitions", 1))),
                "bus");
        traffic.outbound(
                "redis",
                4_500,
                java.util.Map.of(
                        "command",
                        List.of(
                                dev.chaostesting.model.Body.ofText("DEL"),
                                dev.chaostesting.model.Body.of(new byte[] {(byte) 0xff}))),
                "cache");
        traffic.outboundHttp(5_000, "GET", "/profiles/1?full=true");
        traffic.http("GET", "/users/2")
                .respond(200, "{}")
                .at(100_000)
                .duration(10_000)
                .done();
        traffic.outbound("redis", 102_000, java.util.Map.of("command", List.of("GET", "session:77aa00bb99")), "cache");
        traffic.outbound("redis", 500_000, java.util.Map.of("command", List.of("PING")), "cache");
        var endpoint = Traffic.endpoint(traffic.learn(), "GET", "/users/{userId}");
        assertThat(endpoint.dependencies())
                .containsExactly(
                        new Dependency("redis", "cache", "GET session:{id}", List.of(), 2, 0, 1.0),
                        new Dependency(
                                "postgresql",
                                "users-db",
                                "SELECT * FROM users WHERE id = ?",
                                List.of("users"),
                                1,
                                0,
                                1.0),
                        new Dependency("kafka", "bus", "PRODUCE user-events", List.of("user-events"), 1, 0, 1.0),
                        new Dependency("redis", "cache", "DEL", List.of(), 1, 0, 1.0),
                        new Dependency("http", "127.0.0.1:9090", "GET /profiles/{id}", List.of(), 1, 0, 1.0));
    }

    @Test
    void outbound_calls_during_concurrent_requests_are_ambiguous() {
        var traffic = new Traffic();
        traffic.http("GET", "/a").respond(200, "{}").at(0).duration(10_000).done();
        traffic.http("GET", "/b").respond(200, "{}").at(1_000).duration(10_000).done();
        traffic.outbound("postgresql", 5_000, java.util.Map.of("sql", "select 1 from t where x = 'y'"), "db");
        var model = traffic.learn();
        var expected = new Dependency("postgresql", "db", "select ? from t where x = ?", List.of(), 0, 1, 0.5);
        assertThat(Traffic.endpoint(model, "GET", "/a").dependencies()).containsExactly(expected);
        assertThat(Traffic.endpoint(model, "GET", "/b").dependencies()).containsExactly(expected);
    }
}
