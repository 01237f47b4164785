package dev.chaostesting.learn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Exports a {@link BehaviourModel} as an OpenAPI 3.1 document: one operation per endpoint with its path and query
 * parameters, request body and responses per status, schemas in JSON Schema 2020-12. Dynamic values are listed per
 * response in the {@code x-chaos-dynamic} extension.
 */
public final class OpenApi {
    /** The OpenAPI version written. */
    public static final String VERSION = "3.1.0";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    /** The methods an OpenAPI path item can hold; endpoints with other methods are left out of the export. */
    private static final java.util.Set<String> METHODS =
            java.util.Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private OpenApi() {}

    /** The document as a JSON tree. */
    public static ObjectNode export(BehaviourModel model, String title) {
        var root = NODES.objectNode().put("openapi", VERSION);
        root.putObject("info")
                .put("title", title)
                .put("version", "0.0.0")
                .put(
                        "description",
                        "Learned by " + model.generatedBy() + " from " + model.interactions()
                                + " recorded interactions.");
        var paths = root.putObject("paths");
        var usedIds = new java.util.HashSet<String>();
        for (var endpoint : model.endpoints()) {
            var method = endpoint.method().toLowerCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                continue;
            }
            var path = pathKey(endpoint);
            var item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
            if (!item.has(method)) {
                item.set(method, operation(endpoint, usedIds));
            }
        }
        return root;
    }

    /**
     * The template as an OpenAPI path: braces that are not one of the endpoint's path parameters, and characters a path
     * may not hold, are percent-encoded.
     */
    private static String pathKey(Endpoint endpoint) {
        var out = new StringBuilder();
        var path = endpoint.path().startsWith("/") ? endpoint.path() : "/" + endpoint.path();
        for (var segment : path.substring(1).split("/", -1)) {
            out.append('/');
            boolean parameter = segment.length() > 2
                    && segment.startsWith("{")
                    && segment.endsWith("}")
                    && isPathParameter(endpoint, segment.substring(1, segment.length() - 1));
            if (parameter) {
                out.append(segment);
                continue;
            }
            for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if (b >= 0 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@%".indexOf(c) >= 0)) {
                    out.append(c);
                } else {
                    out.append('%').append(String.format("%02X", b & 0xff));
                }
            }
        }
        return out.toString();
    }

    /** The document as JSON text. */
    public static String toJson(BehaviourModel model, String title) {
        try {
            return JSON.writeValueAsString(export(model, title));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The document as YAML text. */
    public static String toYaml(BehaviourModel model, String title) {
        try {
            return YAML.writeValueAsString(export(model, title));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes YAML when the file name ends with {@code .yaml} or {@code .yml}, else JSON. */
    public static void write(BehaviourModel model, String title, Path file) throws IOException {
        var name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        Files.writeString(file, yaml ? toYaml(model, title) : toJson(model, title) + "\n");
    }

    private static ObjectNode operation(Endpoint endpoint, java.util.Set<String> usedIds) {
        var op = NODES.objectNode();
        var id = endpoint.operationId();
        for (int i = 2; !usedIds.add(id); i++) {
            id = endpoint.operationId() + i;
        }
        op.put("operationId", id);
        op.put("summary", endpoint.key() + " (" + endpoint.samples() + " recorded)");
        if (!endpoint.parameters().isEmpty()) {
            var parameters = op.putArray("parameters");
            for (var parameter : endpoint.parameters()) {
                var p = parameters
                        .addObject()
                        .put("name", parameter.name())
                        .put("in", parameter.in())
                        .put("required", parameter.in().equals("path") || parameter.required());
                p.set("schema", schema(parameter.schema()));
                if (!parameter.examples().isEmpty()) {
                    var example = parameter.examples().get(0);
                    var type = parameter.schema().type();
                    if (type.equals(List.of("integer")) && example.matches("-?\\d{1,18}")) {
                        p.put("example", Long.parseLong(example));
                    } else {
                        p.put("example", example);
                    }
                }
            }
        }
        if (endpoint.requestBody() != null) {
            var type = mediaType(endpoint.requestContentType());
            var content = op.putObject("requestBody").put("required", true).putObject("content");
            content.putObject(type).set("schema", schema(endpoint.requestBody()));
        }
        var responses = op.putObject("responses");
        for (var response : endpoint.responses()) {
            var r = responses
                    .putObject(String.valueOf(response.status()))
                    .put("description", "Seen " + response.count() + " times");
            var headers = NODES.objectNode();
            for (var header : response.headers()) {
                if (header.name().equals("content-type")) {
                    continue;
                }
                var h = headers.putObject(header.name());
                h.put("required", header.required());
                var schema = h.putObject("schema").put("type", "string");
                if (header.values().size() == 1 && header.required()) {
                    schema.put("example", header.values().get(0));
                }
            }
            if (!headers.isEmpty()) {
                r.set("headers", headers);
            }
            if (response.body() != null) {
                r.putObject("content")
                        .putObject(mediaType(response.contentType()))
                        .set("schema", schema(response.body()));
            }
            if (!response.dynamic().isEmpty()) {
                var dynamic = r.putObject("x-chaos-dynamic");
                for (var field : response.dynamic()) {
                    var reasons = dynamic.putArray(field.location());
                    field.reasons().forEach(reasons::add);
                }
            }
        }
        if (endpoint.responses().isEmpty()) {
            responses.putObject("default").put("description", "No response was recorded");
        }
        return op;
    }

    private static String mediaType(@org.jspecify.annotations.Nullable String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "application/json";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private static boolean isPathParameter(Endpoint endpoint, String name) {
        return endpoint.parameters().stream()
                .anyMatch(p -> p.in().equals("path") && p.name().equals(name));
    }

    /** JSON Schema 2020-12, as OpenAPI 3.1 uses it. */
    static ObjectNode schema(Schema schema) {
        var node = NODES.objectNode();
        var types = schema.type();
        if (types.size() == 1) {
            node.put("type", types.get(0));
        } else if (types.size() > 1) {
            var array = node.putArray("type");
            types.forEach(array::add);
        }
        if (schema.format() != null) {
            node.put("format", schema.format());
        }
        if (schema.properties() != null) {
            var properties = node.putObject("properties");
            schema.properties().forEach((name, member) -> properties.set(name, schema(member)));
            if (schema.required() != null && !schema.required().isEmpty()) {
                var required = node.putArray("required");
                schema.required().forEach(required::add);
            }
        }
        if (schema.items() != null) {
            node.set("items", schema(schema.items()));
        }
        if (schema.enumValues() != null) {
            ArrayNode values = node.putArray("enum");
            for (var value : schema.enumValues()) {
                values.addPOJO(value);
            }
            if (schema.nullable()) {
                values.addNull();
            }
        }
        return node;
    }
}
