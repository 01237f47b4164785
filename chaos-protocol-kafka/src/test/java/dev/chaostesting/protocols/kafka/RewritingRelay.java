package dev.chaostesting.protocols.kafka;

import dev.chaostesting.protocols.kafka.internal.FrameReader;
import dev.chaostesting.spi.Side;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What the proxy's in-line path must do for Kafka, in its simplest form (blocking, a thread per direction): client
 * bytes are forwarded as they come while their request headers are noted by correlation id; server frames are held
 * until complete and those of {@link KafkaAddressRewriter#REWRITTEN_API_KEYS} go through the rewriter. Each
 * connection's bytes are kept, in the order seen, for replaying into the decoder.
 */
final class RewritingRelay implements AutoCloseable {

    /** Bytes one side sent, in order with the other side's. */
    record Chunk(Side side, byte[] bytes) {}

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        var t = new Thread(r, "test-kafka-relay");
        t.setDaemon(true);
        return t;
    });
    private volatile KafkaAddressRewriter rewriter = KafkaAddressRewriter.of(Map.of());
    private final List<List<Chunk>> connections = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RewritingRelay(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    void rewriter(KafkaAddressRewriter rewriter) {
        this.rewriter = rewriter;
    }

    /** Each connection's chunks so far. */
    List<List<Chunk>> connections() {
        var out = new ArrayList<List<Chunk>>();
        for (var c : connections) {
            synchronized (c) {
                out.add(List.copyOf(c));
            }
        }
        return out;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                var client = server.accept();
                var target = new Socket(upstream.getAddress(), upstream.getPort());
                sockets.add(client);
                sockets.add(target);
                var chunks = new ArrayList<Chunk>();
                connections.add(chunks);
                var headers = new ConcurrentHashMap<Integer, RequestHeader>();
                threads.execute(() -> requests(client, target, chunks, headers));
                threads.execute(() -> responses(target, client, chunks, headers));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void requests(Socket from, Socket to, List<Chunk> chunks, Map<Integer, RequestHeader> headers) {
        var frames = new FrameReader(100 << 20);
        var buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                var bytes = Arrays.copyOf(buffer, n);
                var data = ByteBuffer.wrap(bytes);
                FrameReader.Frame frame;
                while ((frame = frames.read(data, 0)) != null) {
                    var header = RequestHeader.parse(ByteBuffer.wrap(frame.body()));
                    headers.put(header.correlationId(), header);
                }
                synchronized (chunks) {
                    chunks.add(new Chunk(Side.CLIENT, bytes));
                }
                out.write(bytes);
            }
            to.shutdownOutput();
        } catch (IOException | FrameReader.BadFrameException | RuntimeException e) {
            close(from, to);
        }
    }

    private void responses(Socket from, Socket to, List<Chunk> chunks, Map<Integer, RequestHeader> headers) {
        try (var in = new DataInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream()) {
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (java.io.EOFException e) {
                    break;
                }
                var frame = new byte[length];
                in.readFully(frame);
                synchronized (chunks) {
                    chunks.add(new Chunk(
                            Side.SERVER,
                            ByteBuffer.allocate(4 + length)
                                    .putInt(length)
                                    .put(frame)
                                    .array()));
                }
                var header = headers.remove(ByteBuffer.wrap(frame).getInt(0));
                var answer = header == null ? ByteBuffer.wrap(frame) : rewriter.rewrite(header, ByteBuffer.wrap(frame));
                var bytes = new byte[answer.remaining()];
                answer.get(bytes);
                out.write(ByteBuffer.allocate(4).putInt(bytes.length).array());
                out.write(bytes);
            }
            to.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            close(from, to);
        }
    }

    private static void close(Socket a, Socket b) {
        try {
            a.close();
            b.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (var s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }
}
