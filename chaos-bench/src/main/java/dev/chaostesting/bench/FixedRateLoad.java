package dev.chaostesting.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop, fixed-rate HTTP/1.1 latency probe: request {@code i} is due at {@code start + i / rate} and goes out on
 * keep-alive connection {@code i % connections} at that moment whether or not earlier responses have arrived
 * (pipelining if need be). Latency is measured from that intended time, not from when the request was actually
 * written, so a stall of the system under test counts against every request it delayed instead of silently slowing the
 * load down (coordinated omission).
 *
 * <p>Two threads: this one sends on schedule; a reader thread waits on a selector and timestamps each read. Because
 * responses on one connection come back in order, the k-th response of connection c answers request {@code k *
 * connections + c}, so no per-request bookkeeping crosses threads.
 *
 * <pre>
 * java -cp chaos-bench.jar dev.chaostesting.bench.FixedRateLoad --port 8080 [--host 127.0.0.1] [--path /]
 *     [--rate 2000] [--connections 16] [--warmup 2] [--duration 10]
 * </pre>
 *
 * Prints percentiles in microseconds and a final {@code RESULT key=value ...} line for scripts.
 */
public final class FixedRateLoad {

    /** How long to wait for the last responses after the last request was sent. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Options options;
    private final SocketChannel[] channels;
    private final int total;
    private final long measureFromIndex;
    private long startNanos;

    private FixedRateLoad(Options options) throws IOException {
        this.options = options;
        this.total = (int) (options.rate * (options.warmupSeconds + options.durationSeconds));
        this.measureFromIndex = (long) options.rate * options.warmupSeconds;
        this.channels = new SocketChannel[options.connections];
        var address = new InetSocketAddress(options.host, options.port);
        for (int c = 0; c < channels.length; c++) {
            var channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            channels[c] = channel;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) { // a usage error: say what is wrong, no stack trace
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        var load = new FixedRateLoad(options);
        try {
            load.run();
        } finally {
            for (var channel : load.channels) {
                channel.close();
            }
        }
    }

    /** When request {@code index} is due. */
    private long intendedNanos(long index) {
        return startNanos + index * 1_000_000_000L / options.rate;
    }

