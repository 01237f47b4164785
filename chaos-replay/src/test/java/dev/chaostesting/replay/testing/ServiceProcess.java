package dev.chaostesting.replay.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@link TinyService} in a child JVM of its own, so that it can hang, leak or exit like a real service. */
public final class ServiceProcess implements AutoCloseable {

    public static final String PASSWORD = "secret";

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts it against the store at {@code storePort} on loopback and waits until {@code /health} answers. */
    public static ServiceProcess start(String mode, int storePort) throws IOException, InterruptedException {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var log = Files.createTempFile("tiny-service-" + mode, ".log");
        var builder = new ProcessBuilder(List.of(
                        java,
                        "-Xmx64m",
                        "-XX:TieredStopAtLevel=1",
                        "-Dsun.net.httpserver.nodelay=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        TinyService.class.getName(),
                        Integer.toString(port),
                        "127.0.0.1:" + storePort,
                        mode))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("APP_PASSWORD", PASSWORD);
        var process = builder.start();
        var service = new ServiceProcess(process, port, log);
        var client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("service exited: " + Files.readString(log));
            }
            try {
                var r = client.send(
                        HttpRequest.newBuilder(URI.create(service.baseUrl() + "/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return service;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        service.close();
        throw new IOException("service not ready after 30 s: " + Files.readString(log));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file
        }
    }
}
