package dev.chaostesting.protocols.redis;

import dev.chaostesting.spi.Side;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain loopback relay that keeps what each connection carried, in the order it was relayed, so that a real session
 * can be replayed into the decoder as a {@link Script}.
 */
final class TapRelay implements AutoCloseable {

    private sealed interface Event permits Data, End {}

    private record Data(Side side, byte[] bytes) implements Event {}

    private record End(Side side) implements Event {}

    private final ServerSocket server;
    private final int targetPort;
    private final List<List<Event>> connections = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private final Thread acceptor;

    TapRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "tap-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                var client = server.accept();
                var target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                var events = new ArrayList<Event>();
                synchronized (this) {
                    connections.add(events);
                    pumps.add(pump(client, target, Side.CLIENT, events));
                    pumps.add(pump(target, client, Side.SERVER, events));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static Thread pump(Socket from, Socket to, Side side, List<Event> events) {
        var t = new Thread(
                () -> {
                    try {
                        InputStream in = from.getInputStream();
                        OutputStream out = to.getOutputStream();
                        var buf = new byte[8192];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            synchronized (events) {
                                events.add(new Data(side, Arrays.copyOf(buf, n)));
                            }
                            out.write(buf, 0, n);
                            out.flush();
                        }
                        synchronized (events) {
                            events.add(new End(side));
                        }
                        to.shutdownOutput();
                    } catch (IOException e) {
                        synchronized (events) {
                            events.add(new End(side));
                        }
                        try {
                            to.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    }
                },
                "tap-" + side);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** One script per connection, once every connection ended (waits up to 30 s). */
    List<Script> scripts() throws InterruptedException {
        List<Thread> all;
        synchronized (this) {
            all = List.copyOf(pumps);
        }
        for (var t : all) {
            t.join(30_000);
        }
        var scripts = new ArrayList<Script>();
        synchronized (this) {
            for (var events : connections) {
                var script = Script.create();
                synchronized (events) {
                    for (var e : events) {
                        if (e instanceof Data d) {
                            if (d.side() == Side.CLIENT) {
                                script.client(d.bytes());
                            } else {
                                script.server(d.bytes());
                            }
                        } else if (e instanceof End end) {
                            if (end.side() == Side.CLIENT) {
                                script.endClient();
                            } else {
                                script.endServer();
                            }
                        }
                    }
                }
                scripts.add(script);
            }
        }
        return scripts;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
