package dev.chaostesting.learn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes and reads {@code model.json}: the {@link BehaviourModel} as JSON, led by {@code "format":
 * "chaos-testing-model"} and {@code "formatVersion"}. Readers accept their own version and older ones and refuse newer
 * ones; unknown fields are ignored so that additions within a version stay readable. The format is described in
 * docs/learning.md.
 */
public final class ModelJson {
    /** The value of the {@code format} field. */
    public static final String FORMAT = "chaos-testing-model";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ModelJson() {}

    /** The model as a JSON tree, {@code format} first. */
    public static ObjectNode toTree(BehaviourModel model) {
        var root = MAPPER.createObjectNode().put("format", FORMAT);
        root.setAll((ObjectNode) MAPPER.valueToTree(model));
        return root;
    }

    /** The model as indented JSON text. */
    public static String toJson(BehaviourModel model) {
        try {
            return MAPPER.writeValueAsString(toTree(model));
        } catch (IOException e) {
            throw new IllegalStateException("model is not serialisable: " + e.getMessage(), e);
        }
    }

    /** Writes the model to a file (UTF-8, replacing it). */
    public static void write(BehaviourModel model, Path file) throws IOException {
        Files.writeString(file, toJson(model) + "\n");
    }

    /** Reads a model file; fails with a one-line reason when it is not a model or its version is newer. */
    public static BehaviourModel read(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    /** Reads a model from a stream. */
    public static BehaviourModel read(InputStream in) throws IOException {
        return fromTree(MAPPER.readTree(in));
    }

    /** Reads a model from JSON text. */
    public static BehaviourModel fromJson(String json) throws IOException {
        return fromTree(MAPPER.readTree(json));
    }

    private static BehaviourModel fromTree(JsonNode root) throws IOException {
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new IOException("not a behaviour model: 'format' is not '" + FORMAT + "'");
        }
        int version = root.path("formatVersion").asInt(-1);
        if (version < 1) {
            throw new IOException("formatVersion: " + root.path("formatVersion") + " (expected: a positive number)");
        }
        if (version > BehaviourModel.FORMAT_VERSION) {
            throw new IOException("formatVersion: " + version + " (expected: <= " + BehaviourModel.FORMAT_VERSION
                    + "); upgrade chaos-testing to read this model");
        }
        return MAPPER.treeToValue(root, BehaviourModel.class);
    }
}
