package dev.chaostesting.capture;

import dev.chaostesting.internal.capture.CaptureCounters;
import dev.chaostesting.internal.capture.Tcpdump;
import dev.chaostesting.model.Interaction;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Passive capture of a running service: tcpdump writes the packets matching a filter as pcap to its stdout, and
 * {@link CaptureImport#read} turns them into interactions as they complete. Nothing in the service's path changes.
 * Needs tcpdump and root or CAP_NET_RAW; see docs/capture.md.
 *
 * <pre>{@code
 * try (var capture = LiveCapture.start("lo", "tcp port 8080", CaptureOptions.defaults().onlyPorts(8080), sink)) {
 *     Thread.sleep(10_000);
 *     System.out.println(capture.stop().describe());
 * }
 * }</pre>
 */
public final class LiveCapture implements AutoCloseable {

    /** How long tcpdump may take to say it is listening; it opens a socket and compiles a filter, well under this. */
    private static final long START_TIMEOUT_SECONDS = 15;
    /** How long tcpdump may take to flush and print its counts after it is asked to stop. */
    private static final long STOP_TIMEOUT_SECONDS = 10;

    private final Process process;
    private final String networkInterface;
    private final String filter;
    private final List<String> stderr = new ArrayList<>();
    private final CountDownLatch listening = new CountDownLatch(1);
    private final AtomicLong interactions = new AtomicLong();
    private final CompletableFuture<CaptureSummary> imported = new CompletableFuture<>();
    private final Thread stderrReader;
    private volatile @Nullable CaptureCounters counters;
    private @Nullable LiveCaptureSummary summary;

    private LiveCapture(Process process, String networkInterface, String filter) {
        this.process = process;
        this.networkInterface = networkInterface;
        this.filter = filter;
        this.stderrReader = new Thread(this::readStderr, "chaos-tcpdump-stderr");
        stderrReader.setDaemon(true);
    }

    /**
     * Starts tcpdump and returns once it captures: traffic sent after this returns is recorded.
     *
     * @param networkInterface {@code lo} when only loopback traffic matters (plain IP packets, nothing else to go
     *     through), {@code any} for every interface (Linux cooked SLL2 headers, which the reader supports)
     * @param filter a tcpdump filter expression, e.g. {@code tcp port 8080}
     * @param sink receives each interaction as it completes, on the capture's own thread; numbered from 1 per capture,
     *     already redacted
     * @throws IOException with one line to show when tcpdump is missing, not permitted to capture, or stops at once
     * @throws IllegalArgumentException when {@link CaptureOptions#protocol} names no known codec
     */
    public static LiveCapture start(
            String networkInterface, String filter, CaptureOptions options, Consumer<? super Interaction> sink)
            throws IOException {
        return start(null, networkInterface, filter, options, sink);
    }

    /**
     * As {@link #start(String, String, CaptureOptions, Consumer)}, with tcpdump run inside another network namespace
     * (e.g. {@code /proc/PID/ns/net} of a process in a container) through {@code nsenter} when it is not null.
     */
    static LiveCapture start(
            @Nullable Path networkNamespace,
            String networkInterface,
            String filter,
            CaptureOptions options,
            Consumer<? super Interaction> sink)
            throws IOException {
        Objects.requireNonNull(networkInterface, "networkInterface");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(sink, "sink");
        CaptureImport.checkProtocol(options);
        String executable;
        try {
            executable = Tcpdump.executable();
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage());
        }
        var command = new ArrayList<String>();
        if (networkNamespace != null) {
            command.addAll(Tcpdump.enter(networkNamespace));
        }
        command.addAll(Tcpdump.command(executable, networkInterface, filter));
        var process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        var capture = new LiveCapture(process, networkInterface, filter);
        capture.stderrReader.start();
        var reader = new Thread(() -> capture.importStdout(options, sink), "chaos-tcpdump-" + networkInterface);
        reader.setDaemon(true);
        reader.start();
        capture.awaitListening();
        return capture;
    }

    private void awaitListening() throws IOException {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (!listening.await(50, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    stderrReader.join(TimeUnit.SECONDS.toMillis(2));
                    throw new IOException(Tcpdump.failure(stderrLines(), process.exitValue()));
                }
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IOException("tcpdump did not start capturing within " + START_TIMEOUT_SECONDS
                            + " s; it printed: " + stderrLines());
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting tcpdump", e);
        }
    }

    private void readStderr() {
        try (var lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (var line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (stderr) {
                    stderr.add(line);
                }
                if (line.contains("listening on")) {
                    listening.countDown();
                }
            }
        } catch (IOException e) {
            // tcpdump is gone; what it printed is kept
        }
    }

    private void importStdout(CaptureOptions options, Consumer<? super Interaction> sink) {
        try (var in = new BufferedInputStream(process.getInputStream(), 1 << 16)) {
            var result = CaptureImport.read(
                    in,
                    "tcpdump on " + networkInterface,
                    options,
                    interaction -> {
                        interactions.incrementAndGet();
                        sink.accept(interaction);
                    },
                    c -> counters = c);
            imported.complete(result);
        } catch (IOException | RuntimeException e) {
            imported.completeExceptionally(e);
        }
    }

    private List<String> stderrLines() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** Packets read so far (a progress hint, updated as they arrive). */
    public long packets() {
        var c = counters;
        return c == null ? 0 : c.packets();
    }

    /** TCP connections followed so far. */
    public long connections() {
        var c = counters;
        return c == null ? 0 : c.connections();
    }

    /** Interactions handed to the sink so far. */
    public long interactions() {
        return interactions.get();
    }

    /** TCP payload bytes decoded so far, both directions. */
    public long bytes() {
        var c = counters;
        return c == null ? 0 : c.payloadBytes();
    }

    public String networkInterface() {
        return networkInterface;
    }

    public String filter() {
        return filter;
    }

    /**
     * Stops tcpdump (SIGTERM, on which it flushes and prints its counts, as on SIGINT), reads the rest of what it wrote, ends the
     * connections still open, and returns the counts. Calling it again returns the same summary.
     *
     * @throws IOException when the captured stream was broken, or tcpdump could not be stopped
     */
    public synchronized LiveCaptureSummary stop() throws IOException {
        if (summary != null) {
            return summary;
        }
        try {
            // Packets reach tcpdump in blocks that the kernel hands over at the latest after this long: wait, so
            // that the traffic seen up to now is in the capture before tcpdump stops.
            Thread.sleep(Tcpdump.BLOCK_TIMEOUT_MILLIS + 200);
            // Through the handle: Process.destroy() would also close our end of tcpdump's stdout and lose what it
            // holds.
            process.toHandle().destroy();
            if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.toHandle().destroyForcibly();
            }
            var result = imported.get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            stderrReader.join(TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
            var lines = stderrLines();
            summary = new LiveCaptureSummary(
                    result,
                    networkInterface,
                    filter,
                    Tcpdump.captured(lines),
                    Tcpdump.receivedByFilter(lines),
                    Tcpdump.droppedByKernel(lines));
            return summary;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping tcpdump", e);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("tcpdump's output did not end within " + STOP_TIMEOUT_SECONDS + " s of stopping it");
        } catch (ExecutionException e) {
            var cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(cause);
        }
    }

    /** {@link #stop()}, for try-with-resources. */
    @Override
    public void close() throws IOException {
        stop();
    }
}
