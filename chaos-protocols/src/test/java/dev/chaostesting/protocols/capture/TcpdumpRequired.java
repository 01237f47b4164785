package dev.chaostesting.protocols.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests that capture live: makes sure tcpdump is there, installing it when running as root (CI runs as root on a
 * fresh machine, and this is how the project installs what its tests need); otherwise the test is skipped with the
 * reason.
 */
final class TcpdumpRequired {

    private static boolean checked;

    private TcpdumpRequired() {}

    static synchronized void check() {
        if (checked) {
            return;
        }
        if (!isRoot()) {
            Assumptions.assumeTrue(false, "not running as root: tcpdump cannot capture, live capture not tested");
        }
        if (!installed()) {
            if (!run("apt-get", "install", "-y", "tcpdump")
                    && !(run("apt-get", "update") && run("apt-get", "install", "-y", "tcpdump"))) {
                Assumptions.assumeTrue(false, "tcpdump is not installed and 'apt-get install -y tcpdump' failed");
            }
            System.out.println("installed tcpdump with apt-get for the live capture tests");
        }
        checked = true;
    }

    private static boolean installed() {
        for (var dir : List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, "tcpdump"))) {
                return true;
            }
        }
        return false;
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

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
