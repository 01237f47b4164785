package dev.chaostesting.bench;

import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.internal.capture.CaptureImporter;
import dev.chaostesting.internal.capture.ConnectionSink;
import dev.chaostesting.internal.capture.PacketSource;
import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A long seeded mutation run of one codec, for bench/fuzz.sh. The inputs are real conversations: the TCP streams of a
 * captured corpus (bench/codecs.sh), reassembled by the capture import's own TCP layer, one list of (side, bytes)
 * chunks per connection. Each input is the start of one conversation (1 to 64 chunks, so handshakes are in), with 0 to
 * 4 mutations (byte changes, cuts, deletions, duplications, insertions of random or protocol-looking bytes, chunks
 * dropped, repeated or taken from another conversation), or one time in sixteen random bytes; it ends with FINs or a
 * reset, and is fed whole, in random fragments or one byte at a time, to the real {@code ConnectionObserver} (the class
 * the proxy and the capture import use) with the codec alone, half the time detected and half the time forced.
 *
 * <p>Checked for every input: no exception escapes the codec's detector or decoder (the observer would catch it and fall
 * back to raw TCP; here it is counted as a failure), none escapes the observer, and every byte fed is counted once by
 * the interactions recorded ({@code requestBytes}/{@code responseBytes} summed per side equal the bytes sent; for
 * HTTP/2 and gRPC, whose connection frames belong to no interaction, at most the bytes sent). Memory:
 * the run is meant for a small heap ({@code -Xmx256m}); the heap used after a full GC is sampled every 100,000 inputs.
 * A watchdog stops the run if one input takes more than 30 s (an infinite loop).
 *
 * <pre>
 * java -Xmx256m -cp chaos-bench.jar dev.chaostesting.bench.FuzzMain --pcap FILE --port N --codec NAME
 *     [--iterations 1000000] [--seed 1] [--dump DIR]
 * </pre>
 *
 * Prints one {@code RESULT ...} line; exits with 1 when any check failed. With {@code --dump DIR}, the first five
 * failing inputs are written there (chunks in hex, and what was recorded from them).
 */
public final class FuzzMain {

    private FuzzMain() {}

    private static final ConnectionInfo CONNECTION =
            new ConnectionInfo("fuzz", "127.0.0.1:50000", "127.0.0.1:5000", 5000, Direction.INBOUND);
    private static final int MAX_CONVERSATIONS = 2000;
    private static final int MAX_CHUNKS = 64;
    private static final int MAX_CHUNK_BYTES = 64 << 10;

    record Chunk(Side side, byte[] bytes) {}

    /**
     * Codecs whose interactions leave out connection-level bytes by design: HTTP/2's preface, SETTINGS, PING,
     * WINDOW_UPDATE and GOAWAY belong to no stream (docs/protocols/http2.md). For them the check is that no byte is
     * counted twice (counted <= fed), and the share left out is reported.
     */
    static final Set<String> UNCOUNTED_CONNECTION_FRAMES = Set.of("http2", "grpc");

