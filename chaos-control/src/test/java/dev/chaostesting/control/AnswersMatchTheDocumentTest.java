package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real answers of every operation, successes and errors, validated against the schemas of the OpenAPI document with a
 * JSON Schema 2020-12 validator: what client generators read from the document is what the server sends.
 */
class AnswersMatchTheDocumentTest {

    private JsonNode document;
    private DemoService demo;
    private TcpServers.Server echo;
    private ControlServer server;
    private Api api;

    @BeforeEach
    void start() throws IOException {
        demo = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        echo = TcpServers.echo();
        server = ControlServer.start(ControlServer.Options.defaults().port(0));
        api = new Api(server);
        document = api.get("/openapi.json").json();
    }

    @AfterEach
    void stop() {
        server.close();
        echo.close();
        demo.close();
    }

    @Test
    void every_answer_matches_its_schema() throws Exception {
        check("GET", "/v1/health", api.get("/v1/health"), 200);
        var created = api.post(
                "/v1/interceptors",
                Map.of(
                        "port",
                        demo.port(),
                        "protocol",
                        "http",
                        "faults",
                        List.of(Map.of("type", "latency", "delay", "1ms", "schedule", Map.of("during", "1h")))));
        check("POST", "/v1/interceptors", created, 201);
        var id = created.json().path("id").asText();
        var base = "/v1/interceptors/" + id;
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var proxy = URI.create("http://" + created.json().path("address").asText());
        for (var path : List.of("/health", "/api/books", "/nothing")) {
            http.send(
                    HttpRequest.newBuilder(proxy.resolve(path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        var tcp = api.create(Map.of("port", echo.port(), "record", false));

        check("GET", "/v1/interceptors", api.get("/v1/interceptors"), 200);
        check("GET", "/v1/interceptors/{id}", api.get(base), 200);
        check("GET", "/v1/interceptors/{id}/stats", api.get(base + "/stats"), 200);
        var one = api.post(base + "/faults", Map.of("type", "reset", "target", "inbound", "per", "chunk"));
        check("POST", "/v1/interceptors/{id}/faults", one, 201);
        var many = api.post(
                base + "/faults", List.of(Map.of("type", "bandwidth", "rate", "10kB"), Map.of("type", "down")));
        check("POST", "/v1/interceptors/{id}/faults", many, 201);
        check("GET", "/v1/interceptors/{id}/faults", api.get(base + "/faults"), 200);
        var faultId = one.json().path("id").asText();
        check("GET", "/v1/interceptors/{id}/faults/{faultId}", api.get(base + "/faults/" + faultId), 200);
        check("DELETE", "/v1/interceptors/{id}/faults/{faultId}", api.delete(base + "/faults/" + faultId), 200);
        check("DELETE", "/v1/interceptors/{id}/faults", api.delete(base + "/faults"), 200);

        var recording = api.get(base + "/recording?min=3");
        assertThat(recording.status()).isEqualTo(200);
        var lines = recording.body().lines().toList();
        assertThat(lines).hasSize(3);
        var interaction = schema(document.at("/paths/~1v1~1interceptors~1{id}~1recording/get/responses/200/content")
                .path("application/x-ndjson")
                .path("schema"));
        for (var line : lines) {
            assertValid(interaction, Api.JSON.readTree(line), "recording line");
        }
        check("GET", "/v1/interceptors/{id}/recording/summary", api.get(base + "/recording/summary"), 200);
        check("GET", "/v1/interceptors/{id}/recording/summary", api.get(base + "/recording/summary?since=99"), 200);
        check("DELETE", "/v1/interceptors/{id}", api.delete(base), 200);

        // Errors, each with its documented status.
        check("GET", "/v1/interceptors/{id}", api.get(base), 404);
        check("POST", "/v1/interceptors", api.post("/v1/interceptors", Map.of("port", 0)), 400);
        check(
                "POST",
                "/v1/interceptors/{id}/faults",
                api.post("/v1/interceptors/" + tcp.path("id").asText() + "/faults", Map.of("type", "lag")),
                400);
        check(
                "GET",
                "/v1/interceptors/{id}/recording",
                api.get("/v1/interceptors/" + tcp.path("id").asText() + "/recording"),
                409);
        check(
                "POST",
                "/v1/interceptors",
                api.send(api.request("/v1/interceptors").POST(HttpRequest.BodyPublishers.ofString("{}"))),
                415);
    }

    @Test
    void the_check_catches_an_answer_that_differs_from_the_document() {
        var answer = api.create(Map.of("port", echo.port()));
        var schema = responseSchema("GET", "/v1/interceptors/{id}", 200);
        var broken = (ObjectNode) answer.deepCopy();
        broken.remove("address");
        broken.put("port", "not a number");
        var errors = validate(schema, broken);
        assertThat(errors).anyMatch(e -> e.contains("address")).anyMatch(e -> e.contains("port"));
    }

    private void check(String method, String template, Api.Answer answer, int status) {
        assertThat(answer.status())
                .as("%s %s: %s", method, template, answer.body())
                .isEqualTo(status);
        assertValid(responseSchema(method, template, status), answer.json(), method + " " + template + " " + status);
    }

    private static void assertValid(JsonNode schema, JsonNode value, String what) {
        assertThat(validate(schema, value)).as("%s: %s", what, value).isEmpty();
    }

    /** The schema of a documented answer, with its references resolved against the document's components. */
    private JsonNode responseSchema(String method, String template, int status) {
        var operation = document.path("paths").path(template).path(method.toLowerCase(java.util.Locale.ROOT));
        assertThat(operation.isMissingNode())
                .as("%s %s is documented", method, template)
                .isFalse();
        var response = operation.path("responses").path(Integer.toString(status));
        assertThat(response.isMissingNode())
                .as("%s %s documents status %d", method, template, status)
                .isFalse();
        if (response.has("$ref")) {
            response = document.at(response.path("$ref").asText().substring(1));
        }
        return schema(response.path("content").path("application/json").path("schema"));
    }

    /** A standalone JSON Schema: the document's component schemas become {@code $defs}. */
    private JsonNode schema(JsonNode schema) {
        try {
            var text = Api.JSON.writeValueAsString(Map.of(
                    "$schema",
                    "https://json-schema.org/draft/2020-12/schema",
                    "$defs",
                    document.path("components").path("schemas"),
                    "allOf",
                    List.of(schema)));
            return Api.JSON.readTree(text.replace("#/components/schemas/", "#/$defs/"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> validate(JsonNode schema, JsonNode value) {
        var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        return factory.getSchema(schema).validate(value).stream()
                .map(Object::toString)
                .toList();
    }
}
