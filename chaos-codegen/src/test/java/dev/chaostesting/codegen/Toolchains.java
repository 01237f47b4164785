package dev.chaostesting.codegen;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a generated project with its ecosystem's standard command. Builds are shared: one Python venv and one cargo
 * target directory under {@code target/}, Maven offline with the local repository. A missing toolchain skips the
 * calling test with the reason.
 */
final class Toolchains {
    static final Path WORK = Path.of("target", "codegen-toolchains").toAbsolutePath();
    private static Path venv;
    private static String venvFailure;

    private Toolchains() {}

    static Proc.Result run(String language, Path project, Map<String, String> env)
            throws IOException, InterruptedException {
        var environment = new HashMap<>(env);
        return switch (language) {
            case "python" ->
                Proc.run(
                        project,
                        environment,
                        Duration.ofMinutes(4),
                        List.of(
                                python().resolve("bin/python").toString(),
                                "-m",
                                "pytest",
                                "-q",
                                "-p",
                                "no:cacheprovider"));
            case "javascript" -> {
                require("node");
                require("npm");
                yield Proc.run(project, environment, Duration.ofMinutes(4), List.of("npm", "test"));
            }
            case "java" -> Proc.run(project, environment, Duration.ofMinutes(6), maven("-o", "-B", "-ntp", "test"));
            case "go" -> {
                require("go");
                environment.put("GOFLAGS", "-count=1");
                environment.put("GOTOOLCHAIN", "local");
                yield Proc.run(project, environment, Duration.ofMinutes(6), List.of("go", "test", "./..."));
            }
            case "rust" -> {
                require("cargo");
                environment.put("CARGO_TARGET_DIR", WORK.resolve("cargo-target").toString());
                yield Proc.run(project, environment, Duration.ofMinutes(15), List.of("cargo", "test", "-q"));
            }
            default -> throw new IllegalArgumentException(language);
        };
    }

    static void require(String exe) {
        assumeTrue(Proc.which(exe) != null, exe + " is not on the PATH: this language is not proven here");
    }

    static List<String> maven(String... args) {
        var cmd = new ArrayList<String>();
        var mvnw = findMvnw();
        if (mvnw != null) {
            cmd.add(mvnw.toString());
        } else {
            require("mvn");
            cmd.add("mvn");
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Path findMvnw() {
        var dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("mvnw"))) {
                return dir.resolve("mvnw");
            }
        }
        return null;
    }

    /** One venv per build, with pytest and requests from PyPI. */
    static synchronized Path python() throws IOException, InterruptedException {
        require("python3");
        if (venvFailure != null) {
            throw new IllegalStateException(venvFailure);
        }
        if (venv == null) {
            var dir = WORK.resolve("venv");
            Files.createDirectories(WORK);
            if (!Files.isExecutable(dir.resolve("bin/pytest"))) {
                var made = Proc.run(
                        WORK, Map.of(), Duration.ofMinutes(3), List.of("python3", "-m", "venv", dir.toString()));
                if (!made.ok()) {
                    venvFailure = "python3 -m venv failed: " + made.tail(2000);
                    throw new IllegalStateException(venvFailure);
                }
                var pip = Proc.run(
                        WORK,
                        Map.of(),
                        Duration.ofMinutes(5),
                        List.of(
                                dir.resolve("bin/python").toString(),
                                "-m",
                                "pip",
                                "install",
                                "-q",
                                "--disable-pip-version-check",
                                "pytest>=8,<10",
                                "requests>=2.31,<3"));
                if (!pip.ok()) {
                    venvFailure = "pip install pytest requests failed: " + pip.tail(2000);
                    throw new IllegalStateException(venvFailure);
                }
            }
            venv = dir;
        }
        return venv;
    }
}
