package dev.chaostesting.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The operations of a user's OpenAPI document (3.0 or 3.1, JSON or YAML): its path templates and operationIds take
 * precedence over inferred ones when learning.
 *
 * @param operations every method and path template the document declares
 */
public record ApiSpec(List<Operation> operations) {
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    public ApiSpec {
        operations = List.copyOf(operations);
    }

    /**
     * One declared operation.
     *
     * @param method upper-case HTTP method
     * @param path the path template, e.g. {@code /books/{id}}
     * @param operationId the document's operationId, or an empty string when it has none
     */
    public record Operation(String method, String path, String operationId) {
        public Operation {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(operationId, "operationId");
        }
    }

    /** Reads a document; YAML unless the content starts with {@code {}. */
    public static ApiSpec read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** Parses a document's text (JSON or YAML). */
    public static ApiSpec parse(String text) throws IOException {
        var mapper = text.stripLeading().startsWith("{") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        var root = mapper.readTree(text);
        if (root == null || !root.isObject() || !(root.has("openapi") || root.has("swagger"))) {
            throw new IOException("not an OpenAPI document: no 'openapi' field at the top level");
        }
        var operations = new ArrayList<Operation>();
        var paths = root.path("paths");
        var names = paths.fieldNames();
        while (names.hasNext()) {
            var path = names.next();
            JsonNode item = paths.get(path);
            var methods = item.fieldNames();
            while (methods.hasNext()) {
                var method = methods.next();
                if (METHODS.contains(method.toLowerCase(Locale.ROOT))) {
                    var operationId = item.get(method).path("operationId").asText("");
                    operations.add(new Operation(method.toUpperCase(Locale.ROOT), path, operationId));
                }
            }
        }
        return new ApiSpec(operations);
    }
}
