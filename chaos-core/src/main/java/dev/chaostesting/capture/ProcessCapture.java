package dev.chaostesting.capture;

import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Passive capture of a process found by pid: its listening ports are captured as {@code inbound}, and each server it
 * is connected to as {@code outbound}, every interaction of which names its dependency (attributes {@code dependency}
 * = host:port and {@code dependencyProtocol}). Discovery runs again every second: a new listening port or dependency
 * gets a capture of its own, and the running captures are left alone so nothing they hold is lost. Everything goes to
 * one {@link CaptureRecorder}.
 */
public final class ProcessCapture implements AutoCloseable {

    private static final long DISCOVERY_PERIOD_MILLIS = 1000;

    private final long pid;
    private final CaptureOptions options;
    private final CaptureRecorder recorder;
    private final Consumer<String> log;
    private final List<LiveCapture> captures = new ArrayList<>();
    private final Set<Integer> inboundPorts = new HashSet<>();
    private final Set<InetSocketAddress> dependencies = new HashSet<>();
    private final ScheduledExecutorService discovery;
    private @Nullable Path networkNamespace;
    private boolean discovering = true;
    private boolean stopped;

    private ProcessCapture(long pid, CaptureOptions options, CaptureRecorder recorder, Consumer<String> log) {
        this.pid = pid;
        this.options = options;
        this.recorder = recorder;
        this.log = log;
        this.discovery = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "chaos-pid-discovery");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Discovers the process's sockets and starts capturing them.
     *
     * @param options applied to every capture; ports and direction are set per capture
     * @param log receives one line for each capture started and when discovery stops (the process exited)
     * @throws IOException with one line to show: see {@link ProcessSockets#of} and {@link LiveCapture#start}
     */
    public static ProcessCapture start(long pid, CaptureOptions options, CaptureRecorder recorder, Consumer<String> log)
            throws IOException {
        var capture = new ProcessCapture(pid, options, recorder, log);
        try {
            capture.update(ProcessSockets.of(pid));
        } catch (IOException | RuntimeException e) {
            capture.stop();
            throw e;
        }
        capture.discovery.scheduleWithFixedDelay(
                capture::rediscover, DISCOVERY_PERIOD_MILLIS, DISCOVERY_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return capture;
    }

    private void rediscover() {
        ProcessSockets sockets;
        try {
            sockets = ProcessSockets.of(pid);
        } catch (IOException e) {
            synchronized (this) {
                if (discovering && !stopped) {
                    discovering = false;
                    log.accept("discovery stopped (" + e.getMessage() + "); the running captures go on");
                }
            }
            discovery.shutdown();
            return;
        }
        try {
            update(sockets);
        } catch (IOException | RuntimeException e) {
            log.accept("could not capture a new endpoint of process " + pid + ": " + e.getMessage());
        }
    }

    /** Starts captures for what the last discovery did not see; what is already captured is left running. */
    private synchronized void update(ProcessSockets sockets) throws IOException {
        if (stopped) {
            return;
        }
        networkNamespace = sockets.networkNamespace();
        var newPorts = new TreeSet<>(sockets.listeningPorts());
        newPorts.removeAll(inboundPorts);
        if (!newPorts.isEmpty()) {
            var filter = newPorts.stream().map(p -> "tcp port " + p).collect(Collectors.joining(" or "));
            var ports = newPorts.stream().mapToInt(Integer::intValue).toArray();
            // Clients may come over any interface.
            add(
                    "any",
                    filter,
                    options.onlyPorts(ports).direction(Direction.INBOUND),
                    numbered(captures.size() + 1, recorder::append));
            inboundPorts.addAll(newPorts);
        }
        for (var dependency : sockets.dependencies()) {
            if (dependencies.contains(dependency)) {
                continue;
            }
            var host = dependency.getAddress().getHostAddress();
            var name = dependencyName(dependency);
            // A loopback dependency only ever crosses lo: plain IP packets, and nothing else captured.
            var networkInterface = dependency.getAddress().isLoopbackAddress() ? "lo" : "any";
            var sink = numbered(
                    captures.size() + 1,
                    interaction -> recorder.append(interaction
                            .newBuilder()
                            .attribute("dependency", name)
                            .attribute("dependencyProtocol", interaction.protocol())
                            .build()));
            add(
                    networkInterface,
                    "tcp and host " + host + " and port " + dependency.getPort(),
                    options.onlyPorts(dependency.getPort()).direction(Direction.OUTBOUND),
                    sink);
            dependencies.add(dependency);
        }
    }

    private void add(String networkInterface, String filter, CaptureOptions captureOptions, Consumer<Interaction> sink)
            throws IOException {
        var capture = LiveCapture.start(networkNamespace, networkInterface, filter, captureOptions, sink);
        captures.add(capture);
        log.accept("capturing " + filter + " on " + networkInterface
                + (networkNamespace == null ? "" : " in the network namespace of process " + pid));
    }

    /** Each capture numbers its connections from c1: the capture's number keeps them apart in the one recording. */
    private static Consumer<Interaction> numbered(int capture, Consumer<Interaction> sink) {
        return interaction -> sink.accept(interaction
                .newBuilder()
                .connection(capture + "/" + interaction.connection())
                .build());
    }

    static String dependencyName(InetSocketAddress address) {
        var host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public long pid() {
        return pid;
    }

    /** The listening ports captured so far. */
    public synchronized Set<Integer> inboundPorts() {
        return Set.copyOf(inboundPorts);
    }

    /** The dependencies captured so far. */
    public synchronized Set<InetSocketAddress> dependencies() {
        return Set.copyOf(dependencies);
    }

    /** The captures running, in the order they started. */
    public synchronized List<LiveCapture> captures() {
        return List.copyOf(captures);
    }

    public long packets() {
        return captures().stream().mapToLong(LiveCapture::packets).sum();
    }

    public long connections() {
        return captures().stream().mapToLong(LiveCapture::connections).sum();
    }

    public long interactions() {
        return captures().stream().mapToLong(LiveCapture::interactions).sum();
    }

    public long bytes() {
        return captures().stream().mapToLong(LiveCapture::bytes).sum();
    }

    /**
     * Stops discovery and every capture, and returns their summaries in the order they started. Every capture is
     * stopped even when one fails; the first failure is thrown after.
     */
    public List<LiveCaptureSummary> stop() throws IOException {
        List<LiveCapture> all;
        synchronized (this) {
            stopped = true;
            all = List.copyOf(captures);
        }
        discovery.shutdownNow();
        var summaries = new ArrayList<LiveCaptureSummary>();
        IOException failure = null;
        for (var capture : all) {
            try {
                summaries.add(capture.stop());
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return summaries;
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
