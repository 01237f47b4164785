package dev.chaostesting.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a toolchain command with a time limit and keeps its output. */
final class Proc {
    record Result(int exit, String output, List<String> command) {
        boolean ok() {
            return exit == 0;
        }

        String tail(int chars) {
            return output.length() <= chars ? output : "..." + output.substring(output.length() - chars);
        }
    }

    private Proc() {}

    static Result run(Path dir, Map<String, String> env, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        var log = Files.createTempFile("codegen-proc", ".log");
        try {
            var pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            pb.environment().putAll(env);
            var p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeout + "\n" + read(log), command);
            }
            return new Result(p.exitValue(), read(log), command);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    /** The executable on the PATH, or null. */
    static Path which(String name) {
        var path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (var dir : path.split(java.io.File.pathSeparator)) {
            var candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
