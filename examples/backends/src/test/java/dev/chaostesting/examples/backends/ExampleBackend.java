package dev.chaostesting.examples.backends;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One example backend running as a child process of this JVM, on a free loopback port, with its own database
 * (PostgreSQL) or its own Redis server, and a bug switch.
 *
 * <p>Each language is built once per JVM with its {@code build.sh} (which installs from the public registries and is
 * idempotent). PostgreSQL is one embedded server per JVM with a fresh database per backend; Redis is one
 * {@code redis-server} per backend. {@link #close()} stops the backend and its Redis; a JVM shutdown hook stops
 * whatever a failed test left running.
 *
 * <pre>{@code
 * try (var backend = ExampleBackend.start(Language.GO, Bug.NONE)) {
 *     var url = backend.baseUrl() + backend.language().resourcePath();
 *     ...
 * }
 * }</pre>
 */
public final class ExampleBackend implements AutoCloseable {

    /** The user every backend creates at start. */
    public static final String USERNAME = "admin";

    /** The password of {@link #USERNAME}. */
    public static final String PASSWORD = "admin-password";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** What a backend keeps its data in. */
    public enum Store {
        POSTGRESQL,
        REDIS
    }

    /** The four backends, with what a client needs to know to call them. */
    public enum Language {
        /** Flask + psycopg 3 on PostgreSQL: products with serial ids, unique {@code sku}, 422 on invalid input. */
        PYTHON("python", Store.POSTGRESQL, "python3", "/login", "/products", "PUT", 422),
        /** net/http + pgx on PostgreSQL: projects with UUID ids, unique {@code name}, JWT tokens, 400 on invalid input. */
        GO("go", Store.POSTGRESQL, "go", "/api/login", "/api/projects", "PUT", 400),
        /** axum + tokio on Redis: notes with serial ids, unique {@code slug}, 422 on invalid input. */
        RUST("rust", Store.REDIS, "cargo", "/login", "/notes", "PUT", 422),
        /** Express on Redis: customers with UUID ids, unique {@code email}, 400 on invalid input. */
        NODE("node", Store.REDIS, "npm", "/v1/auth/login", "/v1/customers", "PATCH", 400);

        private final String directory;
        private final Store store;
        private final String toolchain;
        private final String loginPath;
        private final String resourcePath;
        private final String updateMethod;
        private final int validationStatus;

        Language(
                String directory,
                Store store,
                String toolchain,
                String loginPath,
                String resourcePath,
                String updateMethod,
                int validationStatus) {
            this.directory = directory;
            this.store = store;
            this.toolchain = toolchain;
            this.loginPath = loginPath;
            this.resourcePath = resourcePath;
            this.updateMethod = updateMethod;
            this.validationStatus = validationStatus;
        }

        /** The backend's directory under examples/backends, e.g. {@code python}. */
        public String directory() {
            return directory;
        }

        /** Where the backend keeps its data. */
        public Store store() {
            return store;
        }

        /** The tool its build needs on the PATH. */
        public String toolchain() {
            return toolchain;
        }

        /** POST {@code {"username","password"}} here for {@code {"token": ...}}. */
        public String loginPath() {
            return loginPath;
        }

        /** The collection of the main resource (POST to create, GET to list, {@code /{id}} for one). */
        public String resourcePath() {
            return resourcePath;
        }

        /** The method that updates one resource: PUT or PATCH. */
        public String updateMethod() {
            return updateMethod;
        }

        /** The status of a validation error: 400 or 422. */
        public int validationStatus() {
            return validationStatus;
        }
    }

    /** The bug switch: environment variable {@code BUG}, identical in the four backends. */
    public enum Bug {
        /** No bug. */
        NONE(""),
        /** GET of one resource renames one field of its JSON. */
        WRONG_FIELD("wrong_field"),
        /** Create answers 200 instead of 201. */
        WRONG_STATUS("wrong_status"),
        /** Update answers 200 with the new values but does not store them. */
        LOST_WRITE("lost_write");

        private final String switchValue;

        Bug(String switchValue) {
            this.switchValue = switchValue;
        }

        /** The value of {@code BUG}; empty for {@link #NONE}. */
        public String switchValue() {
            return switchValue;
        }
    }

    private final Language language;
    private final Bug bug;
    private final Process process;
    private final int port;
    private final InetSocketAddress storeAddress;
    private final Path log;
    private final @Nullable String database;
    private final @Nullable RedisServer redis;

    private ExampleBackend(
            Language language,
            Bug bug,
            Process process,
            int port,
            InetSocketAddress storeAddress,
            Path log,
            @Nullable String database,
            @Nullable RedisServer redis) {
        this.language = language;
        this.bug = bug;
        this.process = process;
        this.port = port;
        this.storeAddress = storeAddress;
        this.log = log;
        this.database = database;
        this.redis = redis;
    }

    /**
     * Builds the backend if this JVM has not yet, starts its store and the backend, and returns once
     * {@code GET /health} answers 200. Skips the calling test (JUnit assumption) when the language's toolchain or
     * Redis cannot be had on this machine.
     *
     * @throws IOException when the build fails or the backend does not become ready; the message ends with its log
     */
    public static ExampleBackend start(Language language, Bug bug) throws IOException {
        var directory = BackendBuilds.build(language);
        int number = COUNTER.incrementAndGet();
        String database = null;
        RedisServer redis = null;
        InetSocketAddress storeAddress;
        var env = new java.util.HashMap<String, String>();
        try {
            if (language.store() == Store.POSTGRESQL) {
                database = SharedPostgres.createDatabase("example_" + language.directory() + "_" + number);
                storeAddress = SharedPostgres.address();
                env.put(
                        "DATABASE_URL",
                        "postgresql://postgres@127.0.0.1:" + storeAddress.getPort() + "/" + database
                                + "?sslmode=disable");
            } else {
                redis = RedisServer.start();
                storeAddress = redis.address();
                env.put("REDIS_URL", "redis://127.0.0.1:" + storeAddress.getPort() + "/0");
            }
            env.put("BUG", bug.switchValue());
            env.put("APP_USERNAME", USERNAME);
            env.put("APP_PASSWORD", PASSWORD);
            env.put("PYTHONUNBUFFERED", "1");
            var logs = BackendBuilds.logDirectory();
            IOException last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = freePort();
                var log = logs.resolve(language.directory() + "-" + number + "-" + attempt + ".log");
                env.put("PORT", Integer.toString(port));
                var builder = new ProcessBuilder(command(language, directory))
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                builder.environment().putAll(env);
                var process = builder.start();
                Reaper.register(process);
                var backend = new ExampleBackend(language, bug, process, port, storeAddress, log, database, redis);
                try {
                    backend.awaitHealthy(READY_TIMEOUT);
                    return backend;
                } catch (IOException e) {
                    backend.stopProcess();
                    last = e;
                    var text = Files.readString(log, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                    if (!text.contains("in use")) {
                        break; // not a port race: retrying would not help
                    }
                }
            }
            throw java.util.Objects.requireNonNull(last);
        } catch (IOException | RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            throw e;
        }
    }

    private static List<String> command(Language language, Path directory) {
        return switch (language) {
            case PYTHON ->
                List.of(
                        directory.resolve(".venv/bin/python").toString(),
                        directory.resolve("app.py").toString());
            case GO -> List.of(directory.resolve("bin/projects-service").toString());
            case RUST -> List.of(directory.resolve("target/debug/notes-service").toString());
            case NODE -> List.of("node", directory.resolve("server.js").toString());
        };
    }

    /** The backend's language. */
    public Language language() {
        return language;
    }

    /** The bug switch it runs with. */
    public Bug bug() {
        return bug;
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The loopback port it listens on. */
    public int port() {
        return port;
    }

    /** The pid of the backend process itself (not of a wrapper script). */
    public long pid() {
        return process.pid();
    }

    /** Where its PostgreSQL or Redis listens: what a capture names its {@code dependency}. */
    public InetSocketAddress storeAddress() {
        return storeAddress;
    }

    /** Its PostgreSQL database name, or null for a Redis backend. */
    public @Nullable String database() {
        return database;
    }

    /** The file its standard output and error go to. */
    public Path log() {
        return log;
    }

    /**
     * Closes, from the server side, every connection the backend has to its store (PostgreSQL: its server processes
     * get SIGTERM, as {@code pg_terminate_backend} does; Redis: {@code CLIENT KILL} over a unix socket), then waits
     * until {@code GET /health} answers 200 again. The backend opens new connections, so a capture started before
     * this sees them from their first byte. Nothing is sent over TCP by this method except the health checks.
     */
    public void reconnectStore() throws IOException {
        if (redis != null) {
            redis.killClients();
        } else {
            SharedPostgres.terminateConnections(database);
        }
        awaitHealthy(Duration.ofSeconds(30));
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        var client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        language + " backend exited with " + process.exitValue() + " before it was ready" + logTail());
            }
            try {
                var response = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastProblem = "health answered " + response.statusCode() + " " + response.body();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the " + language + " backend", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the " + language + " backend", e);
            }
        }
        throw new IOException(
                language + " backend not healthy after " + timeout.toSeconds() + " s: " + lastProblem + logTail());
    }

    /** The last lines of its log, for failure messages. */
    public String logTail() {
        try {
            var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            var tail = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            return "\n--- " + log + " ---\n" + String.join("\n", tail);
        } catch (IOException | UncheckedIOException e) {
            return " (no log: " + e.getMessage() + ")";
        }
    }

    private void stopProcess() {
        Reaper.stop(process.toHandle());
    }

    /** Stops the backend (SIGTERM, then SIGKILL after 5 s) and its Redis server. */
    @Override
    public void close() {
        stopProcess();
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    public String toString() {
        return language + (bug == Bug.NONE ? "" : " (BUG=" + bug.switchValue() + ")") + " at " + baseUrl() + " pid "
                + pid();
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
