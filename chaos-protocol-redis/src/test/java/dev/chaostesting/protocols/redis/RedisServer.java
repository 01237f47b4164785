package dev.chaostesting.protocols.redis;

import dev.chaostesting.testing.DebianPackages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real redis-server (Debian package) on a free loopback port, with no persistence, in a temporary directory. */
final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private RedisServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Installs the package when missing (the test is skipped without root), then starts a server. */
    static RedisServer start(Path dir, String... extraArgs) throws IOException, InterruptedException {
        var exe = DebianPackages.require("redis-server", "redis-server", false);
        DebianPackages.require("redis-cli", "redis-tools", false);
        int port = freePort();
        var command = new ArrayList<>(List.of(
                exe.toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--protected-mode",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString()));
        command.addAll(List.of(extraArgs));
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile())
                .start();
        var server = new RedisServer(process, port, dir);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return server;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.out")));
                }
                Thread.sleep(50);
            }
        }
        server.close();
        throw new IOException("redis-server did not listen on " + port + " within 20 s");
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
