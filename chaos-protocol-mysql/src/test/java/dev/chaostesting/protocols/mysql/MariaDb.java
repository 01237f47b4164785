package dev.chaostesting.protocols.mysql;

import dev.chaostesting.testing.DebianPackages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real MariaDB server from Debian for tests: its own data directory, socket and loopback port under a temporary
 * directory, root without a password over TCP, stopped by {@link #close()}.
 */
final class MariaDb implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final int port;

    private MariaDb(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Installs the packages when missing (as root), initialises a data directory and starts the server. */
    static MariaDb start(Path dir, String... extraOptions) throws Exception {
        var server = DebianPackages.require("mariadbd", "mariadb-server", true);
        DebianPackages.require("mariadb", "mariadb-client", true);
        var installDb = DebianPackages.require("mariadb-install-db", "mariadb-server", true);
        var data = dir.resolve("data");
        run(
                List.of(
                        installDb.toString(),
                        "--no-defaults",
                        "--datadir=" + data,
                        "--auth-root-authentication-method=normal",
                        "--user=root",
                        "--skip-test-db"),
                dir.resolve("install.log"));
        int port = freePort();
        var command = new ArrayList<>(List.of(
                server.toString(),
                "--no-defaults",
                "--datadir=" + data,
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mysqld.pid"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--user=root",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=16M",
                "--log-error=" + dir.resolve("error.log")));
        command.addAll(List.of(extraOptions));
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mariadbd.out").toFile())
                .start();
        var db = new MariaDb(process, dir, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!db.accepts()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                db.close();
                throw new IllegalStateException("mariadbd did not start: " + db.errorLog());
            }
            Thread.sleep(100);
        }
        return db;
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    /** Runs the mariadb command-line client on a port; returns what it printed (stdout and stderr) and its exit code. */
    CliResult cli(int port, String user, String password, String sql, String... options) throws Exception {
        var command = new ArrayList<>(List.of(
                "mariadb",
                "--no-defaults",
                "--protocol=TCP",
                "-h127.0.0.1",
                "-P" + port,
                "-u" + user,
                "--batch",
                "--skip-ssl",
                "--connect-timeout=20"));
        if (password != null) {
            command.add("-p" + password);
        }
        command.addAll(List.of(options));
        command.addAll(List.of("-e", sql));
        var p = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("mariadb client did not finish: " + out);
        }
        return new CliResult(p.exitValue(), out);
    }

    record CliResult(int exitCode, String output) {}

    String jdbcUrl(int port, String database, String options) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database + (options.isEmpty() ? "" : "?" + options);
    }

    private boolean accepts() {
        try (var s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(2000);
            return s.getInputStream().read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    private String errorLog() {
        try {
            var log = dir.resolve("error.log");
            var lines = Files.exists(log) ? Files.readAllLines(log) : List.<String>of();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void run(List<String> command, Path log) throws Exception {
        var p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " failed: " + Files.readString(log));
        }
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
