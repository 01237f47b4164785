package dev.chaostesting.examples.backends;

import dev.chaostesting.testing.DebianPackages;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code redis-server} (Debian package) of its own for one backend: loopback TCP on a free port, no persistence,
 * and a unix socket for the test's own commands, so that they never show in a capture of the TCP port.
 */
final class RedisServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path directory;
    private final Path socket;

    private RedisServer(Process process, int port, Path directory) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.socket = directory.resolve("redis.sock");
    }

    /** Installs redis-server if needed (skips the test when that is impossible) and starts one. */
    static RedisServer start() throws IOException {
        var executable = DebianPackages.require("redis-server", "redis-server", true);
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = ExampleBackend.freePort();
            var directory = Files.createTempDirectory("example-redis-");
            var log = directory.resolve("redis.log");
            var process = new ProcessBuilder(List.of(
                            executable.toString(),
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            directory.toString(),
                            "--unixsocket",
                            directory.resolve("redis.sock").toString(),
                            "--unixsocketperm",
                            "700",
                            "--daemonize",
                            "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Reaper.register(process);
            var server = new RedisServer(process, port, directory);
            try {
                server.awaitReady();
                return server;
            } catch (IOException e) {
                server.close();
                last = new IOException(e.getMessage() + "\n" + Files.readString(log), e);
            }
        }
        throw last;
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue());
            }
            if (Files.exists(socket)) {
                try {
                    if (command("PING").startsWith("+PONG")) {
                        return;
                    }
                } catch (IOException e) {
                    // not accepting yet
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("redis-server on port " + port + " not ready after 10 s");
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** Closes every normal client connection (over the unix socket: the TCP port sees nothing of it). */
    void killClients() throws IOException {
        var reply = command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        if (!reply.startsWith(":")) {
            throw new IOException("CLIENT KILL answered " + reply.strip());
        }
    }

    /** Sends one command over the unix socket and returns the first line of the reply. */
    String command(String... arguments) throws IOException {
        var request = new StringBuilder("*").append(arguments.length).append("\r\n");
        for (var argument : arguments) {
            request.append('$')
                    .append(argument.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(argument)
                    .append("\r\n");
        }
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.UTF_8)));
            var buffer = ByteBuffer.allocate(4096);
            var reply = new StringBuilder();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (reply.indexOf("\r\n") < 0 && System.nanoTime() < deadline) {
                buffer.clear();
                if (channel.read(buffer) < 0) {
                    break;
                }
                reply.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
            }
            int end = reply.indexOf("\r\n");
            if (end < 0) {
                throw new IOException("no reply from redis-server to " + arguments[0]);
            }
            return reply.substring(0, end);
        }
    }

    @Override
    public void close() {
        Reaper.stop(process.toHandle());
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
