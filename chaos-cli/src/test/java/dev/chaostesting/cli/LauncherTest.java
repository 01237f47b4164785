package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./chaos-testing} launcher at the project's root: it builds the CLI when a build file or a module's main
 * source is newer than the jar, and not because of what the CLI itself writes under the checkout (the demo's {@code
 * chaos-demo/} holds generated Java suites with their own {@code pom.xml}). Run on a copy of the script in a scratch
 * tree, with a {@code mvnw} that only notes that it was called and a {@code java} that only says it started.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherTest {

    @TempDir
    Path root;

    private static final Path SCRIPT = Path.of(System.getProperty("basedir", "."))
            .toAbsolutePath()
            .getParent()
            .resolve("chaos-testing");

    private record Run(int exit, String out, String err) {
        boolean built() {
            return err.contains("building chaos-testing");
        }
    }

    @Test
    void builds_when_sources_change_and_not_for_what_the_demo_writes() throws Exception {
        Files.copy(SCRIPT, root.resolve("chaos-testing"));
        executable(root.resolve("chaos-testing"));
        var jar = root.resolve("chaos-cli/target/chaos-testing-cli.jar");
        script(root.resolve("mvnw"), "mkdir -p '" + jar.getParent() + "' && touch '" + jar + "'\n");
        var bin = Files.createDirectories(root.resolve("fake-bin"));
        script(bin.resolve("java"), "echo \"cli started: $*\"\n");
        var pom = write("pom.xml");
        var source = write("chaos-core/src/main/java/dev/chaostesting/X.java");

        var first = launch();
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.built()).isTrue();
        assertThat(first.out()).contains("cli started: -jar " + jar + " inspect");
        assertThat(launch().built()).as("nothing changed").isFalse();

        // What the demo and the generated suites leave under the checkout.
        write("chaos-demo/run-1/tests-java/pom.xml");
        write("chaos-demo/run-1/tests-java/src/main/java/Generated.java");
        write("examples/backends/node/node_modules/x/src/main/index.js");
        write("chaos-cli/target/classes/src/main/Y.java");
        write("examples/backends/python/.work/venv/src/main/z.py");
        assertThat(launch().built()).as("only output changed").isFalse();

        touch(source);
        assertThat(launch().built()).as("a main source changed").isTrue();
        assertThat(launch().built()).isFalse();
        write("chaos-core/src/test/java/dev/chaostesting/XTest.java");
        assertThat(launch().built())
                .as("a test source changed: not part of the CLI")
                .isFalse();
        touch(pom);
        assertThat(launch().built()).as("the build changed").isTrue();
        write("examples/demo-service/pom.xml");
        assertThat(launch().built()).as("a module's build changed").isTrue();
    }

    /**
     * kafka-clients (the Kafka codec's protocol classes) logs through SLF4J 1.7; without a binding on the class path
     * every command would start with SLF4J's three-line warning. Run in a JVM of its own: the warning goes to the
     * process's standard error when SLF4J first starts.
     */
    @Test
    void a_command_that_loads_every_codec_prints_no_slf4j_warning() throws Exception {
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var pcap = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "grpc", "shop-grpc.pcap");
        var pb = new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "import",
                "--input=" + pcap,
                "--output=" + root.resolve("rec"));
        var p = pb.start();
        p.getOutputStream().close();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(err).contains("imported 2 interactions").doesNotContain("SLF4J");
        assertThat(out).doesNotContain("SLF4J");
    }

    private Path write(String relative) throws IOException {
        var file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        touch(file);
        return file;
    }

    /** Newer than anything before: file times can be coarser than the steps of the test. */
    private static void touch(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(stamp++)));
    }

    private static long stamp = 10;

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body);
        executable(file);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run launch() throws Exception {
        // The jar the fake build made must look newer than the files touched before this run.
        var jar = root.resolve("chaos-cli/target/chaos-testing-cli.jar");
        var command = new ArrayList<>(List.of(root.resolve("chaos-testing").toString(), "inspect"));
        var pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("PATH", root.resolve("fake-bin") + File.pathSeparator + System.getenv("PATH"));
        var p = pb.start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        var err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (Files.exists(jar)) {
            touch(jar);
        }
        return new Run(p.exitValue(), out, err);
    }
}
