package dev.chaostesting.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SuiteRunner} given relative paths, as the CLI passes them ({@code chaos-testing demo} writes under
 * {@code chaos-demo/} of the current directory): the suite runs in its project's directory, so the runner must not hand
 * it paths that only make sense from ours (the Python venv's interpreter, cargo's target directory).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SuiteRunnerPathsTest {

    @TempDir
    Path dir;

    private Path relative(Path p) {
        return Path.of("").toAbsolutePath().relativize(p.toAbsolutePath());
    }

    @Test
    void a_python_suite_runs_from_relative_project_and_work_directories() throws Exception {
        assumeTrue(SuiteRunner.missingToolchain("python") == null, () -> SuiteRunner.missingToolchain("python"));
        var project = Files.createDirectories(dir.resolve("suite/tests-python"));
        Files.writeString(project.resolve("test_paths.py"), "def test_runs():\n    assert 1 + 1 == 2\n");
        var work = dir.resolve("suite/.work");

        var outcome = SuiteRunner.run("python", relative(project), Map.of(), relative(work), Duration.ofMinutes(8));

        assertThat(outcome.passed()).as(outcome.output()).isTrue();
        assertThat(outcome.output()).contains("1 passed");
        assertThat(work.resolve("venv/bin/pytest")).isExecutable();
    }

    @Test
    void a_rust_suite_builds_into_the_work_directory_given_relative() throws Exception {
        assumeTrue(SuiteRunner.missingToolchain("rust") == null, () -> SuiteRunner.missingToolchain("rust"));
        var project = Files.createDirectories(deepEnough(dir.resolve("suite")).resolve("tests-rust"));
        Files.writeString(
                project.resolve("Cargo.toml"),
                "[package]\nname = \"paths\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("src/lib.rs"), "");
        Files.createDirectories(project.resolve("tests"));
        Files.writeString(project.resolve("tests/api.rs"), "#[test]\nfn runs() {\n    assert_eq!(1 + 1, 2);\n}\n");
        var work = dir.resolve("suite/.work");

        var outcome = SuiteRunner.run("rust", relative(project), Map.of(), relative(work), Duration.ofMinutes(8));

        assertThat(outcome.passed()).as(outcome.output()).isTrue();
        assertThat(work.resolve("cargo-target")).isDirectory();
        var misplaced = project.resolve(relative(work)).normalize();
        assertThat(misplaced).isNotEqualTo(work.toAbsolutePath().normalize());
        assertThat(misplaced).doesNotExist();
    }

    /**
     * A directory under {@code base} at least one level deeper than the current directory. The relative work path, if
     * wrongly resolved from a project there, then climbs to a directory other than the root and names a place distinct
     * from the real work directory: otherwise (a shallow temporary directory, a deep working directory) both resolve
     * to the same place and the mistake could not be seen.
     */
    private static Path deepEnough(Path base) {
        int cwdDepth = Path.of("").toAbsolutePath().normalize().getNameCount();
        var p = base.toAbsolutePath().normalize();
        while (p.getNameCount() <= cwdDepth) {
            p = p.resolve("d");
        }
        return p;
    }
}
