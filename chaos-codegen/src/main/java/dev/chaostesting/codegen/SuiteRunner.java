package dev.chaostesting.codegen;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs a generated test project with its ecosystem's standard command ({@code mvn test}, {@code pytest}, {@code npm
 * test}, {@code go test ./...}, {@code cargo test}), for the demo and for {@code generate --run}. What the run needs
 * beyond the toolchain (Python's pytest and requests) is installed into a work directory of the caller's choosing.
 */
public final class SuiteRunner {

    /**
     * How a run ended.
     *
     * @param skipped why it was not run (a missing toolchain), or null when it ran
     * @param exitCode the command's exit code (0: every test passed), or -1 when skipped or timed out
     * @param output the end of what the command printed
     */
    public record Outcome(
            String language,
            @Nullable String skipped,
            int exitCode,
            String output,
            Duration took,
            List<String> command) {
        public boolean passed() {
            return skipped == null && exitCode == 0;
        }
    }

    private SuiteRunner() {}

    /** Which tests of a generated project to run. */
    public enum Selection {
        /** Every test. */
        ALL,
        /** Every test but the chaos tests. */
        FUNCTIONAL,
        /** Only the chaos tests (they drive the control API). */
        CHAOS
    }

    /** The tool a language's suite runs with, or null when it is on the PATH; else why it is not. */
    public static @Nullable String missingToolchain(String language) {
        return switch (language) {
            case "java" -> which("mvn") != null || findMvnw() != null ? null : "mvn is not on the PATH";
            case "python" -> which("python3") != null ? null : "python3 is not on the PATH";
            case "javascript" -> which("npm") != null && which("node") != null ? null : "node/npm are not on the PATH";
            case "go" -> which("go") != null ? null : "go is not on the PATH";
            case "rust" -> which("cargo") != null ? null : "cargo is not on the PATH";
            default -> "no runner for " + language;
        };
    }

    /**
     * Runs the suite in {@code project} with these environment variables (e.g. {@code CHAOS_BASE_URL}, passwords).
     *
     * @param work a directory for what runs need and keep between runs (a Python venv, cargo's build cache)
     */
    public static Outcome run(String language, Path project, Map<String, String> env, Path work, Duration timeout)
            throws IOException, InterruptedException {
        return run(language, project, env, work, timeout, Selection.ALL);
    }

    /**
     * Runs some of the tests in {@code project}: the chaos tests are selected with each ecosystem's own means (a
     * pytest marker, a JUnit tag, a test file, a test name, a test target), as the generated README shows.
     */
    public static Outcome run(
            String language, Path project, Map<String, String> env, Path work, Duration timeout, Selection selection)
            throws IOException, InterruptedException {
        var missing = missingToolchain(language);
        if (missing != null) {
            return new Outcome(language, missing, -1, "", Duration.ZERO, List.of());
        }
        // Commands run in the project's directory: a relative path given here (the venv's python, cargo's target
        // directory) would be read from there instead of from ours.
        project = project.toAbsolutePath();
        work = work.toAbsolutePath();
        var environment = new HashMap<>(env);
        List<String> command;
        switch (language) {
            case "java" -> {
                var mvnw = findMvnw();
                command = new ArrayList<>(List.of(mvnw != null ? mvnw.toString() : "mvn", "-B", "-q", "test"));
                switch (selection) {
                    case CHAOS -> command.add("-Dgroups=chaos");
                    case FUNCTIONAL -> command.add("-DexcludedGroups=chaos");
                    default -> {}
                }
            }
            case "python" -> {
                var venv = python(work, timeout);
                command = new ArrayList<>(
                        List.of(venv.resolve("bin/python").toString(), "-m", "pytest", "-q", "-p", "no:cacheprovider"));
                switch (selection) {
                    case CHAOS -> command.addAll(List.of("-m", "chaos"));
                    case FUNCTIONAL -> command.addAll(List.of("-m", "not chaos"));
                    default -> {}
                }
            }
            case "javascript" ->
                command = switch (selection) {
                    case CHAOS -> List.of("npm", "run", "test:chaos");
                    case FUNCTIONAL -> List.of("npm", "run", "test:functional");
                    default -> List.of("npm", "test");
                };
            case "go" -> {
                environment.merge("GOFLAGS", "-count=1", (given, count) -> given + " " + count);
                command = switch (selection) {
                    case CHAOS -> List.of("go", "test", "-run", "Chaos", "./...");
                    case FUNCTIONAL -> List.of("go", "test", "-skip", "Chaos", "./...");
                    default -> List.of("go", "test", "./...");
                };
            }
            case "rust" -> {
                environment.put("CARGO_TARGET_DIR", work.resolve("cargo-target").toString());
                command = switch (selection) {
                    case CHAOS -> List.of("cargo", "test", "-q", "--test", "chaos");
                    case FUNCTIONAL -> List.of("cargo", "test", "-q", "--test", "api");
                    default -> List.of("cargo", "test", "-q");
                };
            }
            default -> throw new IllegalArgumentException("language: " + language);
        }
        return exec(language, project, environment, timeout, command);
    }

    private static Outcome exec(
            String language, Path dir, Map<String, String> env, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        var log = Files.createTempFile("chaos-suite", ".log");
        long start = System.nanoTime();
        try {
            var pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            pb.environment().putAll(env);
            var p = pb.start();
            p.getOutputStream().close();
            int exit;
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                exit = -1;
            } else {
                exit = p.exitValue();
            }
            var output = Files.readString(log, StandardCharsets.UTF_8);
            if (exit == -1) {
                output = output + "\ntimed out after " + timeout.toSeconds() + " s";
            }
            return new Outcome(
                    language, null, exit, tail(output, 4000), Duration.ofNanos(System.nanoTime() - start), command);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** A venv with pytest and requests from PyPI, made once in {@code work}. */
    private static Path python(Path work, Duration timeout) throws IOException, InterruptedException {
        var venv = work.resolve("venv");
        if (Files.isExecutable(venv.resolve("bin/pytest"))) {
            return venv;
        }
        Files.createDirectories(work);
        var made = exec("python", work, Map.of(), timeout, List.of("python3", "-m", "venv", venv.toString()));
        if (!made.passed()) {
            throw new IOException("python3 -m venv failed: " + made.output());
        }
        var pip = exec(
                "python",
                work,
                Map.of(),
                timeout,
                List.of(
                        venv.resolve("bin/python").toString(),
                        "-m",
                        "pip",
                        "install",
                        "-q",
                        "--disable-pip-version-check",
                        "pytest>=8,<10",
                        "requests>=2.31,<3"));
        if (!pip.passed()) {
            throw new IOException("pip install pytest requests failed: " + pip.output());
        }
        return venv;
    }

    private static String tail(String s, int chars) {
        return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
    }

    private static @Nullable Path findMvnw() {
        var dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 6 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("mvnw"))) {
                return dir.resolve("mvnw");
            }
        }
        return null;
    }

    private static @Nullable Path which(String name) {
        var path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (var dir : path.split(File.pathSeparator)) {
            var candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The languages there is a generator for, in a stable order. */
    public static List<String> languages() {
        return new ArrayList<>(List.of("java", "python", "javascript", "go", "rust"));
    }
}
