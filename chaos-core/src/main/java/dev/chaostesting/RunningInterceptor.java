package dev.chaostesting;

import dev.chaostesting.fault.ActiveFault;
import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.internal.fault.FaultEngine;
import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.proxy.Addresses;
import dev.chaostesting.internal.proxy.ConnectionLabels;
import dev.chaostesting.internal.proxy.ProxyServer;
import dev.chaostesting.internal.recording.Recorder;
import dev.chaostesting.internal.transparent.Nftables;
import dev.chaostesting.internal.transparent.ProcessInterception;
import dev.chaostesting.recording.LiveRecording;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.spi.InlineCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A running interception: connect clients to {@link #port()} (or {@link #address()}) instead of the target, or, in
 * {@link Interceptor#transparent()} mode, to the target itself. Close it to stop: connections are closed, the
 * redirect rules removed, and the recording is completed on disk.
 */
public final class RunningInterceptor implements AutoCloseable {

    private final Interceptor config;
    private final ProxyServer proxy;
    private final @Nullable Recorder recorder;
    private final @Nullable Nftables rules;
    private final @Nullable ProcessInterception process;
    private static final boolean FAULTS_OFF = "off".equals(System.getProperty("chaos.faults"));

    private final FaultEngine faults;
    private final Codecs codecs;
    private volatile boolean closed;

    private RunningInterceptor(
            Interceptor config,
            ProxyServer proxy,
            @Nullable Recorder recorder,
            @Nullable Nftables rules,
            @Nullable ProcessInterception process,
            FaultEngine faults,
            Codecs codecs) {
        this.config = config;
        this.faults = faults;
        this.codecs = codecs;
        this.proxy = proxy;
        this.recorder = recorder;
        this.rules = rules;
        this.process = process;
    }

    static RunningInterceptor start(Interceptor config) throws IOException {
        // Checked first, so that nothing is started (or recorded) for a transparent mode that cannot work.
        Path nft = config.transparentMode() ? Nftables.preflight() : null;
        var process = config.pid() > 0 ? ProcessInterception.prepare(config.pid()) : null;
        Recorder recorder = null;
        if (config.recording()) {
            var dir = config.recordingDirectory();
            if (dir == null) {
                recorder = Recorder.inMemory(config.redaction());
            } else {
                var details = new LinkedHashMap<String, String>();
                details.put("mode", config.transparentMode() ? "transparent" : "proxy");
                details.put("listen", Addresses.format(config.listenAddress()));
                RecordingInfo info;
                if (process != null) {
                    details.put("pid", Long.toString(process.pid()));
                    info = RecordingInfo.started("process", "pid " + process.pid(), details);
                } else {
                    details.put("direction", config.direction().wireName());
                    info = RecordingInfo.started("proxy", Addresses.format(config.target()), details);
                }
                recorder = Recorder.toDirectory(dir, info, config.redaction());
            }
        }
        var codecs = Codecs.load();
        for (var fault : config.faults()) {
            checkProtocolFault(codecs, fault);
        }
        var labels = process != null ? process.labels() : ConnectionLabels.fixed(config.direction());
        var observation = recorder == null
                ? null
                : new ProxyServer.Observation(
                        codecs, config.protocol(), config.maxRecordedBodyBytes(), labels, recorder);
        var faults = new FaultEngine(config.seed());
        config.faults().forEach(faults::inject);
        ProxyServer proxy = null;
        try {
            proxy = ProxyServer.start(new ProxyServer.Settings(
                    config.listenAddress(),
                    config.target(),
                    config.ioThreads(),
                    config.connectTimeout(),
                    observation,
                    nft != null,
                    // Benchmarks only: -Dchaos.faults=off runs the proxy without the fault engine, to measure its cost.
                    FAULTS_OFF ? null : faults,
                    labels,
                    codecs,
                    config.protocolFaultsMode()));
            Nftables rules = null;
            if (process != null) {
                process.start(nft, proxy.localAddress().getPort(), config.closeExistingMode(), config.logLines());
            } else if (nft != null) {
                rules = Nftables.redirect(
                        nft, config.target().getPort(), proxy.localAddress().getPort());
            }
            return new RunningInterceptor(config, proxy, recorder, rules, process, faults, codecs);
        } catch (IOException | RuntimeException e) {
            if (process != null) {
                process.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (recorder != null) {
                recorder.close();
            }
            throw e;
        }
    }

    /** The port clients connect to. */
    public int port() {
        return proxy.localAddress().getPort();
    }

    /** The address clients connect to. */
    public InetSocketAddress address() {
        return proxy.localAddress();
    }

    /** Where traffic is forwarded. */
    public InetSocketAddress target() {
        return proxy.target();
    }

    /** The configuration this was started from. */
    public Interceptor config() {
        return config;
    }

    /**
     * The recording, live.
     *
     * @throws IllegalStateException when recording is off
     */
    public LiveRecording recording() {
        if (recorder == null) {
            throw new IllegalStateException(
                    "recording is off: configure the interceptor with record() or recordTo(dir)");
        }
        return recorder;
    }

    /** With {@link Interceptor#onProcess}: the process's listening ports redirected so far; else empty. */
    public Set<Integer> interceptedPorts() {
        return process == null ? Set.of() : process.ports();
    }

    /**
     * Injects a fault now: it acts on new bytes of open connections and on new connections, from whichever I/O thread
     * handles them; thread-safe. See {@link dev.chaostesting.fault.Faults}.
     */
    public ActiveFault inject(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        if (FAULTS_OFF) {
            throw new IllegalStateException("the fault engine is off (-Dchaos.faults=off): remove that property");
        }
        checkProtocolFault(codecs, fault);
        var injected = faults.inject(fault);
        return new ActiveFault() {
            @Override
            public Fault fault() {
                return fault;
            }

            @Override
            public void remove() {
                faults.remove(injected.id());
            }

            @Override
            public String toString() {
                return "ActiveFault[" + fault.name() + "]";
            }
        };
    }

    /**
     * A protocol fault needs a codec of that name that works in line, and a spec that codec accepts.
     *
     * @throws IllegalArgumentException one line saying which
     */
    static void checkProtocolFault(Codecs codecs, Fault fault) {
        if (!(fault.effect() instanceof Effect.Protocol p)) {
            return;
        }
        var codec = codecs.byName(p.protocol())
                .orElseThrow(() -> new IllegalArgumentException("protocol fault: no codec named '" + p.protocol()
                        + "' (expected one of: " + String.join(", ", codecs.names()) + ")"));
        if (!(codec instanceof InlineCodec inline)) {
            throw new IllegalArgumentException(
                    "protocol fault: the " + p.protocol() + " codec cannot act on messages in line yet");
        }
        inline.checkFault(p.spec());
    }

    /** Removes every injection of this fault (compared by value); returns how many there were. */
    public int remove(Fault fault) {
        return faults.remove(fault);
    }

    /** Removes every fault. */
    public void clearFaults() {
        faults.clear();
    }

    /** The faults injected now, in the order they were injected. */
    public List<Fault> faults() {
        return faults.faults();
    }

    /** The seed of the faults' random decisions (see {@link Interceptor#seed}). */
    public long seed() {
        return faults.seed();
    }

    /** Counters so far. */
    public InterceptorStats stats() {
        var s = proxy.stats();
        return new InterceptorStats(
                s.connectionsOpened(),
                s.activeConnections(),
                s.connectFailures(),
                s.bytesFromClients(),
                s.bytesFromServers(),
                recorder == null ? 0 : recorder.count(),
                recorder == null ? 0 : recorder.dropped());
    }

    /** Stops accepting, closes all connections, and completes the recording. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Connections first, while the redirect rules still exist: the kernel translates the closing packets back to
        // the
        // address each client connected to only while a NAT chain is hooked. A client connecting in between is
        // refused (the proxy no longer listens) rather than left on a connection that can never end.
        if (rules != null || process != null) {
            proxy.closeConnections();
        }
        if (rules != null) {
            rules.close();
        }
        if (process != null) {
            process.close();
        }
        proxy.close();
        if (recorder != null) {
            try {
                recorder.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String toString() {
        return "RunningInterceptor[" + Addresses.format(address()) + " -> " + Addresses.format(target()) + "]";
    }
}