    public static void main(String[] args) throws IOException {
        Path pcap = null;
        int port = 0;
        String codecName = null;
        long iterations = 1_000_000;
        long seed = 1;
        Path dump = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            var v = args[i + 1];
            switch (args[i]) {
                case "--pcap" -> pcap = Path.of(v);
                case "--port" -> port = Integer.parseInt(v);
                case "--codec" -> codecName = v;
                case "--iterations" -> iterations = Long.parseLong(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--dump" -> dump = Path.of(v);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (pcap == null || port < 1 || codecName == null || iterations < 1) {
            System.err.println("usage: --pcap FILE --port N --codec NAME [--iterations 1000000] [--seed 1]");
            System.exit(2);
            return;
        }
        var name = codecName;
        var codec =
                Codecs.load().byName(name).orElseThrow(() -> new IllegalArgumentException("no codec named " + name));
        var conversations = conversations(pcap, port);
        if (conversations.isEmpty()) {
            System.err.println(pcap + ": no TCP conversation on port " + port);
            System.exit(2);
            return;
        }
        long chunks = conversations.stream().mapToLong(List::size).sum();
        System.out.println("corpus " + pcap + ": " + conversations.size() + " conversations, " + chunks + " chunks");

        var run = new Run(codec, seed, dump);
        var current = new AtomicLong(-1);
        var watchdog = new Thread(() -> {
            long last = -2;
            while (true) {
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    return;
                }
                long now = current.get();
                if (now == last && now >= 0) {
                    System.out.println("RESULT codec=" + name + " hung=true input=" + now + " seed=" + run.seed);
                    System.out.flush();
                    Runtime.getRuntime().halt(1);
                }
                last = now;
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();

        var threads = ManagementFactory.getThreadMXBean();
        var memory = ManagementFactory.getMemoryMXBean();
        long maxHeap = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (long i = 0; i < iterations; i++) {
            current.set(i);
            run.one(i, conversations);
            if (i % 100_000 == 99_999) {
                System.gc();
                maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
                System.out.printf(
                        Locale.ROOT,
                        "%,d inputs, %.0f inputs/s, heap after GC %.1f MB, failures %d%n",
                        i + 1,
                        (i + 1) / ((System.nanoTime() - t0) / 1e9),
                        memory.getHeapMemoryUsage().getUsed() / 1e6,
                        run.failures());
            }
        }
        long wall = System.nanoTime() - t0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        watchdog.interrupt();
        System.gc();
        maxHeap = Math.max(maxHeap, memory.getHeapMemoryUsage().getUsed());
        for (var example : run.examples) {
            System.out.println("failure: " + example);
        }
        System.out.printf(
                Locale.ROOT,
                "RESULT codec=%s inputs=%d seed=%d wall_s=%.1f cpu_s=%.1f inputs_per_s=%.0f inputs_per_cpu_s=%.0f"
                        + " bytes_fed=%d bytes_counted=%d accounting=%s codec_exceptions=%d observer_exceptions=%d accounting_failures=%d"
                        + " inputs_decoded=%d inputs_failed_open=%d interactions=%d max_heap_after_gc_mb=%.1f"
                        + " max_heap_mb=%.0f hung=false%n",
                name,
                iterations,
                seed,
                wall / 1e9,
                cpu / 1e9,
                iterations / (wall / 1e9),
                iterations / (cpu / 1e9),
                run.bytesFed,
                run.bytesCounted,
                run.exact ? "exact" : "at-most",
                run.codecExceptions,
                run.observerExceptions,
                run.accountingFailures,
                run.decodedInputs,
                run.failedOpenInputs,
                run.interactions,
                maxHeap / 1e6,
                Runtime.getRuntime().maxMemory() / 1e6);
        System.exit(run.failures() == 0 ? 0 : 1);
    }

    /** The conversations of a capture: per connection, its chunks in the order seen (the first MAX_CHUNKS). */
    static List<List<Chunk>> conversations(Path pcap, int port) throws IOException {
        var all = new ArrayList<List<Chunk>>();
        var importer = new CaptureImporter(CaptureOptions.defaults().onlyPorts(port), info -> {
            var chunks = new ArrayList<Chunk>();
            if (all.size() < MAX_CONVERSATIONS) {
                all.add(chunks);
            }
            return new ConnectionSink() {
                @Override
                public void onData(Side side, ByteBuffer data, long atMicros) {
                    if (chunks.size() < MAX_CHUNKS) {
                        var bytes = new byte[Math.min(data.remaining(), MAX_CHUNK_BYTES)];
                        data.get(bytes);
                        chunks.add(new Chunk(side, bytes));
                    }
                }

                @Override
                public void onEnd(Side side, boolean reset, long atMicros) {}

                @Override
                public void onGap(Side side, long missingBytes, long atMicros) {}
            };
        });
        try (var in = new BufferedInputStream(Files.newInputStream(pcap), 1 << 16)) {
            importer.run(PacketSource.open(in));
        }
        all.removeIf(List::isEmpty);
        return all;
    }

    /** The state of one codec's run: the generator, the checked codec and the counters. */
    private static final class Run {
        final long seed;
        final Random random;
        final FuzzInputs inputs;
        final CheckedCodec checked;
        final List<String> examples = new ArrayList<>();
        long bytesFed;
        long bytesCounted;
        long codecExceptions;
        long observerExceptions;
        long accountingFailures;
        long decodedInputs;
        long failedOpenInputs;
        long interactions;

        final @Nullable Path dump;
        int dumped;

        Run(ProtocolCodec codec, long seed, @Nullable Path dump) {
            this.seed = seed;
            this.dump = dump;
            this.random = new Random(seed);
            this.inputs = new FuzzInputs(random, MAX_CHUNKS);
            this.checked = new CheckedCodec(codec);
            this.exact = !UNCOUNTED_CONNECTION_FRAMES.contains(codec.name());
        }

        /** Whether the interactions must count every byte (all codecs but HTTP/2 and gRPC), or at most every byte. */
        final boolean exact;

        long failures() {
            return codecExceptions + observerExceptions + accountingFailures;
        }

        void one(long index, List<List<Chunk>> conversations) {
            var input = inputs.next(conversations);
            long[] fed = new long[2];
            long[] counted = new long[2];
            boolean[] seen = new boolean[2]; // [0]: the codec's protocol, [1]: raw tcp
            String protocol = checked.name();
            int maxBody = random.nextBoolean() ? 1 << 20 : 1 + random.nextInt(64);
            var forced = random.nextBoolean() ? protocol : null;
            checked.failure = null;
            var recorded = new ArrayList<Interaction>();
            try {
                var observer = new ConnectionObserver(CONNECTION, Codecs.of(checked), forced, maxBody, b -> {
                    Interaction i = b.build();
                    recorded.add(i);
                    counted[0] += i.requestBytes();
                    counted[1] += i.responseBytes();
                    interactions++;
                    if (i.protocol().equals("tcp")) {
                        seen[1] = true;
                    } else {
                        seen[0] = true;
                    }
                });
                int total = 0;
                for (var chunk : input) {
                    total += chunk.bytes.length;
                }
                // One byte at a time only for small inputs: it is the slowest way and finds the same kind of bug.
                int feed = total <= 2048 ? random.nextInt(16) : 1 + random.nextInt(15);
                long at = 1_700_000_000_000_000L;
                for (var chunk : input) {
                    fed[chunk.side == Side.CLIENT ? 0 : 1] += chunk.bytes.length;
                    at += 1000;
                    feed(observer, chunk, feed, at);
                }
                switch (random.nextInt(4)) {
                    case 0 -> observer.onEnd(random.nextBoolean() ? Side.CLIENT : Side.SERVER, true, at + 1000);
                    case 1 -> {
                        observer.onEnd(Side.CLIENT, false, at + 1000);
                        observer.onEnd(Side.SERVER, false, at + 2000);
                    }
                    default -> {
                        observer.onEnd(Side.SERVER, false, at + 1000);
                        observer.onEnd(Side.CLIENT, false, at + 2000);
                    }
                }
            } catch (RuntimeException | Error e) {
                observerExceptions++;
                example(index, "observer threw " + trace(e));
            }
            bytesFed += fed[0] + fed[1];
            bytesCounted += counted[0] + counted[1];
            if (checked.failure != null) {
                codecExceptions++;
                example(index, "codec threw " + trace(checked.failure));
            }
            boolean wrong =
                    exact ? fed[0] != counted[0] || fed[1] != counted[1] : counted[0] > fed[0] || counted[1] > fed[1];
            if (wrong || checked.failure != null) {
                dump(index, input, recorded);
            }
            if (wrong) {
                accountingFailures++;
                example(
                        index,
                        "bytes fed client " + fed[0] + " server " + fed[1] + ", counted client " + counted[0]
                                + " server " + counted[1]);
            }
            if (seen[0]) {
                decodedInputs++;
            }
            if (seen[0] && seen[1]) {
                failedOpenInputs++;
            }
        }

        /** Writes a failing input and what was recorded from it, for a reproducer: at most 5 files per run. */
        private void dump(long index, List<Chunk> input, List<Interaction> recorded) {
            if (dump == null || dumped >= 5) {
                return;
            }
            dumped++;
            var text = new StringBuilder();
            text.append("# ")
                    .append(checked.name())
                    .append(" input ")
                    .append(index)
                    .append(", seed ")
                    .append(seed);
            text.append("\n# chunks in order: side, length, bytes in hex\n");
            for (var chunk : input) {
                text.append(chunk.side).append(' ').append(chunk.bytes.length).append(' ');
                text.append(java.util.HexFormat.of().formatHex(chunk.bytes)).append('\n');
            }
            text.append("# interactions recorded: protocol, requestBytes, responseBytes, error\n");
            for (var i : recorded) {
                text.append(i.protocol())
                        .append(' ')
                        .append(i.requestBytes())
                        .append(' ')
                        .append(i.responseBytes());
                text.append(' ').append(i.error()).append('\n');
            }
            try {
                Files.createDirectories(dump);
                Files.writeString(dump.resolve(checked.name() + "-input-" + index + ".txt"), text);
            } catch (IOException e) {
                System.err.println("cannot write the failing input: " + e);
            }
        }

        private void example(long index, String what) {
            if (examples.size() < 10) {
                examples.add("input " + index + " (seed " + seed + "): " + what);
            }
        }

        private void feed(ConnectionObserver observer, Chunk chunk, int feed, long at) {
            var bytes = chunk.bytes;
            if (feed == 0) { // one byte at a time
                for (int i = 0; i < bytes.length; i++) {
                    observer.onData(chunk.side, ByteBuffer.wrap(bytes, i, 1).asReadOnlyBuffer(), at);
                }
            } else if (feed < 8) { // random fragments, each a fresh array
                int i = 0;
                while (i < bytes.length) {
                    int n = Math.min(bytes.length - i, 1 + random.nextInt(random.nextBoolean() ? 16 : 1500));
                    observer.onData(
                            chunk.side,
                            ByteBuffer.wrap(Arrays.copyOfRange(bytes, i, i + n)).asReadOnlyBuffer(),
                            at);
                    i += n;
                }
            } else if (bytes.length > 0) {
                observer.onData(chunk.side, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), at);
            }
        }
    }

    private static String trace(Throwable e) {
        var out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        var lines = out.toString().lines().limit(8).toList();
        return String.join(" | ", lines);
    }
}
