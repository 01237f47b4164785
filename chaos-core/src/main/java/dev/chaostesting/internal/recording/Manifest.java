package dev.chaostesting.internal.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chaostesting.recording.RecordingInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;

/** Reads and writes {@code recording.json}. Writes are atomic (temporary file, then rename). */
public final class Manifest {

    public static final String FILE = "recording.json";
    static final String FORMAT = "chaos-testing-recording";

    private Manifest() {}

    public static void write(Path directory, RecordingInfo info) throws IOException {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("format", FORMAT);
        node.put("formatVersion", info.formatVersion());
        node.put("createdAt", info.createdAt().toString());
        node.put("createdBy", info.createdBy());
        node.put("source", info.source());
        node.put("target", info.target());
        if (info.closedAt() != null) {
            node.put("closedAt", info.closedAt().toString());
            node.put("interactions", info.interactions());
            node.put("dropped", info.dropped());
        }
        var details = node.putObject("details");
        info.details().forEach(details::put);
        var tmp = directory.resolve(FILE + ".tmp");
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        Files.move(tmp, directory.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static RecordingInfo read(Path directory) throws IOException {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(directory.resolve(FILE).toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new NoSuchFileException(directory + " is not a recording: it has no " + FILE);
        }
        if (node == null || !FORMAT.equals(node.path("format").asText())) {
            throw new IOException(directory.resolve(FILE) + " is not a chaos-testing recording manifest");
        }
        int version = node.path("formatVersion").asInt();
        if (version > RecordingInfo.FORMAT_VERSION) {
            throw new IOException("recording format version " + version + " is newer than this tool reads ("
                    + RecordingInfo.FORMAT_VERSION + "): upgrade chaos-testing");
        }
        var details = new LinkedHashMap<String, String>();
        node.path("details")
                .properties()
                .forEach(e -> details.put(e.getKey(), e.getValue().asText()));
        var closedAt = node.get("closedAt");
        return new RecordingInfo(
                version,
                Instant.parse(node.path("createdAt").asText(Instant.EPOCH.toString())),
                node.path("createdBy").asText(""),
                node.path("source").asText(""),
                node.path("target").asText(""),
                closedAt == null ? null : Instant.parse(closedAt.asText()),
                node.path("interactions").asLong(-1),
                node.path("dropped").asLong(0),
                details);
    }
}
