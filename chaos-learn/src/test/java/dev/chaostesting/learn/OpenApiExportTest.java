package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiExportTest {

    /** Parses and validates with swagger-parser, the reference OpenAPI parser. */
    static SwaggerParseResult validate(String document) {
        var options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(document, null, options);
    }

    @Test
    void the_export_is_a_valid_openapi_3_1_document_in_json_and_yaml() {
        var model = ModelJsonTest.sample();
        for (var document : new String[] {OpenApi.toJson(model, "Books"), OpenApi.toYaml(model, "Books")}) {
            var result = validate(document);
            assertThat(result.getMessages()).isEmpty();
            assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
            var get = result.getOpenAPI().getPaths().get("/books/{bookId}").getGet();
            assertThat(get.getOperationId()).isEqualTo("getBooksByBookId");
            assertThat(get.getParameters()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("bookId");
                assertThat(p.getIn()).isEqualTo("path");
                assertThat(p.getRequired()).isTrue();
            });
            assertThat(get.getResponses()).containsKeys("200", "404");
            var created = result.getOpenAPI().getPaths().get("/books").getPost();
            var schema = created.getResponses()
                    .get("201")
                    .getContent()
                    .get("application/json")
                    .getSchema();
            assertThat(schema.getProperties()).containsKeys("id", "state", "price", "tags");
            assertThat(created.getRequestBody().getContent()).containsKey("application/json");
            assertThat(created.getParameters()).extracting(p -> p.getName()).containsExactly("dry");
        }
    }

    @Test
    void the_validator_rejects_a_broken_document() {
        var broken = OpenApi.toJson(ModelJsonTest.sample(), "Books").replace("\"responses\"", "\"answers\"");
        assertThat(validate(broken).getMessages()).isNotEmpty();
    }

    @Test
    void schemas_use_json_schema_2020_12_types() {
        var schema = OpenApi.schema(new Schema(
                java.util.List.of("string", "null"), "date-time", null, null, null, java.util.List.of("A"), 3));
        assertThat(schema.toString())
                .isEqualTo("{\"type\":[\"string\",\"null\"],\"format\":\"date-time\",\"enum\":[\"A\",null]}");
    }

    @Test
    void write_chooses_yaml_by_file_name(@TempDir Path dir) throws Exception {
        var model = ModelJsonTest.sample();
        OpenApi.write(model, "Books", dir.resolve("api.yaml"));
        OpenApi.write(model, "Books", dir.resolve("api.json"));
        assertThat(Files.readString(dir.resolve("api.yaml"))).startsWith("openapi: 3.1.0");
        assertThat(Files.readString(dir.resolve("api.json"))).startsWith("{");
    }
}
