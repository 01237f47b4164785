package dev.chaostesting.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingFormatTest {

    @TempDir
    Path dir;

    @Test
    void interactions_of_every_kind_read_back_equal() throws IOException {
        var rec = dir.resolve("rec");
        try (var writer = RecordingWriter.create(rec, RecordingInfo.started("test", "127.0.0.1:1", Map.of("k", "v")))) {
            for (var i : SampleInteractions.all()) {
                writer.append(i);
            }
        }
        var recording = Recording.open(rec);
        assertThat(recording.interactions()).containsExactlyElementsOf(SampleInteractions.all());
        assertThat(recording.info().interactions()).isEqualTo(5);
        assertThat(recording.info().closedAt()).isNotNull();
        assertThat(recording.info().details()).containsEntry("k", "v");
        assertThat(recording.info().formatVersion()).isEqualTo(RecordingInfo.FORMAT_VERSION);
    }

    @Test
    void json_lines_have_the_documented_fields() throws IOException {
        var out = new ByteArrayOutputStream();
        assertThat(JsonLines.write(SampleInteractions.all().iterator(), out)).isEqualTo(5);
        var lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(5);
        var http = new ObjectMapper().readTree(lines[0]);
        for (var field : new String[] {
            "protocol",
            "direction",
            "connection",
            "client",
            "server",
            "startedAt",
            "durationMicros",
            "request",
            "response"
        }) {
            assertThat(http.has(field)).as(field).isTrue();
        }
        assertThat(http.at("/request/method").asText()).isEqualTo("POST");
        assertThat(http.at("/request/path").asText()).isEqualTo("/api/items?x=1&y=%C3%A9");
        assertThat(http.at("/request/headers/0/name").asText()).isEqualTo("Host");
        assertThat(http.at("/request/body/text").asText()).startsWith("{\"name\":\"caf\u00e9");
        assertThat(http.at("/response/status").asInt()).isEqualTo(201);
        assertThat(http.at("/response/body/base64").isTextual()).isTrue();
        assertThat(http.at("/response/body/truncated").asBoolean()).isTrue();
        assertThat(http.at("/response/body/size").asLong()).isEqualTo(5000);
        assertThat(http.at("/response/body/contentEncoding").asText()).isEqualTo("gzip");
        var pg = new ObjectMapper().readTree(lines[2]);
        assertThat(pg.at("/direction").asText()).isEqualTo("outbound");
        assertThat(pg.at("/request/sql").asText()).startsWith("SELECT");

        try (var read = JsonLines.read(new ByteArrayInputStream(out.toByteArray()), "test.jsonl")) {
            assertThat(read.toList()).containsExactlyElementsOf(SampleInteractions.all());
        }
    }

    @Test
    void a_last_line_cut_short_is_skipped_and_everything_before_it_reads() throws IOException {
        var rec = dir.resolve("rec");
        try (var writer = RecordingWriter.create(rec, RecordingInfo.started("test", "x", Map.of()))) {
            for (int i = 1; i <= 10; i++) {
                writer.append(SampleInteractions.numbered(i, "body " + i));
            }
        }
        var segment = Files.list(rec)
                .filter(p -> p.toString().endsWith(".jsonl"))
                .findFirst()
                .orElseThrow();
        var whole = Files.readString(segment);
        var lastLineStart = whole.lastIndexOf('\n', whole.length() - 2) + 1;
        Files.writeString(segment, whole.substring(0, lastLineStart + 40));
        assertThat(Recording.open(rec).interactions())
                .extracting(i -> i.sequence())
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void a_bad_line_in_the_middle_is_an_error_naming_the_line() throws IOException {
        var text = "{\"protocol\":\"tcp\"}\nnot json\n{\"protocol\":\"tcp\"}\n";
        try (var read = JsonLines.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "bad.jsonl")) {
            assertThatThrownBy(read::toList)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("bad.jsonl line 2");
        }
    }

    @Test
    void a_directory_that_holds_a_recording_is_not_overwritten() throws IOException {
        var rec = dir.resolve("rec");
        RecordingWriter.create(rec, RecordingInfo.started("test", "x", Map.of()))
                .close();
        assertThatThrownBy(() -> RecordingWriter.create(rec, RecordingInfo.started("test", "x", Map.of())))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("already holds a recording");
    }

    @Test
    void a_directory_without_a_manifest_is_not_a_recording() {
        assertThatThrownBy(() -> Recording.open(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not a recording");
    }

    @Test
    void a_newer_format_version_is_refused_with_advice() throws IOException {
        var rec = dir.resolve("rec");
        RecordingWriter.create(rec, RecordingInfo.started("test", "x", Map.of()))
                .close();
        var manifest = rec.resolve("recording.json");
        Files.writeString(
                manifest,
                Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"),
                StandardOpenOption.TRUNCATE_EXISTING);
        assertThatThrownBy(() -> Recording.open(rec))
                .hasMessageContaining("format version 99")
                .hasMessageContaining("upgrade");
    }
}
