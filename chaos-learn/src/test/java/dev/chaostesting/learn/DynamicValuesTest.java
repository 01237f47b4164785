package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DynamicValuesTest {

    @Test
    void timestamps_that_vary_are_dynamic_by_format() {
        var traffic = new Traffic();
        traffic.http("GET", "/clock")
                .respond(200, "{\"now\":\"2026-01-01T10:00:00Z\"}")
                .done();
        traffic.http("GET", "/clock")
                .respond(200, "{\"now\":\"2026-01-01T10:00:01Z\"}")
                .done();
        var response = Traffic.endpoint(traffic.learn(), "GET", "/clock").response(200);
        assertThat(response.dynamicAt("body:$.now").reasons())
                .contains("format:date-time", "differs-for-equal-requests");
    }

    @Test
    void a_value_constant_across_samples_is_not_dynamic_even_if_it_looks_like_a_timestamp() {
        var traffic = new Traffic();
        for (int i = 0; i < 3; i++) {
            traffic.http("GET", "/release")
                    .respond(200, "{\"name\":\"v1\",\"publishedAt\":\"2020-05-01T00:00:00Z\"}")
                    .done();
        }
        var response = Traffic.endpoint(traffic.learn(), "GET", "/release").response(200);
        assertThat(response.dynamic()).isEmpty();
    }

    @Test
    void values_that_change_only_after_a_write_are_not_differing_for_equal_requests() {
        var traffic = new Traffic();
        traffic.http("GET", "/counter").respond(200, "{\"n\":1}").done();
        traffic.http("POST", "/counter/increments").status(204).done();
        traffic.http("GET", "/counter").respond(200, "{\"n\":2}").done();
        var response = Traffic.endpoint(traffic.learn(), "GET", "/counter").response(200);
        assertThat(response.dynamicAt("body:$.n")).isNull();
    }

    @Test
    void equal_requests_with_different_answers_mark_the_field() {
        var traffic = new Traffic();
        traffic.http("GET", "/dice").respond(200, "{\"roll\":3,\"sides\":6}").done();
        traffic.http("GET", "/dice").respond(200, "{\"roll\":5,\"sides\":6}").done();
        var response = Traffic.endpoint(traffic.learn(), "GET", "/dice").response(200);
        assertThat(response.dynamicAt("body:$.roll").reasons()).containsExactly("differs-for-equal-requests");
        assertThat(response.dynamicAt("body:$.sides")).isNull();
    }

    @Test
    void ids_the_server_assigns_are_server_generated() {
        var traffic = new Traffic();
        traffic.http("POST", "/notes")
                .json("{\"text\":\"a\"}")
                .respond(201, "{\"id\":7,\"text\":\"a\"}")
                .done();
        traffic.http("POST", "/notes")
                .json("{\"text\":\"b\"}")
                .respond(201, "{\"id\":8,\"text\":\"b\"}")
                .done();
        var response = Traffic.endpoint(traffic.learn(), "POST", "/notes").response(201);
        assertThat(response.dynamicAt("body:$.id").reasons()).containsExactly("server-generated-id");
        assertThat(response.dynamicAt("body:$.text")).isNull();
    }

    @Test
    void values_copied_from_the_request_are_echoes_not_generated_ids() {
        var traffic = new Traffic();
        traffic.http("GET", "/notes/11")
                .respond(200, "{\"id\":11,\"text\":\"a\"}")
                .done();
        traffic.http("GET", "/notes/12")
                .respond(200, "{\"id\":12,\"text\":\"b\"}")
                .done();
        var response =
                Traffic.endpoint(traffic.learn(), "GET", "/notes/{noteId}").response(200);
        assertThat(response.dynamicAt("body:$.id")).isNull();
        assertThat(response.echoes()).containsExactly(new Echo("body:$.id", "path:noteId"));
    }

    @Test
    void headers_dynamic_by_nature_carry_their_reason() {
        var traffic = new Traffic();
        traffic.http("GET", "/x")
                .responseHeader("Date", "Thu, 01 Jan 2026 10:00:00 GMT")
                .responseHeader("ETag", "\"abc\"")
                .responseHeader("X-Request-Id", "r1")
                .responseHeader("Cache-Control", "no-store")
                .done();
        var response = Traffic.endpoint(traffic.learn(), "GET", "/x").response(200);
        assertThat(response.dynamicAt("header:Date").reasons()).containsExactly("header:date");
        assertThat(response.dynamicAt("header:ETag").reasons()).containsExactly("etag");
        assertThat(response.dynamicAt("header:X-Request-Id").reasons()).containsExactly("request-id");
        assertThat(response.dynamicAt("header:Cache-Control")).isNull();
        assertThat(response.headers()).contains(new HeaderRule("cache-control", true, java.util.List.of("no-store")));
    }

    @Test
    void redacted_tokens_are_dynamic_and_passwords_stay_redacted_in_examples() {
        var traffic = new Traffic();
        traffic.http("POST", "/login")
                .json("{\"user\":\"a\",\"password\":\"<redacted>\"}")
                .respond(200, "{\"token\":\"<redacted:sha256:0123456789ab>\"}")
                .done();
        var response = Traffic.endpoint(traffic.learn(), "POST", "/login").response(200);
        assertThat(response.dynamicAt("body:$.token").reasons()).containsExactly("token");
        assertThat(response.example().requestBody()).contains("\"password\":\"<redacted>\"");
        assertThat(Traffic.endpoint(traffic.learn(), "POST", "/login").secretInputs())
                .containsExactly("body:$.password");
    }

    @Test
    void query_parameters_and_headers_that_matter() {
        var traffic = new Traffic();
        traffic.http("GET", "/search?q=cats&limit=10")
                .header("Authorization", "Bearer <redacted:sha256:0123456789ab>")
                .header("User-Agent", "curl/8")
                .header("Accept", "application/json")
                .respond(200, "[]")
                .done();
        traffic.http("GET", "/search?q=dogs")
                .header("Authorization", "Bearer <redacted:sha256:ba9876543210>")
                .header("User-Agent", "curl/8")
                .respond(200, "[]")
                .done();
        traffic.http("GET", "/search?q=x").respond(401, "{}").done();
        var endpoint = Traffic.endpoint(traffic.learn(), "GET", "/search");
        assertThat(endpoint.parameter("q").required()).isTrue();
        assertThat(endpoint.parameter("q").schema().type()).containsExactly("string");
        assertThat(endpoint.parameter("limit").required()).isFalse();
        assertThat(endpoint.parameter("limit").schema().type()).containsExactly("integer");
        assertThat(endpoint.requestHeader("user-agent")).isNull();
        assertThat(endpoint.requestHeader("authorization"))
                .as("sent with every successful request; only the scheme is kept")
                .isEqualTo(new HeaderRule("authorization", true, java.util.List.of("Bearer")));
        assertThat(endpoint.requestHeader("accept").required()).isFalse();
    }

    @Test
    void latency_percentiles_by_nearest_rank() {
        var traffic = new Traffic();
        for (int i = 1; i <= 100; i++) {
            traffic.http("GET", "/slow").duration(i * 100L).done();
        }
        var latency = Traffic.endpoint(traffic.learn(), "GET", "/slow").latency();
        assertThat(latency).isEqualTo(new Latency(100, 5_000, 9_000, 9_900, 10_000));
    }
}
