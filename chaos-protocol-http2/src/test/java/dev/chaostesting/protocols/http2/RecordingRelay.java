package dev.chaostesting.protocols.http2;

import dev.chaostesting.spi.Side;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A loopback TCP relay that keeps every connection's bytes, both sides, in the order it forwarded them: a real
 * session to replay into a decoder in any fragmentation.
 */
final class RecordingRelay implements AutoCloseable {

    /** Bytes one side sent, or its end ({@code bytes == null}). */
    record Event(Side side, byte[] bytes, long atMicros) {}

    private final ServerSocket listener;
    private final int target;
    private final List<List<Event>> connections = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    RecordingRelay(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        var acceptor = new Thread(this::accept, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The events of each connection so far. */
    List<List<Event>> connections() {
        synchronized (connections) {
            return connections.stream()
                    .map(c -> {
                        synchronized (c) {
                            return List.copyOf(c);
                        }
                    })
                    .toList();
        }
    }

    /**
     * The events of the first connection once both of its sides have ended, waiting up to {@code timeout}; fails the
     * test when they have not by then.
     */
    List<Event> firstConnectionEnded(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var all = connections();
            if (!all.isEmpty()
                    && all.get(0).stream().filter(e -> e.bytes() == null).count() >= 2) {
                return all.get(0);
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("both ends of the relayed connection not seen within " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                var client = listener.accept();
                var server = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                var events = new ArrayList<Event>();
                synchronized (connections) {
                    connections.add(events);
                }
                start(() -> pump(client, server, Side.CLIENT, events));
                start(() -> pump(server, client, Side.SERVER, events));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void start(Runnable r) {
        var t = new Thread(r, "relay-pump");
        t.setDaemon(true);
        synchronized (threads) {
            threads.add(t);
        }
        t.start();
    }

    private static void pump(Socket from, Socket to, Side side, List<Event> events) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            var buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) >= 0) {
                // Recorded before forwarding: an answer can never be recorded before what it answers.
                synchronized (events) {
                    events.add(new Event(side, Arrays.copyOf(buf, n), System.currentTimeMillis() * 1000));
                }
                out.write(buf, 0, n);
                out.flush();
            }
            synchronized (events) {
                events.add(new Event(side, null, System.currentTimeMillis() * 1000));
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
