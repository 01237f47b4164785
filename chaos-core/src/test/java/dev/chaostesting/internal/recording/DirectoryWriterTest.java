package dev.chaostesting.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's segments hold exactly the generator's lines, split at the same places as before. */
class DirectoryWriterTest {

    @TempDir
    Path dir;

    @Test
    void segmentsHoldTheGeneratorsLinesAndRotateBySize() throws IOException {
        var interactions = new ArrayList<Interaction>();
        for (int i = 1; i <= 200; i++) {
            interactions.add(interaction(i, i % 7 == 0 ? "caf\u00e9" : "v" + i));
        }
        var recording = dir.resolve("rec");
        try (var writer = new DirectoryWriter(recording, RecordingInfo.started("test", "t", Map.of()), 4000)) {
            for (var interaction : interactions) {
                writer.append(interaction);
            }
            assertThat(writer.count()).isEqualTo(200);
        }

        var expected = new ByteArrayOutputStream();
        var generator = Json.lineGenerator(expected);
        var segments = new ArrayList<byte[]>();
        var current = new ByteArrayOutputStream();
        for (var interaction : interactions) {
            // The rule the writer has always followed: a new segment once the current one holds segmentBytes.
            if (current.size() >= 4000) {
                segments.add(current.toByteArray());
                current.reset();
            }
            expected.reset();
            InteractionJson.write(interaction, generator);
            generator.flush();
            expected.write('\n');
            current.write(expected.toByteArray());
        }
        segments.add(current.toByteArray());
        try (Stream<Path> files = Files.list(recording)) {
            var names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jsonl"))
                    .sorted()
                    .toList();
            assertThat(names).hasSize(segments.size());
            for (int k = 0; k < names.size(); k++) {
                assertThat(Files.readAllBytes(recording.resolve(names.get(k)))).isEqualTo(segments.get(k));
            }
        }
    }

    @Test
    void flushHandsEveryAppendedLineToTheFile() throws IOException {
        var recording = dir.resolve("flushed");
        try (var writer = new DirectoryWriter(recording, RecordingInfo.started("test", "t", Map.of()))) {
            writer.append(interaction(1, "a"));
            writer.append(interaction(2, "b"));
            writer.flush();

            var lines = Files.readAllLines(recording.resolve("interactions-000001.jsonl"));
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1)).startsWith("{\"sequence\":2,");
        }
    }

    private static Interaction interaction(long sequence, String value) {
        return Interaction.builder()
                .sequence(sequence)
                .protocol("http")
                .connection("c" + (sequence % 3))
                .client("127.0.0.1:4000" + (sequence % 3))
                .server("127.0.0.1:8080")
                .startedAt(Instant.ofEpochSecond(1_764_000_000L + sequence / 50, sequence * 1000))
                .request(HttpRequest.builder()
                        .method("GET")
                        .target("/items/" + sequence)
                        .headers(Headers.of("Host", "h", "X-Value", value))
                        .build())
                .response(HttpResponse.builder()
                        .headers(Headers.of("Content-Type", "text/plain", "Content-Length", "2"))
                        .body(Body.ofText("ok"))
                        .build())
                .build();
    }
}
