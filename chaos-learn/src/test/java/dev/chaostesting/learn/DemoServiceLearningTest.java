package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.recording.Recording;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Records the bookshop demo through the real proxy and checks what is learned from it. */
@Timeout(120)
class DemoServiceLearningTest {
    @TempDir
    static Path dir;

    static BehaviourModel model;

    @BeforeAll
    static void recordAndLearn() throws Exception {
        var recordingDir = dir.resolve("recording");
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            DemoTraffic.Summary traffic;
            try (var interceptor =
                    Interceptor.onPort(service.port()).recordTo(recordingDir).start()) {
                traffic = DemoTraffic.run(URI.create("http://127.0.0.1:" + interceptor.port()));
                assertThat(interceptor.recording().awaitCount(traffic.requests(), Duration.ofSeconds(30)))
                        .as("every request recorded")
                        .isTrue();
            }
            assertThat(traffic.unexpected()).isEmpty();
        }
        model = BehaviourLearner.create().learn(Recording.open(recordingDir));
        if (Boolean.getBoolean("learn.dump")) {
            Files.writeString(Path.of("target/demo-model.json"), ModelJson.toJson(model));
            Files.writeString(Path.of("target/demo-openapi.yaml"), OpenApi.toYaml(model, "Bookshop"));
        }
    }

    @Test
    void endpoints_get_templates_with_named_parameters() {
        assertThat(model.endpoints())
                .extracting(Endpoint::key)
                .containsExactlyInAnyOrder(
                        "GET /health",
                        "POST /api/login",
                        "GET /api/books",
                        "POST /api/books",
                        "GET /api/books/{bookId}",
                        "PUT /api/books/{bookId}",
                        "PATCH /api/books/{bookId}",
                        "DELETE /api/books/{bookId}",
                        "GET /api/books/{bookId}/reviews",
                        "POST /api/books/{bookId}/reviews");
    }

    @Test
    void the_login_token_flows_into_every_authenticated_endpoint() {
        var tokenFlows = model.dataFlows().stream()
                .filter(f -> f.producer().equals("POST /api/login")
                        && f.producerLocation().equals("body:$.token"))
                .toList();
        assertThat(tokenFlows).allSatisfy(f -> {
            assertThat(f.consumerLocation()).isEqualTo("header:Authorization");
            assertThat(f.kind()).isEqualTo("token");
        });
        assertThat(tokenFlows)
                .extracting(DataFlow::consumer)
                .contains(
                        "GET /api/books",
                        "POST /api/books",
                        "GET /api/books/{bookId}",
                        "PUT /api/books/{bookId}",
                        "DELETE /api/books/{bookId}");
        var login = Traffic.endpoint(model, "POST", "/api/login");
        assertThat(login.response(200).dynamicAt("body:$.token").reasons()).containsExactly("token");
        assertThat(login.response(200).example().responseBody()).contains("<redacted:sha256:");
        assertThat(login.response(401)).isNotNull();
        assertThat(login.secretInputs()).containsExactly("body:$.password");
        assertThat(Traffic.endpoint(model, "GET", "/api/books").requestHeader("authorization"))
                .isEqualTo(new HeaderRule("authorization", true, java.util.List.of("Bearer")));
    }

    @Test
    void created_ids_flow_into_the_book_paths() {
        assertThat(model.dataFlows())
                .anySatisfy(f -> {
                    assertThat(f.producer()).isEqualTo("POST /api/books");
                    assertThat(f.producerLocation()).isEqualTo("body:$.id");
                    assertThat(f.consumer()).isEqualTo("GET /api/books/{bookId}");
                    assertThat(f.consumerLocation()).isEqualTo("path:bookId");
                })
                .anySatisfy(f -> {
                    assertThat(f.producerLocation()).isEqualTo("header:Location");
                    assertThat(f.consumer()).isEqualTo("GET /api/books/{bookId}");
                    assertThat(f.consumerLocation()).isEqualTo("path");
                });
    }

    @Test
    void the_book_life_cycle_is_create_read_update_delete_then_not_found() {
        var scenario = model.scenario("/api/books/{bookId}").orElseThrow();
        assertThat(scenario.instances()).isEqualTo(6);
        var create = new Scenario.Step("POST /api/books", 201);
        var read = new Scenario.Step("GET /api/books/{bookId}", 200);
        var update = new Scenario.Step("PUT /api/books/{bookId}", 200);
        var delete = new Scenario.Step("DELETE /api/books/{bookId}", 204);
        var gone = new Scenario.Step("GET /api/books/{bookId}", 404);
        assertThat(scenario.transitions())
                .anyMatch(t -> t.from().equals(create) && t.to().equals(read) && t.count() == 6)
                .anyMatch(t -> t.from().equals(read) && t.to().equals(update))
                .anyMatch(t -> t.from().equals(update) && t.to().equals(read))
                .anyMatch(t -> t.from().equals(delete) && t.to().equals(gone));
        assertThat(scenario.sequences()).anyMatch(s -> s.steps().equals(java.util.List.of(create, read, delete, gone)));
        assertThat(scenario.sequences()).allMatch(s -> s.steps().get(0).equals(create));
        assertThat(scenario.readBacks())
                .contains(
                        new Scenario.ReadBack(
                                "POST /api/books", "body:$.title", "GET /api/books/{bookId}", "body:$.title", 6),
                        new Scenario.ReadBack(
                                "PUT /api/books/{bookId}", "body:$.year", "GET /api/books/{bookId}", "body:$.year", 1));
    }

    @Test
    void book_schemas_and_dynamic_fields() {
        var create = Traffic.endpoint(model, "POST", "/api/books");
        assertThat(create.requestBody().required()).containsExactly("title", "author", "year");
        assertThat(create.requestBody().property("tags").items().type()).containsExactly("string");
        var created = create.response(201);
        var book = created.body();
        assertThat(book.required()).containsExactly("id", "title", "author", "year", "tags", "createdAt", "updatedAt");
        assertThat(book.property("id").format()).isEqualTo("uuid");
        assertThat(book.property("year").type()).containsExactly("integer");
        assertThat(book.property("createdAt").format()).isEqualTo("date-time");
        assertThat(created.dynamicAt("body:$.id").reasons()).contains("server-generated-id");
        assertThat(created.dynamicAt("body:$.createdAt").reasons()).contains("format:date-time");
        assertThat(created.dynamicAt("header:Location").reasons()).contains("server-generated-id");
        assertThat(created.dynamicAt("header:Date").reasons()).contains("header:date");
        assertThat(created.dynamicAt("body:$.title")).isNull();
        assertThat(created.dynamicAt("body:$.year")).isNull();
        assertThat(created.echoes()).contains(new Echo("body:$.title", "body:$.title"));

        var read = Traffic.endpoint(model, "GET", "/api/books/{bookId}");
        assertThat(read.parameter("bookId").schema().format()).isEqualTo("uuid");
        assertThat(read.response(200).echoes()).contains(new Echo("body:$.id", "path:bookId"));
        assertThat(read.response(404)).isNotNull();
        assertThat(read.latency().samples()).isEqualTo(8);
        assertThat(read.latency().p50Micros())
                .isPositive()
                .isLessThanOrEqualTo(read.latency().p99Micros());

        var list = Traffic.endpoint(model, "GET", "/api/books");
        assertThat(list.parameter("limit").schema().type()).containsExactly("integer");
        assertThat(list.parameter("limit").required()).isFalse();
        assertThat(list.response(200).dynamicAt("body:$.items[].id").reasons()).contains("server-generated-id");

        var review = Traffic.endpoint(model, "POST", "/api/books/{bookId}/reviews");
        assertThat(review.requestBody().property("comment").nullable()).isTrue();
        assertThat(Traffic.endpoint(model, "GET", "/health").response(200).dynamic())
                .extracting(DynamicField::location)
                .doesNotContain("body:$.status");
    }

    @Test
    void the_model_round_trips_and_exports_valid_openapi() throws Exception {
        var file = dir.resolve("model.json");
        ModelJson.write(model, file);
        assertThat(ModelJson.read(file)).isEqualTo(model);
        var result = OpenApiExportTest.validate(OpenApi.toYaml(model, "Bookshop"));
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI().getPaths()).containsKeys("/api/books/{bookId}", "/api/login");
    }
}
