package dev.chaostesting.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.replay.internal.RecordedTraffic;
import dev.chaostesting.replay.internal.Session;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordedTrafficTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Interaction http(
            int seq,
            String method,
            String target,
            Headers headers,
            String body,
            int status,
            String responseBody,
            Headers responseHeaders) {
        return Interaction.builder()
                .sequence(seq)
                .protocol("http")
                .direction(Direction.INBOUND)
                .connection("c1")
                .client("127.0.0.1:50000")
                .server("127.0.0.1:8080")
                .startedAt(T0.plusMillis(seq * 100L))
                .request(HttpRequest.builder()
                        .method(method)
                        .target(target)
                        .version("HTTP/1.1")
                        .headers(headers)
                        .body(Body.ofText(body))
                        .build())
                .response(HttpResponse.builder()
                        .status(status)
                        .reason("x")
                        .version("HTTP/1.1")
                        .headers(responseHeaders)
                        .body(Body.ofText(responseBody))
                        .build())
                .build();
    }

    private static List<Interaction> recording() {
        var list = new ArrayList<Interaction>();
        list.add(http(
                1,
                "POST",
                "/login",
                Headers.of("Host", "x", "Content-Type", "application/json", "Content-Length", "40"),
                "{\"username\":\"ann.lee\",\"password\":\"<redacted>\"}",
                200,
                "{\"token\":\"<redacted:sha256:0123456789ab>\"}",
                Headers.empty()));
        list.add(http(
                2,
                "POST",
                "/orders",
                Headers.of(
                        "Authorization",
                        "Bearer <redacted:sha256:0123456789ab>",
                        "Connection",
                        "keep-alive, X-Hop",
                        "X-Hop",
                        "1",
                        "Transfer-Encoding",
                        "chunked",
                        "X-Trace",
                        "t"),
                "{\"item\":\"a\"}",
                201,
                "{\"id\":41}",
                Headers.of("Location", "/orders/41")));
        list.add(http(
                3,
                "GET",
                "/orders/41?full=1",
                Headers.of("Authorization", "Bearer <redacted:sha256:0123456789ab>"),
                "",
                200,
                "{\"id\":41}",
                Headers.empty()));
        list.add(http(
                4, "GET", "/reports", Headers.of("Authorization", "Basic <redacted>"), "", 200, "[]", Headers.empty()));
        list.add(Interaction.builder()
                .sequence(5)
                .protocol("tcp")
                .direction(Direction.OUTBOUND)
                .connection("c2")
                .client("127.0.0.1:50001")
                .server("127.0.0.1:15432")
                .startedAt(T0.plusMillis(150))
                .attribute("dependency", "127.0.0.1:5432")
                .build());
        return list;
    }

    @Test
    void inbound_requests_are_replayed_in_order_without_hop_by_hop_headers_and_dependencies_are_named() {
        var traffic = RecordedTraffic.of(recording());
        assertThat(traffic.dependencies()).containsExactly("127.0.0.1:5432");
        assertThat(traffic.requests())
                .extracting(r -> r.method() + " " + r.target())
                .containsExactly("POST /login", "POST /orders", "GET /orders/41?full=1", "GET /reports");
        assertThat(traffic.requests().get(1).headers())
                .extracting(Map.Entry::getKey)
                .containsExactly("Authorization", "X-Trace");
        assertThat(traffic.requests().get(0).headers())
                .extracting(Map.Entry::getKey)
                .containsExactly("Content-Type");
        assertThat(traffic.requests().get(2).endpoint()).isEqualTo("GET /orders/{orderId}");
        assertThat(traffic.requests().get(2).offsetNanos()).isEqualTo(200_000_000L);
    }

    @Test
    void a_login_is_replayed_with_the_password_from_the_environment_and_its_fresh_token_and_ids_are_substituted() {
        var traffic = RecordedTraffic.of(recording());
        var session = new Session(traffic.requests(), Map.of("CHAOS_PASSWORD_ANN_LEE", "pw\"1"));
        var login = traffic.requests().get(0);
        assertThat(new String(session.body(login), StandardCharsets.UTF_8))
                .isEqualTo("{\"username\":\"ann.lee\",\"password\":\"pw\\\"1\"}");
        session.learn(login, 200, "{\"token\":\"fresh-token\"}", null);
        var create = traffic.requests().get(1);
        assertThat(session.header(create.headers().get(0).getValue())).isEqualTo("Bearer fresh-token");
        session.learn(create, 201, "{\"id\":97}", "/orders/97");
        var read = traffic.requests().get(2);
        assertThat(session.target(read)).isEqualTo("/orders/97?full=1");
        assertThat(session.dependsOn(read.index())).isEqualTo(1);
        assertThat(session.dependsOn(create.index())).isEqualTo(0);
        assertThat(session.notes())
                .singleElement()
                .satisfies(n -> assertThat(n).contains("GET /reports (1)").doesNotContain("/orders"));
        assertThat(Session.passwordVariable("ann.lee")).isEqualTo("CHAOS_PASSWORD_ANN_LEE");
    }

    @Test
    void without_the_password_every_request_using_the_login_token_is_named() {
        var traffic = RecordedTraffic.of(recording());
        var session = new Session(traffic.requests(), Map.of());
        assertThat(session.notes())
                .singleElement()
                .satisfies(n -> assertThat(n)
                        .contains("POST /orders (1)", "GET /orders/{orderId} (1)", "set CHAOS_PASSWORD_ANN_LEE"));
    }
}
