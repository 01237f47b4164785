package dev.chaostesting.protocols.mysql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * A plain loopback relay for tests that keeps every chunk each side sent, in the order the relay read them, so that a
 * real session can be replayed into the decoder in any fragmentation. A hook may answer a client packet in place of
 * the server (protocol fault injection).
 */
final class Tap implements AutoCloseable {

    record Chunk(boolean fromClient, byte[] bytes) {}

    private final ServerSocket listener;
    private final int target;
    private final List<Chunk> chunks = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        var t = new Thread(r, "test-mysql-tap");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new ArrayList<>();
    /** Given a whole client packet (header included) and whether it starts a command, returns bytes to answer with. */
    private volatile @org.jspecify.annotations.Nullable BiFunction<byte[], Boolean, byte[]> interceptor;

    Tap(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Answers chosen client packets instead of forwarding them (packets are then read whole, one at a time). */
    Tap intercept(BiFunction<byte[], Boolean, byte[]> hook) {
        this.interceptor = hook;
        return this;
    }

    synchronized List<Chunk> chunks() {
        return List.copyOf(chunks);
    }

    /** The captured traffic as a script (both directions closed at the end). */
    Script script() {
        var script = Script.create();
        for (var c : chunks()) {
            if (c.fromClient()) {
                script.client(c.bytes());
            } else {
                script.server(c.bytes());
            }
        }
        return script.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                var client = listener.accept();
                var server = new Socket(InetAddress.getLoopbackAddress(), target);
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(server);
                }
                if (interceptor == null) {
                    // Bytes as they come: compressed packets have another framing.
                    var toServer = server.getOutputStream();
                    var fromClient = client.getInputStream();
                    threads.execute(() -> copy(fromClient, toServer, true, server));
                } else {
                    threads.execute(() -> clientToServer(client, server));
                }
                var fromServer = server.getInputStream();
                var toClient = client.getOutputStream();
                threads.execute(() -> copy(fromServer, toClient, false, client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void clientToServer(Socket client, Socket server) {
        try {
            var in = client.getInputStream();
            var toServer = server.getOutputStream();
            var toClient = client.getOutputStream();
            while (true) {
                var header = in.readNBytes(4);
                if (header.length < 4) {
                    record(true, header);
                    toServer.write(header);
                    break;
                }
                int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                var packet = Arrays.copyOf(header, 4 + length);
                int n = in.readNBytes(packet, 4, length);
                var whole = Arrays.copyOf(packet, 4 + n);
                var hook = interceptor;
                var answer = n == length && hook != null ? hook.apply(whole, header[3] == 0) : null;
                if (answer != null) {
                    // The client's packet never reaches the server; the answer stands in for the server's.
                    synchronized (toClient) {
                        toClient.write(answer);
                    }
                    continue;
                }
                record(true, whole);
                toServer.write(whole);
                if (n < length) {
                    break;
                }
            }
            server.shutdownOutput();
        } catch (IOException e) {
            // a side went away
        }
    }

    private void copy(InputStream in, OutputStream out, boolean fromClient, Socket to) {
        var buf = new byte[65536];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                // Recorded before it is forwarded, so the order of chunks is the order the peers could see them.
                record(fromClient, Arrays.copyOf(buf, n));
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // a side went away
        }
    }

    private synchronized void record(boolean fromClient, byte[] bytes) {
        if (bytes.length > 0) {
            chunks.add(new Chunk(fromClient, bytes));
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (this) {
            for (var s : sockets) {
                s.close();
            }
        }
        threads.shutdownNow();
    }
}
