package dev.chaostesting.replay.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny key-value server on loopback, the "database" of {@link TinyService}: one line per command, {@code SET k v} ->
 * {@code OK}, {@code GET k} -> {@code VAL v} or {@code NIL}, {@code NEXT} -> {@code VAL n} (a counter).
 */
public final class KeyValueStore implements AutoCloseable {

    private final ServerSocket server;
    private final Map<String, String> data = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();

    private KeyValueStore(ServerSocket server) {
        this.server = server;
    }

    public static KeyValueStore start() throws IOException {
        var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        var store = new KeyValueStore(server);
        var accept = new Thread(store::acceptLoop, "kv-accept");
        accept.setDaemon(true);
        accept.start();
        return store;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** {@code 127.0.0.1:PORT}, as recordings name a dependency. */
    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                var socket = server.accept();
                var t = new Thread(() -> serve(socket), "kv-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            return;
        }
        try (socket;
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream()) {
            String line;
            while ((line = in.readLine()) != null) {
                var parts = line.split(" ", 3);
                String answer = switch (parts[0]) {
                    case "SET" -> {
                        data.put(parts[1], parts.length > 2 ? parts[2] : "");
                        yield "OK";
                    }
                    case "GET" -> {
                        var v = data.get(parts[1]);
                        yield v == null ? "NIL" : "VAL " + v;
                    }
                    case "NEXT" -> "VAL " + counter.incrementAndGet();
                    default -> "ERR unknown command";
                };
                out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away (or a fault reset the connection)
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
