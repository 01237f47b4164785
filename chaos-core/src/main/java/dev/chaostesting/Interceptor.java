package dev.chaostesting;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Redaction;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
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

    private Interceptor(
            InetSocketAddress target,
            InetSocketAddress listen,
            boolean record,
            @Nullable Path recordTo,
            @Nullable String protocol,
            Direction direction,
            int maxRecordedBodyBytes,
            Redaction redaction,
            Duration connectTimeout,
            int ioThreads) {
        this.target = target;
        this.listen = listen;
        this.record = record;
        this.recordTo = recordTo;
        this.protocol = protocol;
        this.direction = direction;
        this.maxRecordedBodyBytes = maxRecordedBodyBytes;
        this.redaction = redaction;
        this.connectTimeout = connectTimeout;
        this.ioThreads = ioThreads;
    }

    /** Intercepts traffic meant for this port on the loopback address. */
    public static Interceptor onPort(int port) {
        return forwardTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), checkPort(port)));
    }

    /** Intercepts traffic meant for this address. */
    public static Interceptor forwardTo(InetSocketAddress target) {
        Objects.requireNonNull(target, "target");
        return new Interceptor(
                target,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                false,
                null,
                null,
                Direction.INBOUND,
                DEFAULT_MAX_RECORDED_BODY_BYTES,
                Redaction.defaults(),
                Duration.ofSeconds(10),
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** Listens on this port of the loopback address (0: any free port, the default). */
    public Interceptor listenOn(int port) {
        return listenOn(new InetSocketAddress(InetAddress.getLoopbackAddress(), checkPort(port)));
    }

    /** Listens on this address, e.g. {@code 0.0.0.0:9090} to accept clients from other hosts. */
    public Interceptor listenOn(InetSocketAddress address) {
        return new Interceptor(
                target,
                Objects.requireNonNull(address, "address"),
                record,
                recordTo,
                protocol,
                direction,
                maxRecordedBodyBytes,
                redaction,
                connectTimeout,
                ioThreads);
    }

    /** Records the traffic in memory, readable through {@link RunningInterceptor#recording()}. */
    public Interceptor record() {
        return new Interceptor(
                target,
                listen,
                true,
                null,
                protocol,
                direction,
                maxRecordedBodyBytes,
                redaction,
                connectTimeout,
                ioThreads);
    }

    /**
     * Records the traffic into a new recording directory (see docs/recording-format.md); memory stays flat however long
     * it runs.
     */
    public Interceptor recordTo(Path directory) {
        return new Interceptor(
                target,
                listen,
                true,
                Objects.requireNonNull(directory, "directory"),
                protocol,
                direction,
                maxRecordedBodyBytes,
                redaction,
                connectTimeout,
                ioThreads);
    }

    /**
     * Decodes every connection as this protocol instead of detecting it from the first bytes: a codec's name (e.g.
     * {@code http}) or {@code tcp} for raw recording. Checked by {@link #start()}.
     */
    public Interceptor protocol(String name) {
        return new Interceptor(
                target,
                listen,
                record,
                recordTo,
                Objects.requireNonNull(name, "name"),
                direction,
                maxRecordedBodyBytes,
                redaction,
                connectTimeout,
                ioThreads);
    }

    /**
     * Whether the target is the observed service ({@code INBOUND}, the default) or one of its dependencies
     * ({@code OUTBOUND}: a database, a cache, another service it calls).
     */
    public Interceptor direction(Direction direction) {
        return new Interceptor(
                target,
                listen,
                record,
                recordTo,
                protocol,
                Objects.requireNonNull(direction, "direction"),
                maxRecordedBodyBytes,
                redaction,
                connectTimeout,
                ioThreads);
    }

    /** The most bytes of one body to record; longer bodies are recorded truncated and marked so. */
    public Interceptor maxRecordedBodyBytes(int bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxRecordedBodyBytes: " + bytes + " (expected: >= 0)");
        }
        return new Interceptor(
                target, listen, record, recordTo, protocol, direction, bytes, redaction, connectTimeout, ioThreads);
    }

    /** Which secrets to remove from the recording; {@link Redaction#defaults()} unless set. */
    public Interceptor redaction(Redaction redaction) {
        return new Interceptor(
                target,
                listen,
                record,
                recordTo,
                protocol,
                direction,
                maxRecordedBodyBytes,
                Objects.requireNonNull(redaction, "redaction"),
                connectTimeout,
                ioThreads);
    }

    /** How long to wait for the target to accept a connection before closing the client's (default 10 s). */
    public Interceptor connectTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout: " + timeout + " (expected: > 0)");
        }
        return new Interceptor(
                target,
                listen,
                record,
                recordTo,
                protocol,
                direction,
                maxRecordedBodyBytes,
                redaction,
                timeout,
                ioThreads);
    }

    /** How many I/O threads the proxy uses (default: one per core). */
    public Interceptor ioThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ioThreads: " + threads + " (expected: >= 1)");
        }
        return new Interceptor(
                target,
                listen,
                record,
                recordTo,
                protocol,
                direction,
                maxRecordedBodyBytes,
                redaction,
                connectTimeout,
                threads);
    }

    /**
     * Starts intercepting.
     *
     * @throws IOException when the listening address cannot be bound or the recording directory cannot be created
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

    @Override
    public String toString() {
        return "Interceptor[target=" + target + ", listen=" + listen + ", record="
                + (recordTo != null ? recordTo : record) + ", protocol=" + (protocol == null ? "detect" : protocol)
                + ", direction=" + direction.wireName() + "]";
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        return port;
    }
}
