package dev.chaostesting.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordingDurabilityTest {

    @TempDir
    Path dir;

    private static Process child(String heap, String... args) throws IOException {
        var command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap,
                "-cp",
                System.getProperty("java.class.path"),
                RecordingChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static long lines(Path recording) throws IOException {
        long n = 0;
        for (var segment : Files.list(recording)
                .filter(p -> p.toString().endsWith(".jsonl"))
                .toList()) {
            n += Files.readString(segment).chars().filter(c -> c == '\n').count();
        }
        return n;
    }

    @Test
    void a_writer_killed_mid_write_leaves_everything_up_to_its_last_complete_record() throws Exception {
        var rec = dir.resolve("rec");
        var process = child("-Xmx128m", "write-forever", rec.toString(), "3000");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((!Files.isDirectory(rec) || lines(rec) < 500) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
            process.waitFor(10, TimeUnit.SECONDS);
        }
        long complete = lines(rec);
        assertThat(complete).isGreaterThanOrEqualTo(500);

        var recording = Recording.open(rec);
        assertThat(recording.info().closedAt())
                .as("the manifest says it was not closed")
                .isNull();
        var sequences =
                recording.interactions().stream().mapToLong(i -> i.sequence()).toArray();
        assertThat(sequences.length).isGreaterThanOrEqualTo((int) complete);
        for (int i = 0; i < sequences.length; i++) {
            assertThat(sequences[i]).isEqualTo(i + 1L);
        }
    }

    @Test
    void a_recording_larger_than_the_heap_is_read_streaming() throws Exception {
        var rec = dir.resolve("big");
        var body = "y".repeat(64 * 1024);
        int count = 4000; // about 550 MB of JSON: ten times the child's heap
        try (var writer = RecordingWriter.create(rec, RecordingInfo.started("test", "big", Map.of()))) {
            for (int i = 1; i <= count; i++) {
                writer.append(SampleInteractions.numbered(i, body));
            }
        }
        long onDisk = 0;
        for (var segment : Files.list(rec).toList()) {
            onDisk += Files.size(segment);
        }
        assertThat(onDisk).isGreaterThan(500L << 20);

        var process = child("-Xmx48m", "count", rec.toString());
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo(count + " " + (long) count * body.length());
    }
}
