package dev.chaostesting.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Small blocking TCP servers on loopback for proxy tests. */
public final class TcpServers {

    private TcpServers() {}

    /** What a test server does with each accepted connection. */
    @FunctionalInterface
    public interface Handler {
        void handle(Socket socket) throws IOException;
    }

    /** A server running {@code handler} on a thread per connection. */
    public static final class Server implements AutoCloseable {
        private final ServerSocket socket;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            var t = new Thread(r, "test-server");
            t.setDaemon(true);
            return t;
        });
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();

        Server(Handler handler) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            threads.execute(() -> {
                while (!socket.isClosed()) {
                    try {
                        var s = socket.accept();
                        open.add(s);
                        threads.execute(() -> {
                            try (s) {
                                handler.handle(s);
                            } catch (IOException e) {
                                // the peer went away: nothing to do in a test server
                            } finally {
                                open.remove(s);
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            try {
                socket.close();
                for (var s : open) {
                    s.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            threads.shutdownNow();
        }
    }

    public static Server start(Handler handler) throws IOException {
        return new Server(handler);
    }

    /** Echoes every byte back; on EOF from the client, finishes writing and half-closes. */
    public static Server echo() throws IOException {
        return start(s -> {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            var buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        });
    }

    /** Reads exactly {@code n} bytes or fails. */
    public static byte[] readExactly(InputStream in, int n) throws IOException {
        var out = in.readNBytes(n);
        if (out.length != n) {
            throw new IOException("expected " + n + " bytes, got " + out.length + " before EOF");
        }
        return out;
    }
}
