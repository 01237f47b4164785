package dev.chaostesting.replay;

import dev.chaostesting.RunningInterceptor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ChaosRun#run} does: an immutable configuration, made with {@link #builder} and copied back into one with
 * {@link #newBuilder()}.
 *
 * <p>How faults reach the service's dependencies, in this order:
 *
 * <ol>
 *   <li>{@link Builder#interceptors}: interceptors the caller started and the service already uses (e.g. its
 *       {@code DATABASE_URL} points at one). Faults are injected into them; they are not closed.
 *   <li>{@link Builder#proxy}: a proxy listening on this port, forwarding to the dependency, started for the run (the
 *       service must be configured to use that port).
 *   <li>Otherwise transparent interception of the service's process ({@code Interceptor.onProcess}): the process of
 *       {@link Builder#pid}, or the one listening on the target's port (read from /proc). Needs root and nftables.
 * </ol>
 */
public final class ChaosOptions {

    private final Path input;
    private final URI target;
    private final FaultPlan plan;
    private final long pid;
    private final Map<String, Integer> proxies;
    private final List<RunningInterceptor> interceptors;
    private final @Nullable Long seed;
    private final Rate rate;
    private final int maxRequestsPerStep;
    private final Duration maxStepDuration;
    private final Duration requestTimeout;
    private final double slowFactor;
    private final Duration slowFloor;
    private final Duration recoveryTimeout;
    private final int concurrency;
    private final Set<Outcome> failOn;
    private final @Nullable Path reportDirectory;
    private final Map<String, String> environment;
    private final Consumer<String> log;

    private ChaosOptions(Builder b) {
        this.input = b.input;
        this.target = b.target;
        this.plan = b.plan;
        this.pid = b.pid;
        this.proxies = Map.copyOf(b.proxies);
        this.interceptors = List.copyOf(b.interceptors);
        this.seed = b.seed;
        this.rate = b.rate;
        this.maxRequestsPerStep = b.maxRequestsPerStep;
        this.maxStepDuration = b.maxStepDuration;
        this.requestTimeout = b.requestTimeout;
        this.slowFactor = b.slowFactor;
        this.slowFloor = b.slowFloor;
        this.recoveryTimeout = b.recoveryTimeout;
        this.concurrency = b.concurrency;
        this.failOn = Set.copyOf(b.failOn);
        this.reportDirectory = b.reportDirectory;
        this.environment = Map.copyOf(b.environment);
        this.log = b.log;
    }

    /**
     * Starts a configuration.
     *
     * @param input the recording directory (its inbound HTTP interactions are replayed, its outbound interactions name
     *     the dependencies)
     * @param target the running service, e.g. {@code http://127.0.0.1:8080}
     */
    public static Builder builder(Path input, URI target) {
        return new Builder(input, target);
    }

    public Builder newBuilder() {
        var b = new Builder(input, target);
        b.plan = plan;
        b.pid = pid;
        b.proxies.putAll(proxies);
        b.interceptors.addAll(interceptors);
        b.seed = seed;
        b.rate = rate;
        b.maxRequestsPerStep = maxRequestsPerStep;
        b.maxStepDuration = maxStepDuration;
        b.requestTimeout = requestTimeout;
        b.slowFactor = slowFactor;
        b.slowFloor = slowFloor;
        b.recoveryTimeout = recoveryTimeout;
        b.concurrency = concurrency;
        b.failOn = EnumSet.noneOf(Outcome.class);
        b.failOn.addAll(failOn);
        b.reportDirectory = reportDirectory;
        b.environment = new LinkedHashMap<>(environment);
        b.log = log;
        return b;
    }

    public Path input() {
        return input;
    }

    public URI target() {
        return target;
    }

    public FaultPlan plan() {
        return plan;
    }

    /** The service's process for transparent mode, or 0. */
    public long pid() {
        return pid;
    }

    /** Dependency ({@code host:port}) to the loopback port its proxy listens on. */
    public Map<String, Integer> proxies() {
        return proxies;
    }

    public List<RunningInterceptor> interceptors() {
        return interceptors;
    }

    /** The seed of the faults' random decisions, or null for a random one (reported). */
    public @Nullable Long seed() {
        return seed;
    }

    public Rate rate() {
        return rate;
    }

    public int maxRequestsPerStep() {
        return maxRequestsPerStep;
    }

    public Duration maxStepDuration() {
        return maxStepDuration;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public double slowFactor() {
        return slowFactor;
    }

    public Duration slowFloor() {
        return slowFloor;
    }

    public Duration recoveryTimeout() {
        return recoveryTimeout;
    }

    public int concurrency() {
        return concurrency;
    }

    public Set<Outcome> failOn() {
        return failOn;
    }

    public @Nullable Path reportDirectory() {
        return reportDirectory;
    }

    /** Where login passwords are looked up ({@code CHAOS_PASSWORD_<USER>}, {@code CHAOS_PASSWORD}). */
    public Map<String, String> environment() {
        return environment;
    }

    public Consumer<String> log() {
        return log;
    }

    /** Builds {@link ChaosOptions}; every setter checks its value. */
    public static final class Builder {
        private final Path input;
        private final URI target;
        private FaultPlan plan = FaultPlan.level("moderate");
        private long pid;
        private final Map<String, Integer> proxies = new LinkedHashMap<>();
        private final List<RunningInterceptor> interceptors = new ArrayList<>();
        private @Nullable Long seed;
        private Rate rate = Rate.recorded();
        private int maxRequestsPerStep = 2000;
        private Duration maxStepDuration = Duration.ofSeconds(60);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private double slowFactor = 3;
        private Duration slowFloor = Duration.ofMillis(100);
        private Duration recoveryTimeout = Duration.ofSeconds(30);
        private int concurrency = 64;
        private Set<Outcome> failOn = EnumSet.of(Outcome.HUNG, Outcome.CRASHED);
        private @Nullable Path reportDirectory;
        private Map<String, String> environment = System.getenv();
        private Consumer<String> log = line -> {};

        private Builder(Path input, URI target) {
            this.input = Objects.requireNonNull(input, "input");
            Objects.requireNonNull(target, "target");
            if (!"http".equalsIgnoreCase(target.getScheme()) || target.getHost() == null) {
                throw new IllegalArgumentException("target: '" + target + "' (expected http://HOST:PORT)");
            }
            this.target = target;
        }

        /** A shipped level: {@code mild}, {@code moderate} (the default) or {@code extreme}. */
        public Builder level(String level) {
            this.plan = FaultPlan.level(level);
            return this;
        }

        public Builder plan(FaultPlan plan) {
            this.plan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /** Transparent mode on this process. */
        public Builder pid(long pid) {
            if (pid <= 0) {
                throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
            }
            this.pid = pid;
            return this;
        }

        /** Starts a proxy on this loopback port forwarding to {@code dependency} ({@code host:port}) for the run. */
        public Builder proxy(String dependency, int listenPort) {
            if (listenPort < 1 || listenPort > 65535) {
                throw new IllegalArgumentException("proxy port: " + listenPort + " (expected: 1..65535)");
            }
            proxies.put(Objects.requireNonNull(dependency, "dependency"), listenPort);
            return this;
        }

        /** Interceptors already running in front of the service's dependencies (not closed by the run). */
        public Builder interceptors(RunningInterceptor... running) {
            interceptors.addAll(List.of(running));
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder rate(Rate rate) {
            this.rate = Objects.requireNonNull(rate, "rate");
            return this;
        }

        /** At most this many requests replayed in each step (default 2000). */
        public Builder maxRequestsPerStep(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxRequestsPerStep: " + n + " (expected: >= 1)");
            }
            this.maxRequestsPerStep = n;
            return this;
        }

        /** A step's replay stops sending after this long (default 60 s); a plan step's {@code duration} overrides it. */
        public Builder maxStepDuration(Duration d) {
            this.maxStepDuration = positive(d, "maxStepDuration");
            return this;
        }

        /** A request without a response after this long is {@code hung} (default 10 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d, "requestTimeout");
            return this;
        }

        /** {@code slow}: p99 above {@code factor} x the baseline p99 and above it by more than {@code floor}. */
        public Builder slow(double factor, Duration floor) {
            if (!(factor > 1)) {
                throw new IllegalArgumentException("slow factor: " + factor + " (expected: > 1)");
            }
            this.slowFactor = factor;
            this.slowFloor = Objects.requireNonNull(floor, "floor");
            return this;
        }

        /** How long to wait, after a step's faults are removed, for the service to be back to its baseline. */
        public Builder recoveryTimeout(Duration d) {
            this.recoveryTimeout = positive(d, "recoveryTimeout");
            return this;
        }

        /** At most this many requests in flight (default 64). */
        public Builder concurrency(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("concurrency: " + n + " (expected: >= 1)");
            }
            this.concurrency = n;
            return this;
        }

        /** The outcomes that make the run fail (default: hung, crashed). */
        public Builder failOn(Set<Outcome> outcomes) {
            this.failOn = outcomes.isEmpty() ? EnumSet.noneOf(Outcome.class) : EnumSet.copyOf(outcomes);
            return this;
        }

        /** Writes report.json, report.xml (JUnit), report.html and report.txt there. */
        public Builder reportDirectory(Path dir) {
            this.reportDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        public Builder environment(Map<String, String> env) {
            this.environment = new LinkedHashMap<>(env);
            return this;
        }

        /** Receives one line per step and notable event. */
        public Builder log(Consumer<String> lines) {
            this.log = Objects.requireNonNull(lines, "lines");
            return this;
        }

        public ChaosOptions build() {
            return new ChaosOptions(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
