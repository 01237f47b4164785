package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code learn}: a recording of the demo service becomes a model and an OpenAPI document. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LearnCommandTest {

    @TempDir
    Path dir;

    @Test
    void a_recording_becomes_model_json_and_openapi() throws Exception {
        var rec = dir.resolve("rec");
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                var proxy = Interceptor.onPort(service.port()).recordTo(rec).start()) {
            DemoTraffic.run(URI.create("http://127.0.0.1:" + proxy.port()));
        }
        var model = dir.resolve("model.json");
        var openapi = dir.resolve("api.yaml");
        var r = CliTest.run("learn", "--input=" + rec, "--output=" + model, "--export-openapi=" + openapi);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("learned ").contains("/api/books/{bookId}");
        assertThat(Files.readString(model))
                .containsPattern("\"format\" ?: ?\"chaos-testing-model\"")
                .contains("/api/books/{bookId}");
        assertThat(Files.readString(openapi)).startsWith("openapi: 3.1.0").contains("/api/books/{bookId}:");
    }

    @Test
    void a_missing_recording_is_one_line_and_exit_1() {
        var r = CliTest.run("learn", "--input=" + dir.resolve("nothing"), "--output=" + dir.resolve("m.json"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: no recording at ").doesNotContain("Exception");
    }
}
