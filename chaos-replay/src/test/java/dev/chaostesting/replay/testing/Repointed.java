package dev.chaostesting.replay.testing;

import dev.chaostesting.examples.backends.ExampleBackend;
import java.io.IOException;
import java.net.InetAddress;
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

/**
 * A second copy of a running example backend whose store URL points at another address (a proxy): the same command,
 * working directory and environment as the one {@link ExampleBackend} started (read from /proc), with {@code PORT} and
 * {@code DATABASE_URL} or {@code REDIS_URL} changed. The original is stopped, so only the copy talks to the store.
 */
public final class Repointed implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private Repointed(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static Repointed start(ExampleBackend original, int storeProxyPort)
            throws IOException, InterruptedException {
        var proc = Path.of("/proc", Long.toString(original.pid()));
        var info = ProcessHandle.of(original.pid()).orElseThrow().info();
        var command = new ArrayList<String>();
        command.add(info.command().orElseThrow());
        info.arguments().ifPresent(a -> command.addAll(List.of(a)));
        var cwd = Files.readSymbolicLink(proc.resolve("cwd"));
        var environ = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var log = Files.createTempFile("repointed-" + original.language().directory(), ".log");
        var builder = new ProcessBuilder(command)
                .directory(cwd.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        var env = builder.environment();
        env.clear();
        for (var entry : environ.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        env.put("PORT", Integer.toString(port));
        var store = original.storeAddress().getPort();
        env.computeIfPresent("DATABASE_URL", (k, v) -> v.replace(":" + store + "/", ":" + storeProxyPort + "/"));
        env.computeIfPresent("REDIS_URL", (k, v) -> v.replace(":" + store + "/", ":" + storeProxyPort + "/"));
        ProcessHandle.of(original.pid()).ifPresent(ProcessHandle::destroy);
        var process = builder.start();
        var copy = new Repointed(process, port, log);
        var client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("backend copy exited: " + Files.readString(log));
            }
            try {
                var r = client.send(
                        HttpRequest.newBuilder(URI.create(copy.baseUrl() + "/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return copy;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(100);
        }
        copy.close();
        throw new IOException("backend copy not healthy after 60 s: " + Files.readString(log));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // a temp file
        }
    }
}
