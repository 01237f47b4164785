package dev.chaostesting.junit.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The same examples give the same outcomes on JUnit 5 (the build's own JUnit) and on JUnit 6: the second run loads the
 * test class path with JUnit 6 jars (copied to {@code target/junit6} by the build) in place of JUnit 5's, in a class
 * loader of its own.
 */
class JUnitVersionsTest {

    @Test
    void the_examples_run_on_junit_5() throws Exception {
        check(CompatRun.run(), "5.");
    }

    @Test
    void the_examples_run_on_junit_6() throws Exception {
        var junit6 = Path.of(System.getProperty("chaos.junit6.dir", "target/junit6"));
        assertThat(junit6.resolve("junit-jupiter-api-6.1.3.jar")).exists();
        var urls = new ArrayList<URL>();
        for (var entry : testClassPath()) {
            var unix = entry.toString().replace(File.separatorChar, '/');
            if (!unix.contains("/org/junit/") && !unix.contains("/org/apache/maven/surefire/")) {
                urls.add(entry.toUri().toURL());
            }
        }
        try (var jars = Files.list(junit6)) {
            for (var jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        var thread = Thread.currentThread();
        var previous = thread.getContextClassLoader();
        try (var loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            thread.setContextClassLoader(loader);
            var runner = Class.forName(CompatRun.class.getName(), true, loader);
            assertThat(runner).isNotSameAs(CompatRun.class);
            @SuppressWarnings("unchecked")
            var result = (Map<String, String>) runner.getMethod("run").invoke(null);
            check(result, "6.");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void check(Map<String, String> result, String major) {
        assertThat(result.get("jupiter")).as("JUnit Jupiter version").startsWith(major);
        assertThat(result)
                .containsEntry("slow", "SUCCESSFUL")
                .containsEntry("clean", "SUCCESSFUL")
                .containsEntry("perTest", "SUCCESSFUL")
                .containsEntry("ports", "2 seen, busy after the run: []");
        assertThat(result.get("failing"))
                .startsWith("FAILED: ")
                .contains("to hold 2 interactions but it holds 1")
                .contains("#2 tcp 4 B -> 4 B");
        assertThat(result.get("skippedWithoutEpoll"))
                .isEqualTo(
                        "ABORTED: interceptor echo: transparent mode needs the native epoll transport (Linux, without"
                                + " -Dchaos.transport=nio) to read SO_ORIGINAL_DST: use the proxy mode here");
    }

    /** The test class path; surefire may pass it through the manifest of a booter jar. */
    private static List<Path> testClassPath() throws IOException {
        var out = new ArrayList<Path>();
        for (var entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            var path = Path.of(entry);
            if (path.getFileName().toString().startsWith("surefirebooter")) {
                try (var jar = new JarFile(path.toFile())) {
                    var classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (var url : Stream.of(classPath.split(" "))
                            .filter(s -> !s.isBlank())
                            .toList()) {
                        out.add(Path.of(java.net.URI.create(url)));
                    }
                }
            } else {
                out.add(path);
            }
        }
        return out;
    }
}
