package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API is language independent: a Python test (standard library only) and a Node test (built-in fetch) inject
 * faults, measure them on the wire and read the recording.
 */
class OtherLanguageClientsTest {

    @Test
    void a_python_test_drives_faults_and_reads_the_recording(@TempDir Path dir) throws Exception {
        assumeTrue(works("python3", "--version"), "python3 is not installed");
        run(dir, "python3", "python_client.py");
    }

    @Test
    void a_node_test_drives_faults_and_reads_the_recording(@TempDir Path dir) throws Exception {
        assumeTrue(
                works("node", "-e", "if (typeof fetch !== 'function') process.exit(1)"), "node 18+ is not installed");
        run(dir, "node", "node_client.mjs");
    }

    private static void run(Path dir, String interpreter, String name) throws Exception {
        var script = dir.resolve(name);
        try (var in = OtherLanguageClientsTest.class.getResourceAsStream(name)) {
            Files.write(script, in.readAllBytes());
        }
        try (var echo = TcpServers.echo();
                var server =
                        ControlServer.start(ControlServer.Options.defaults().port(0))) {
            var process = new ProcessBuilder(
                            interpreter, script.toString(), server.baseUri().toString(), Integer.toString(echo.port()))
                    .redirectErrorStream(true)
                    .start();
            var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output.strip().lines().toList()).as(output).last().isEqualTo("ok");
            assertThat(server.interceptorCount()).isZero();
        }
    }

    private static boolean works(String... command) {
        try {
            var p = new ProcessBuilder(List.of(command))
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
