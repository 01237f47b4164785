package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelJsonTest {

    static BehaviourModel sample() {
        var traffic = new Traffic();
        traffic.http("POST", "/login")
                .json("{\"user\":\"a\"}")
                .respond(200, "{\"token\":\"<redacted:sha256:0123456789ab>\",\"at\":\"2026-01-01T00:00:00Z\"}")
                .done();
        for (int i = 1; i <= 4; i++) {
            traffic.http("POST", "/books?dry=false")
                    .header("Authorization", "Bearer <redacted:sha256:0123456789ab>")
                    .json("{\"title\":\"t" + i + "\",\"tags\":[\"a\",null]}")
                    .responseHeader("Location", "/books/" + i)
                    .respond(201, "{\"id\":" + i + ",\"state\":\"NEW\",\"price\":1.5,\"tags\":[\"a\",null]}")
                    .done();
            traffic.http("GET", "/books/" + i)
                    .respond(200, "{\"id\":" + i + ",\"state\":\"NEW\"}")
                    .done();
        }
        traffic.http("DELETE", "/books/1").status(204).done();
        traffic.http("GET", "/books/1")
                .respond(404, "{\"error\":\"no such book\"}")
                .done();
        traffic.outbound("redis", 1_000_000_000L, java.util.Map.of("command", List.of("GET", "k:1")), "cache");
        return traffic.learn();
    }

    @Test
    void a_model_reads_back_equal_to_what_was_written(@TempDir Path dir) throws IOException {
        var model = sample();
        assertThat(model.endpoints()).isNotEmpty();
        assertThat(model.dataFlows()).isNotEmpty();
        assertThat(model.scenarios()).isNotEmpty();
        var file = dir.resolve("model.json");
        ModelJson.write(model, file);
        assertThat(ModelJson.read(file)).isEqualTo(model);
    }

    @Test
    void the_json_starts_with_format_and_version() {
        var json = ModelJson.toJson(sample());
        assertThat(json).startsWith("{\n  \"format\" : \"chaos-testing-model\",\n  \"formatVersion\" : 1,");
        assertThat(json).contains("\"enum\" : [ \"NEW\" ]");
    }

    @Test
    void a_newer_format_version_is_refused_with_advice() {
        var json = ModelJson.toJson(sample()).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99");
        assertThatThrownBy(() -> ModelJson.fromJson(json))
                .isInstanceOf(IOException.class)
                .hasMessage("formatVersion: 99 (expected: <= 1); upgrade chaos-testing to read this model");
    }

    @Test
    void something_else_is_refused() {
        assertThatThrownBy(() -> ModelJson.fromJson("{\"openapi\":\"3.1.0\"}"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a behaviour model");
    }

    @Test
    void unknown_fields_are_ignored() throws IOException {
        var model = sample();
        var json =
                ModelJson.toJson(model).replaceFirst("\"formatVersion\" : 1,", "\"formatVersion\" : 1, \"later\": 3,");
        assertThat(ModelJson.fromJson(json)).isEqualTo(model);
    }
}
