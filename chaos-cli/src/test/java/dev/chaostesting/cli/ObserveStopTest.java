package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.recording.Recording;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C and {@code kill} reach the JVM as the same shutdown: observe must leave a complete recording. */
class ObserveStopTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void a_terminated_observe_completes_its_recording() throws Exception {
        var rec = dir.resolve("rec");
        var log = dir.resolve("observe.log");
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            var process = new ProcessBuilder(List.of(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            Main.class.getName(),
                            "observe",
                            "--port=" + service.port(),
                            "--output=" + rec))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                var listening = Pattern.compile("point clients at 127\\.0\\.0\\.1:(\\d+)");
                int port = -1;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (port < 0 && process.isAlive() && System.nanoTime() < deadline) {
                    var m = listening.matcher(Files.readString(log));
                    if (m.find()) {
                        port = Integer.parseInt(m.group(1));
                    } else {
                        Thread.sleep(50);
                    }
                }
                assertThat(port)
                        .as("observe printed its port: %s", Files.readString(log))
                        .isPositive();
                var client = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                for (int i = 0; i < 3; i++) {
                    var response = client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                }
                process.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(Files.readString(log)).contains("recorded 3 interactions");
            } finally {
                process.destroyForcibly();
            }
        }
        var recording = Recording.open(rec);
        assertThat(recording.info().closedAt()).isNotNull();
        assertThat(recording.info().interactions()).isEqualTo(3);
        assertThat(recording.interactions())
                .extracting(i -> i.httpRequest().target())
                .containsOnly("/health");
    }
}
