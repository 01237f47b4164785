package dev.chaostesting.examples.backends;

import dev.chaostesting.examples.backends.ExampleBackend.Language;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Finds examples/backends and runs each backend's {@code build.sh} at most once per JVM. */
final class BackendBuilds {

    /** System property naming the examples/backends directory, for suites that run from another directory. */
    static final String DIRECTORY_PROPERTY = "chaostesting.examples.backends";

    private static final long BUILD_TIMEOUT_MINUTES = 15;
    private static final Map<Language, Object> RESULTS = new EnumMap<>(Language.class);

    private BackendBuilds() {}

    /** examples/backends: the system property, else the working directory or one of its parents that holds it. */
    static Path root() {
        var property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null) {
            return Path.of(property).toAbsolutePath();
        }
        for (var dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("python/app.py"))
                    && Files.isRegularFile(dir.resolve("rust/Cargo.toml"))) {
                return dir;
            }
            var nested = dir.resolve("examples/backends");
            if (Files.isRegularFile(nested.resolve("python/app.py"))) {
                return nested;
            }
        }
        throw new IllegalStateException(
                "examples/backends not found from " + Path.of("").toAbsolutePath() + "; set -D" + DIRECTORY_PROPERTY);
    }

    static Path logDirectory() throws IOException {
        return Files.createDirectories(root().resolve("target/backend-logs"));
    }

    /**
     * Builds the language's backend unless this JVM already did (a failure is remembered too) and returns its
     * directory. Skips the calling test when the toolchain is not on the PATH.
     */
    static Path build(Language language) throws IOException {
        Assumptions.assumeTrue(
                onPath(language.toolchain()),
                language.toolchain() + " is not on the PATH: the " + language + " backend cannot be built");
        synchronized (RESULTS) {
            var result = RESULTS.get(language);
            if (result == null) {
                try {
                    result = runBuild(language);
                } catch (IOException e) {
                    result = e;
                }
                RESULTS.put(language, result);
            }
            if (result instanceof IOException e) {
                throw new IOException(e.getMessage(), e);
            }
            return (Path) result;
        }
    }

    private static Path runBuild(Language language) throws IOException {
        var directory = root().resolve(language.directory());
        var log = logDirectory().resolve("build-" + language.directory() + ".log");
        long started = System.nanoTime();
        var process = new ProcessBuilder(
                        List.of("bash", directory.resolve("build.sh").toString()))
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Reaper.register(process);
        try {
            if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                throw new IOException(
                        language + " build.sh did not finish in " + BUILD_TIMEOUT_MINUTES + " min" + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building the " + language + " backend", e);
        } finally {
            Reaper.stop(process.toHandle());
        }
        if (process.exitValue() != 0) {
            throw new IOException(language + " build.sh failed with exit code " + process.exitValue() + tail(log));
        }
        System.out.printf("example backend %s built in %.1f s%n", language, (System.nanoTime() - started) / 1e9);
        return directory;
    }

    private static boolean onPath(String executable) {
        var path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (var dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }

    private static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n--- " + log + " ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }
}