    private void run() throws IOException, InterruptedException {
        var request = ByteBuffer.wrap(("GET " + options.path + " HTTP/1.1\r\nHost: " + options.host + ":" + options.port
                        + "\r\nUser-Agent: chaos-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        var reader = new Reader();
        // Start slightly in the future so the reader thread is already waiting when the first request goes out.
        startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        var readerThread = new Thread(reader, "fixed-rate-reader");
        readerThread.setDaemon(true);
        readerThread.start();

        var sendLag = new Latencies(total);
        long sendFailures = 0;
        for (int i = 0; i < total; i++) {
            long due = intendedNanos(i);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long now = System.nanoTime();
            if (i >= measureFromIndex) {
                sendLag.add(Math.max(0, now - due));
            }
            if (!send(channels[i % channels.length], request.duplicate(), due)) {
                sendFailures++;
            }
        }
        readerThread.join(TimeUnit.NANOSECONDS.toMillis(DRAIN_NANOS) + 1_000);
        reader.stop();
        readerThread.join(1_000);
        report(reader, sendLag, sendFailures);
    }

    /** Writes a whole request; a full socket buffer means the server is not reading, so give up after a while. */
    private static boolean send(SocketChannel channel, ByteBuffer request, long due) {
        try {
            while (request.hasRemaining()) {
                if (channel.write(request) == 0) {
                    if (System.nanoTime() - due > DRAIN_NANOS) {
                        return false;
                    }
                    LockSupport.parkNanos(20_000);
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void report(Reader reader, Latencies sendLag, long sendFailures) {
        var sorted = reader.latencies.sorted();
        var lag = sendLag.sorted();
        long missing = total - reader.completed;
        System.out.printf(
                Locale.ROOT,
                "fixed-rate load: %s:%d GET %s at %d req/s over %d connections, %d s warm-up + %d s measured%n",
                options.host,
                options.port,
                options.path,
                options.rate,
                options.connections,
                options.warmupSeconds,
                options.durationSeconds);
        System.out.printf(
                Locale.ROOT,
                "measured %d responses, errors %d (non-200 %d, send failures %d, missing %d);"
                        + " send lag (included in latency) p50 %.0f us, p99 %.0f us, max %.0f us%n",
                sorted.length,
                reader.notOk + sendFailures + missing,
                reader.notOk,
                sendFailures,
                missing,
                Latencies.percentileMicros(lag, 50),
                Latencies.percentileMicros(lag, 99),
                Latencies.percentileMicros(lag, 100));
        if (reader.failure != null) {
            System.out.println("reader failed: " + reader.failure);
        }
        double p50 = Latencies.percentileMicros(sorted, 50);
        double p90 = Latencies.percentileMicros(sorted, 90);
        double p99 = Latencies.percentileMicros(sorted, 99);
        double p999 = Latencies.percentileMicros(sorted, 99.9);
        double max = Latencies.percentileMicros(sorted, 100);
        System.out.printf(
                Locale.ROOT,
                "latency (us, from intended send time): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                p50,
                p90,
                p99,
                p999,
                max);
        System.out.printf(
                Locale.ROOT,
                "RESULT p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f count=%d errors=%d"
                        + " send_lag_p99_us=%.1f%n",
                p50,
                p90,
                p99,
                p999,
                max,
                sorted.length,
                reader.notOk + sendFailures + missing + (reader.failure == null ? 0 : 1),
                Latencies.percentileMicros(lag, 99));
    }

    /** Reads every connection, matches responses to their requests and records their latency. */
    private final class Reader implements Runnable, ResponseParser.Listener {
        final Latencies latencies;
        volatile long completed;
        volatile long notOk;
        volatile Throwable failure;
        private volatile boolean stopped;
        private final Selector selector;
        private final ResponseParser[] parsers = new ResponseParser[channels.length];
        private final long[] responses = new long[channels.length];
        // The connection and read time the parser's callbacks refer to; fields rather than a lambda per read.
        private int current;
        private long readAt;

        Reader() throws IOException {
            this.latencies = new Latencies((int) (total - measureFromIndex));
            this.selector = Selector.open();
            for (int c = 0; c < channels.length; c++) {
                parsers[c] = new ResponseParser();
                channels[c].register(selector, SelectionKey.OP_READ, c);
            }
        }

        void stop() {
            stopped = true;
            selector.wakeup();
        }

        @Override
        public void run() {
            var buffer = ByteBuffer.allocateDirect(256 * 1024);
            try (selector) {
                while (!stopped && completed < total) {
                    // Waiting with a timeout bounds the run even if the server stops answering.
                    selector.select(100);
                    var keys = selector.selectedKeys();
                    for (var key : keys) {
                        var channel = (SocketChannel) key.channel();
                        current = (Integer) key.attachment();
                        buffer.clear();
                        int n = channel.read(buffer);
                        readAt = System.nanoTime();
                        if (n < 0) {
                            key.cancel();
                            continue;
                        }
                        buffer.flip();
                        parsers[current].feed(buffer, this);
                    }
                    keys.clear();
                    if (System.nanoTime() - intendedNanos(total) > DRAIN_NANOS) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        @Override
        public void response(boolean ok) {
            long index = responses[current]++ * channels.length + current;
            if (index >= measureFromIndex) {
                if (ok) {
                    latencies.add(readAt - intendedNanos(index));
                } else {
                    notOk++;
                }
            }
            completed++;
        }
    }

    private record Options(
            String host, int port, String path, int rate, int connections, int warmupSeconds, int durationSeconds) {

        static Options parse(String[] args) {
            var host = "127.0.0.1";
            int port = -1;
            var path = "/";
            int rate = 2_000;
            int connections = 16;
            int warmup = 2;
            int duration = 10;
            for (int i = 0; i + 1 < args.length; i += 2) {
                var value = args[i + 1];
                switch (args[i]) {
                    case "--host" -> host = value;
                    case "--port" -> port = Integer.parseInt(value);
                    case "--path" -> path = value;
                    case "--rate" -> rate = Integer.parseInt(value);
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--duration" -> duration = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("missing value for " + args[args.length - 1]);
            }
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("--port is required (1..65535)");
            }
            // Every loop of the generator is bounded: at most 10 minutes and 10 million requests.
            if (rate < 1
                    || connections < 1
                    || warmup < 0
                    || duration < 1
                    || warmup + duration > 600
                    || (long) rate * (warmup + duration) > 10_000_000L) {
                throw new IllegalArgumentException("rate, connections, warm-up or duration out of range");
            }
            return new Options(host, port, path, rate, connections, warmup, duration);
        }
    }
}
