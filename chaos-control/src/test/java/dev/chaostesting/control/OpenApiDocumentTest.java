package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.control.internal.ControlApi;
import dev.chaostesting.control.internal.Interceptors;
import dev.chaostesting.testing.TcpServers;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OpenAPI document is valid, served, and describes exactly the routes the server answers. */
class OpenApiDocumentTest {

    static SwaggerParseResult parse(String document) {
        var options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(document, null, options);
    }

    private static Set<String> documented(SwaggerParseResult result) {
        var out = new TreeSet<String>();
        result.getOpenAPI().getPaths().forEach((path, item) -> {
            for (PathItem.HttpMethod method : item.readOperationsMap().keySet()) {
                out.add(method.name() + " " + path);
            }
        });
        return out;
    }

    @Test
    void the_served_document_is_valid_openapi_3_1() throws IOException {
        try (var server = ControlServer.start(ControlServer.Options.defaults().port(0))) {
            var answer = new Api(server).get("/openapi.json");
            assertThat(answer.status()).isEqualTo(200);
            var result = parse(answer.body());
            assertThat(result.getMessages()).isEmpty();
            assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
            assertThat(result.getOpenAPI().getComponents().getSchemas())
                    .containsKeys("FaultSpec", "Interceptor", "CreateInterceptor", "RecordingSummary", "Error");
            var faultSpec = (io.swagger.v3.oas.models.media.Schema<?>)
                    result.getOpenAPI().getComponents().getSchemas().get("FaultSpec");
            var faultTypes = (io.swagger.v3.oas.models.media.Schema<?>)
                    faultSpec.getProperties().get("type");
            Set<String> types =
                    faultTypes.getEnum().stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
            // Every type the core reads is documented (the document may already name the message-level type).
            assertThat(types).containsAll(dev.chaostesting.fault.FaultSpecs.types());
        }
    }

    @Test
    void the_validator_rejects_a_broken_document() throws IOException {
        try (var in = ControlServer.class.getResourceAsStream("/dev/chaostesting/control/openapi.json")) {
            var document = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(parse(document.replaceFirst("\"responses\"", "\"answers\""))
                            .getMessages())
                    .isNotEmpty();
        }
    }

    @Test
    void every_route_is_documented_and_every_documented_route_exists() throws IOException {
        String document;
        try (var in = ControlServer.class.getResourceAsStream("/dev/chaostesting/control/openapi.json")) {
            document = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        var routes = new ControlApi(new Interceptors(), null)
                .router().routes().stream()
                        .map(r -> r.method() + " " + r.template())
                        .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented(parse(document))).isEqualTo(routes);
    }

    /**
     * Asks the live server every documented operation, on an interceptor and a fault that exist: none may answer
     * "no such endpoint" or "method not allowed".
     */
    @Test
    void the_live_server_answers_every_documented_operation() throws IOException {
        try (var echo = TcpServers.echo();
                var server =
                        ControlServer.start(ControlServer.Options.defaults().port(0))) {
            var api = new Api(server);
            var operations = documented(parse(api.get("/openapi.json").body()));
            for (var operation : operations) {
                var id = api.create(Map.of("port", echo.port())).path("id").asText();
                var faultId = api.post("/v1/interceptors/" + id + "/faults", Map.of("type", "latency", "delay", "1ms"))
                        .json()
                        .path("id")
                        .asText();
                var method = operation.substring(0, operation.indexOf(' '));
                var path = operation
                        .substring(operation.indexOf(' ') + 1)
                        .replace("{id}", id)
                        .replace("{faultId}", faultId);
                var body = path.endsWith("/faults") ? "{\"type\": \"reset\"}" : "{\"port\": " + echo.port() + "}";
                var request = api.request(path)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                method.equals("POST")
                                        ? HttpRequest.BodyPublishers.ofString(body)
                                        : HttpRequest.BodyPublishers.noBody());
                var answer = api.send(request);
                assertThat(answer.status())
                        .as(operation + " -> " + answer.body())
                        .isBetween(200, 299);
            }
            // And an undocumented one is not answered.
            assertThat(api.get("/v1/interceptors/i1/recording/raw").status()).isEqualTo(404);
        }
    }
}
