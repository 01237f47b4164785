package dev.chaostesting;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Redaction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What to intercept and how: an immutable configuration. Every method returns a new configuration, so one can be
 * shared and varied freely; {@link #start()} makes a {@link RunningInterceptor}.
 *
 * <p>Traffic is intercepted through a proxy: it listens on a port of its own (a free one unless {@link #listenOn} says
 * otherwise), forwards every connection to the target unchanged, and records what passes when asked to.
 *
 * <pre>{@code
 * try (var db = Interceptor.onPort(5432).direction(Direction.OUTBOUND).recordTo(Path.of("rec")).start()) {
 *     // the service under test connects to db.port()
 * }
 * }</pre>
 */
public final class Interceptor {

    /** Default cap on the recorded copy of one body: 1 MiB. Forwarding is never capped. */
    public static final int DEFAULT_MAX_RECORDED_BODY_BYTES = 1024 * 1024;

    private final InetSocketAddress target;
    private final InetSocketAddress listen;
    private final boolean record;
    private final @Nullable Path recordTo;
    private final @Nullable String protocol;
    private final Direction direction;
    private final int maxRecordedBodyBytes;
    private final Redaction redaction;
    private final Duration connectTimeout;
    private final int ioThreads;
    private final boolean transparent;
    private final long pid;
    private final boolean closeExisting;
    private final Consumer<String> log;
    private final List<Fault> faults;
    private final long seed;
    private final boolean protocolFaults;

    private Interceptor(Settings s) {
        this.target = s.target;
        this.listen = s.listen;
        this.record = s.record;
        this.recordTo = s.recordTo;
        this.protocol = s.protocol;
        this.direction = s.direction;
        this.maxRecordedBodyBytes = s.maxRecordedBodyBytes;
        this.redaction = s.redaction;
        this.connectTimeout = s.connectTimeout;
        this.ioThreads = s.ioThreads;
        this.transparent = s.transparent;
        this.pid = s.pid;
        this.closeExisting = s.closeExisting;
        this.log = s.log;
        this.faults = List.copyOf(s.faults);
        this.seed = s.seed;
        this.protocolFaults = s.protocolFaults;
    }

    /** Intercepts traffic meant for this port on the loopback address. */
    public static Interceptor onPort(int port) {
        return forwardTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), checkPort(port)));
    }

    /** Intercepts traffic meant for this address. */
    public static Interceptor forwardTo(InetSocketAddress target) {
        var s = new Settings();
        s.target = Objects.requireNonNull(target, "target");
        return new Interceptor(s);
    }

    /**
     * Intercepts a running process transparently, without restarting or reconfiguring it: connections to the ports it
     * listens on are recorded as {@code inbound}, and the connections it opens (its database, cache, broker, other
     * services) as {@code outbound}, each interaction naming its {@code dependency} ({@code host:port}). Ports it starts
     * listening on later are picked up within a second.
     *
     * <p>nftables redirects both into the proxy (see {@link #transparent()} for what that needs); the process's own
     * connections are recognised by their cgroup (v2): a process in the root cgroup is moved into a cgroup of ours for
     * the duration and moved back on close. Connections it had open before are not redirected: they are reported
     * through {@link #log}, and {@link #closeExistingConnections()} resets them so it reconnects through the proxy.
     * IPv4 and IPv6; a process in another network namespace (a container) is refused with a clear message.
     */
    public static Interceptor onProcess(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
        }
        return new Interceptor(new Settings()).with(s -> {
            s.pid = pid;
            s.transparent = true;
        });
    }

    /**
     * With {@link #onProcess}: on start, close the process's outbound connections that were already open (the kernel
     * resets them, as {@code ss -K} does), so that a client with a connection pool reconnects through the interceptor.
     */
    public Interceptor closeExistingConnections() {
        return with(s -> s.closeExisting = true);
    }

    /** Receives one line per notable event (redirects installed, connections already open or closed, new ports). */
    public Interceptor log(Consumer<String> lines) {
        Objects.requireNonNull(lines, "lines");
        return with(s -> s.log = lines);
    }

    /**
     * Injects these faults from the start (more can be injected and removed while it runs: {@link
     * RunningInterceptor#inject}). See {@link dev.chaostesting.fault.Faults}.
     *
     * <pre>{@code
     * Interceptor.onPort(5432).inject(Faults.latency(Duration.ofMillis(200))).start()
     * }</pre>
     */
    public Interceptor inject(Fault... more) {
        var list = List.of(more);
        return with(s -> s.faults.addAll(list));
    }

    /**
     * Runs every connection in line with its codec, so that protocol faults ({@code Faults.protocol}, e.g. a PostgreSQL
     * error for UPDATE statements) can act on it, including faults injected later into connections already open (a
     * service's pooled connections). Without this, only connections opened while a protocol fault is injected run in
     * line. Costs a little latency: bytes are held to message boundaries.
     */
    public Interceptor protocolFaults() {
        return with(s -> s.protocolFaults = true);
    }

    /**
     * The seed of the random decisions faults make (toxicity, jitter, slice sizes): the same seed and the same order of
     * connections give the same decisions. Default: a random seed, reported by {@link RunningInterceptor#seed()}.
     */
    public Interceptor seed(long value) {
        return with(s -> s.seed = value);
    }

    /** Listens on this port of the loopback address (0: any free port, the default). */
    public Interceptor listenOn(int port) {
        return listenOn(new InetSocketAddress(InetAddress.getLoopbackAddress(), checkPort(port)));
    }

    /** Listens on this address, e.g. {@code 0.0.0.0:9090} to accept clients from other hosts. */
    public Interceptor listenOn(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        return with(s -> s.listen = address);
    }

    /** Records the traffic in memory, readable through {@link RunningInterceptor#recording()}. */
    public Interceptor record() {
        return with(s -> {
            s.record = true;
            s.recordTo = null;
        });
    }

    /**
     * Records the traffic into a new recording directory (see docs/recording-format.md); memory stays flat however long
     * it runs.
     */
    public Interceptor recordTo(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return with(s -> {
            s.record = true;
            s.recordTo = directory;
        });
    }

    /**
     * Decodes every connection as this protocol instead of detecting it from the first bytes: a codec's name (e.g.
     * {@code http}) or {@code tcp} for raw recording. Checked by {@link #start()}.
     */
    public Interceptor protocol(String name) {
        Objects.requireNonNull(name, "name");
        return with(s -> s.protocol = name);
    }

    /**
     * Whether the target is the observed service ({@code INBOUND}, the default) or one of its dependencies
     * ({@code OUTBOUND}: a database, a cache, another service it calls).
     */
    public Interceptor direction(Direction direction) {
        Objects.requireNonNull(direction, "direction");
        return with(s -> s.direction = direction);
    }

    /** The most bytes of one body to record; longer bodies are recorded truncated and marked so. */
    public Interceptor maxRecordedBodyBytes(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxRecordedBodyBytes: " + bytes + " (expected: >= 0)");
        }
        return with(s -> s.maxRecordedBodyBytes = bytes);
    }

    /** Which secrets to remove from the recording; {@link Redaction#defaults()} unless set. */
    public Interceptor redaction(Redaction redaction) {
        Objects.requireNonNull(redaction, "redaction");
        return with(s -> s.redaction = redaction);
    }

    /** How long to wait for the target to accept a connection before closing the client's (default 10 s). */
    public Interceptor connectTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + timeout + " (expected: > 0)");
        }
        return with(s -> s.connectTimeout = timeout);
    }

    /** How many I/O threads the proxy uses (default: one per core). */
    public Interceptor ioThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ioThreads: " + threads + " (expected: >= 1)");
        }
        return with(s -> s.ioThreads = threads);
    }

    /**
     * Intercepts without changing the clients: connections to the target's port are redirected to the proxy by
     * nftables rules, instead of clients connecting to {@link RunningInterceptor#port()}. Connections made on this host
     * (loopback included) are redirected, and so are those arriving from other hosts; these reach the proxy only when it
     * listens on their interface, e.g. {@code listenOn(new InetSocketAddress("0.0.0.0", 0))}. The proxy forwards each
     * connection to the destination the client asked for (the kernel's {@code SO_ORIGINAL_DST}), with a packet mark the
     * rules let through, so its own connections are not redirected back to it.
     *
     * <p>TCP over IPv4 and IPv6 (a proxy on {@code 127.0.0.1} also listens on {@code ::1}, where IPv6 redirects land).
     * Needs Linux with the native epoll transport, the {@code nft} command (package
     * {@code nftables}) and root or {@code CAP_NET_ADMIN}; {@link #start()} says which is missing. The rules live in the
     * nftables table {@code inet chaos_testing}; {@link RunningInterceptor#close()} and a JVM shutdown hook remove them,
     * and the next start removes those of a process that was killed.
     */
    public Interceptor transparent() {
        return with(s -> s.transparent = true);
    }

    /** A copy of this configuration with one change: configurations are never mutated. */
    private Interceptor with(Consumer<Settings> change) {
        var s = new Settings();
        s.target = target;
        s.listen = listen;
        s.record = record;
        s.recordTo = recordTo;
        s.protocol = protocol;
        s.direction = direction;
        s.maxRecordedBodyBytes = maxRecordedBodyBytes;
        s.redaction = redaction;
        s.connectTimeout = connectTimeout;
        s.ioThreads = ioThreads;
        s.transparent = transparent;
        s.pid = pid;
        s.closeExisting = closeExisting;
        s.log = log;
        s.faults = new ArrayList<>(faults);
        s.seed = seed;
        s.protocolFaults = protocolFaults;
        change.accept(s);
        return new Interceptor(s);
    }

    /** The mutable form used only while deriving a new configuration, with the defaults. */
    private static final class Settings {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        boolean record;

        @Nullable
        Path recordTo;

        @Nullable
        String protocol;

        Direction direction = Direction.INBOUND;
        int maxRecordedBodyBytes = DEFAULT_MAX_RECORDED_BODY_BYTES;
        Redaction redaction = Redaction.defaults();
        Duration connectTimeout = Duration.ofSeconds(10);
        int ioThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        boolean transparent;
        long pid;
        boolean closeExisting;
        Consumer<String> log = line -> {};
        List<Fault> faults = new ArrayList<>();
        long seed = new SplittableRandom().nextLong();
        boolean protocolFaults;
    }

    /**
     * Starts intercepting.
     *
     * @throws IOException when the listening address cannot be bound or the recording directory cannot be created, or
     *     when {@link #transparent()} mode lacks what it needs (the message says what)
     * @throws IllegalArgumentException when {@link #protocol} names no known codec
     */
    public RunningInterceptor start() throws IOException {
        if (protocol != null) {
            var codecs = Codecs.load();
            if (!codecs.names().contains(protocol)) {
                throw new IllegalArgumentException(
                        "protocol: " + protocol + " (expected one of: " + String.join(", ", codecs.names()) + ")");
            }
        }
        return RunningInterceptor.start(this);
    }

    public InetSocketAddress target() {
        return target;
    }

    public InetSocketAddress listenAddress() {
        return listen;
    }

    public boolean recording() {
        return record;
    }

    public @Nullable Path recordingDirectory() {
        return recordTo;
    }

    public @Nullable String protocol() {
        return protocol;
    }

    public Direction direction() {
        return direction;
    }

    public int maxRecordedBodyBytes() {
        return maxRecordedBodyBytes;
    }

    public Redaction redaction() {
        return redaction;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int ioThreads() {
        return ioThreads;
    }

    /** Whether connections are redirected by nftables ({@link #transparent()} or {@link #onProcess}). */
    public boolean transparentMode() {
        return transparent;
    }

    /** The faults injected from the start. */
    public List<Fault> faults() {
        return faults;
    }

    public long seed() {
        return seed;
    }

    /** The process of {@link #onProcess}, or 0. */
    public long pid() {
        return pid;
    }

    boolean protocolFaultsMode() {
        return protocolFaults
                || faults.stream().anyMatch(f -> f.effect() instanceof dev.chaostesting.fault.Effect.Protocol);
    }

    boolean closeExistingMode() {
        return closeExisting;
    }

    Consumer<String> logLines() {
        return log;
    }

    @Override
    public String toString() {
        if (pid > 0) {
            return "Interceptor[process=" + pid + ", listen=" + listen + ", record="
                    + (recordTo != null ? recordTo : record) + "]";
        }
        return "Interceptor[target=" + target + ", listen=" + listen + ", record="
                + (recordTo != null ? recordTo : record) + ", protocol=" + (protocol == null ? "detect" : protocol)
                + ", direction=" + direction.wireName() + (transparent ? ", transparent" : "") + "]";
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        return port;
    }
}
