package dev.chaostesting.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Tools that tests need from Debian (tcpdump today; servers later). When the tool is missing and the tests run as root
 * (CI does, on a fresh machine), it is installed with apt-get: this is how the project, not a person, installs what its
 * tests need. Otherwise the test is skipped with the reason, so the gap shows in the report.
 */
public final class DebianPackages {

    private static final Set<String> ready = new HashSet<>();

    private DebianPackages() {}

    /**
     * Makes sure {@code executable} is on the machine, installing {@code debianPackage} if needed, and that the test
     * runs as root when {@code needsRoot}; returns the executable's path or skips the test.
     */
    public static synchronized Path require(String executable, String debianPackage, boolean needsRoot) {
        boolean root = isRoot();
        if (needsRoot && !root) {
            Assumptions.assumeTrue(false, "not running as root: " + executable + " cannot do what this test needs");
        }
        var found = find(executable);
        if (found == null && !ready.contains(debianPackage)) {
            if (!root) {
                Assumptions.assumeTrue(false, executable + " is not installed (apt-get install " + debianPackage + ")");
            }
            if (!run("apt-get", "install", "-y", debianPackage)
                    && !(run("apt-get", "update") && run("apt-get", "install", "-y", debianPackage))) {
                Assumptions.assumeTrue(
                        false, executable + " is not installed and 'apt-get install -y " + debianPackage + "' failed");
            }
            System.out.println("installed " + debianPackage + " with apt-get for the tests");
            found = find(executable);
        }
        Assumptions.assumeTrue(found != null, executable + " is not on this machine");
        ready.add(debianPackage);
        return found;
    }

    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Path find(String executable) {
        var dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (var d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, executable))) {
                return Path.of(d, executable);
            }
        }
        return null;
    }

    private static boolean run(String... command) {
        try {
            var process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false; // no apt-get: not Debian
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
