package dev.chaostesting.internal.transparent;

import dev.chaostesting.capture.ProcessSockets;
import dev.chaostesting.internal.proxy.Addresses;
import dev.chaostesting.internal.proxy.ConnectionLabels;
import dev.chaostesting.model.Direction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Transparent interception of one process: connections to its listening ports ({@code inbound}) and the connections
 * it opens ({@code outbound}, each naming its {@code dependency}) are redirected into the proxy, which forwards them
 * where they were going. Its listening ports are discovered again every second, so a port opened later is redirected
 * too. Connections that were open before are not redirected (their packets are past the NAT decision): they are
 * reported, and closed on request ({@code ss -K}) so that the process reconnects through the proxy.
 */
public final class ProcessInterception implements AutoCloseable {

    private static final long DISCOVERY_PERIOD_MILLIS = 1000;

    private final long pid;
    private final ProcessSockets initial;
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Boolean> local = new ConcurrentHashMap<>();
    private @Nullable ProcessCgroup cgroup;
    private @Nullable Nftables rules;
    private @Nullable ScheduledExecutorService discovery;
    private @Nullable Thread shutdownHook;
    private boolean closed;

    private ProcessInterception(long pid, ProcessSockets initial) {
        this.pid = pid;
        this.initial = initial;
        ports.addAll(initial.listeningPorts());
    }

    /**
     * Reads the process's sockets: the first step, before the proxy starts.
     *
     * @throws IOException with one line to show: see {@link ProcessSockets#of}, or a process in another network
     *     namespace
     */
    public static ProcessInterception prepare(long pid) throws IOException {
        var sockets = ProcessSockets.of(pid);
        if (sockets.inOtherNetworkNamespace()) {
            throw new IOException("process " + pid + " is in another network namespace (a container): transparent"
                    + " mode cannot redirect it yet; observe it with the capture mode");
        }
        return new ProcessInterception(pid, sockets);
    }

    /** Inbound for connections to one of the process's listening ports on this host, outbound for the rest. */
    public ConnectionLabels labels() {
        return target -> {
            if (ports.contains(target.getPort()) && isLocal(target.getAddress())) {
                return new ConnectionLabels.Label(Direction.INBOUND, Map.of());
            }
            return new ConnectionLabels.Label(Direction.OUTBOUND, Map.of("dependency", Addresses.format(target)));
        };
    }

    /**
     * Installs the redirects into {@code proxyPort}, then deals with the connections already open.
     *
     * @param closeExisting close (reset) the process's outbound connections that were open before, so it reconnects
     *     through the proxy; else they are only reported
     * @param log one line per notable event
     */
    public synchronized void start(Path nft, int proxyPort, boolean closeExisting, Consumer<String> log)
            throws IOException {
        cgroup = ProcessCgroup.of(pid);
        try {
            rules = Nftables.redirectProcess(nft, new TreeSet<>(ports), cgroup.nftMatch(), proxyPort);
        } catch (IOException | RuntimeException e) {
            cgroup.close();
            throw e;
        }
        shutdownHook = new Thread(this::closeQuietly, "chaos-process-interception-cleanup");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        log.accept("redirecting connections to port" + (ports.size() == 1 ? " " : "s ")
                + new TreeSet<>(ports).stream().map(String::valueOf).collect(Collectors.joining(", "))
                + " of process " + pid + " and the connections it opens (cgroup " + cgroup.path()
                + (cgroup.moved() ? ", moved there until the end" : "") + ")");
        var open = initial.outboundConnections();
        if (!open.isEmpty()) {
            if (closeExisting) {
                for (var c : open) {
                    log.accept(closeConnection(c));
                }
            } else {
                for (var c : open) {
                    log.accept("already open, not intercepted: " + Addresses.format(c.local()) + " -> "
                            + Addresses.format(c.remote())
                            + " (close such connections on start so the process reconnects through the"
                            + " interceptor)");
                }
            }
        }
        var executor = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "chaos-process-discovery");
            t.setDaemon(true);
            return t;
        });
        discovery = executor;
        executor.scheduleWithFixedDelay(
                () -> rediscover(log), DISCOVERY_PERIOD_MILLIS, DISCOVERY_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The ports redirected so far. */
    public Set<Integer> ports() {
        return Set.copyOf(ports);
    }

    public long pid() {
        return pid;
    }

    private void rediscover(Consumer<String> log) {
        ProcessSockets sockets;
        try {
            sockets = ProcessSockets.of(pid);
        } catch (IOException e) {
            log.accept("discovery stopped (" + e.getMessage() + ")");
            var executor = discovery;
            if (executor != null) {
                executor.shutdown();
            }
            return;
        }
        for (int port : sockets.listeningPorts()) {
            synchronized (this) {
                if (closed || rules == null) {
                    return;
                }
                if (ports.contains(port)) {
                    continue;
                }
                try {
                    rules.addPort(port);
                    ports.add(port);
                    log.accept("redirecting connections to port " + port + " of process " + pid + " (new)");
                } catch (IOException e) {
                    log.accept("could not redirect new port " + port + ": " + e.getMessage());
                }
            }
        }
    }

    /** {@code ss -K}: the kernel aborts the socket (the process sees ECONNABORTED, the server a reset). */
    private static String closeConnection(ProcessSockets.Connection c) {
        var command = List.of(
                ss(), "-K", "-t", "-n", "src", Addresses.format(c.local()), "dst", Addresses.format(c.remote()));
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "could not close " + Addresses.format(c.local()) + " -> " + Addresses.format(c.remote())
                        + ": ss did not finish";
            }
            if (process.exitValue() != 0) {
                return "could not close " + Addresses.format(c.local()) + " -> " + Addresses.format(c.remote()) + ": "
                        + output.strip();
            }
            return "closed already open connection " + Addresses.format(c.local()) + " -> "
                    + Addresses.format(c.remote()) + " (the process reconnects through the interceptor)";
        } catch (IOException e) {
            return "could not close " + Addresses.format(c.local()) + " -> " + Addresses.format(c.remote()) + ": "
                    + e.getMessage() + " (ss comes with iproute2)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while closing " + Addresses.format(c.local());
        }
    }

    private static String ss() {
        for (var dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, "ss"))) {
                return Path.of(dir, "ss").toString();
            }
        }
        return "ss";
    }

    private boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        return local.computeIfAbsent(address, a -> {
            try {
                return NetworkInterface.getByInetAddress(a) != null;
            } catch (SocketException e) {
                return false;
            }
        });
    }

    /** Stops discovery, removes the rules and moves the process back to its cgroup. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // shutting down: the hook does the same
            }
        }
        var problems = new ArrayList<String>();
        if (discovery != null) {
            discovery.shutdownNow();
        }
        if (rules != null) {
            try {
                rules.close();
            } catch (UncheckedIOException e) {
                problems.add(e.getCause().getMessage());
            }
        }
        if (cgroup != null) {
            try {
                cgroup.close();
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new UncheckedIOException(new IOException(String.join("; ", problems)));
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println(
                    "chaos-testing: could not undo the interception of process " + pid + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "ProcessInterception[pid=" + pid + ", ports=" + new TreeSet<>(ports) + "]";
    }
}
