package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaInferenceTest {

    private static Schema responseSchema(String... bodies) {
        var traffic = new Traffic();
        for (var body : bodies) {
            traffic.http("GET", "/thing").respond(200, body).done();
        }
        return Traffic.endpoint(traffic.learn(), "GET", "/thing").response(200).body();
    }

    @Test
    void members_missing_from_some_samples_are_optional() {
        var schema = responseSchema("{\"a\":1,\"b\":\"x\"}", "{\"a\":2}");
        assertThat(schema.type()).containsExactly("object");
        assertThat(schema.required()).containsExactly("a");
        assertThat(schema.property("b").type()).containsExactly("string");
    }

    @Test
    void null_makes_a_member_nullable_and_integers_widen_to_numbers() {
        var schema = responseSchema("{\"c\":null,\"n\":1}", "{\"c\":\"x\",\"n\":1.5}");
        assertThat(schema.property("c").type()).containsExactly("string", "null");
        assertThat(schema.property("c").nullable()).isTrue();
        assertThat(schema.property("n").type()).containsExactly("number");
        assertThat(schema.required()).containsExactly("c", "n");
    }

    @Test
    void array_items_are_merged_over_all_elements() {
        var schema = responseSchema("{\"items\":[{\"id\":1},{\"id\":2,\"x\":true}]}", "{\"items\":[]}");
        var items = schema.property("items").items();
        assertThat(items.type()).containsExactly("object");
        assertThat(items.required()).containsExactly("id");
        assertThat(items.property("x").type()).containsExactly("boolean");
    }

    @Test
    void formats_are_kept_only_when_every_sample_matches() {
        var schema = responseSchema(
                "{\"t\":\"2026-01-01T10:00:00Z\",\"d\":\"2026-01-01\",\"u\":\"3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e\","
                        + "\"e\":\"a@example.com\",\"l\":\"https://example.com/x\",\"ip\":\"10.0.0.1\",\"m\":\"2026-01-01\"}",
                "{\"t\":\"2026-01-02T10:00:00.123+01:00\",\"d\":\"2026-02-03\",\"u\":\"7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\","
                        + "\"e\":\"b@example.org\",\"l\":\"http://127.0.0.1/\",\"ip\":\"127.0.0.1\",\"m\":\"soon\"}");
        assertThat(schema.property("t").format()).isEqualTo("date-time");
        assertThat(schema.property("d").format()).isEqualTo("date");
        assertThat(schema.property("u").format()).isEqualTo("uuid");
        assertThat(schema.property("e").format()).isEqualTo("email");
        assertThat(schema.property("l").format()).isEqualTo("uri");
        assertThat(schema.property("ip").format()).isEqualTo("ipv4");
        assertThat(schema.property("m").format()).isNull();
    }

    @Test
    void few_repeated_identifier_like_strings_are_an_enumeration() {
        var schema = responseSchema(
                "{\"s\":\"OPEN\"}",
                "{\"s\":\"CLOSED\"}",
                "{\"s\":\"OPEN\"}",
                "{\"s\":\"OPEN\"}",
                "{\"s\":\"CLOSED\"}",
                "{\"s\":\"CLOSED\"}");
        assertThat(schema.property("s").enumValues()).containsExactly("OPEN", "CLOSED");
    }

    @Test
    void no_enumeration_without_enough_samples_or_for_free_text() {
        assertThat(responseSchema("{\"s\":\"OPEN\"}", "{\"s\":\"CLOSED\"}")
                        .property("s")
                        .enumValues())
                .isNull();
        assertThat(responseSchema(
                                "{\"s\":\"Ursula K. Le Guin\"}",
                                "{\"s\":\"Ursula K. Le Guin\"}",
                                "{\"s\":\"Ursula K. Le Guin\"}",
                                "{\"s\":\"Ursula K. Le Guin\"}")
                        .property("s")
                        .enumValues())
                .isNull();
    }

    @Test
    void request_bodies_get_schemas_too() {
        var traffic = new Traffic();
        traffic.http("POST", "/things")
                .json("{\"name\":\"a\",\"n\":1}")
                .respond(201, "{}")
                .done();
        traffic.http("POST", "/things")
                .json("{\"name\":\"b\"}")
                .respond(201, "{}")
                .done();
        var endpoint = Traffic.endpoint(traffic.learn(), "POST", "/things");
        assertThat(endpoint.requestBody().required()).containsExactly("name");
        assertThat(endpoint.requestContentType()).isEqualTo("application/json");
    }
}
