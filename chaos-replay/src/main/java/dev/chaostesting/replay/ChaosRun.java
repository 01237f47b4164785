package dev.chaostesting.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.ActiveFault;
import dev.chaostesting.model.Direction;
import dev.chaostesting.replay.internal.Classifier;
import dev.chaostesting.replay.internal.Consistency;
import dev.chaostesting.replay.internal.Liveness;
import dev.chaostesting.replay.internal.PlannedStep;
import dev.chaostesting.replay.internal.ProcessFinder;
import dev.chaostesting.replay.internal.RecordedTraffic;
import dev.chaostesting.replay.internal.RecoveryProbe;
import dev.chaostesting.replay.internal.ReplayRequest;
import dev.chaostesting.replay.internal.Replayer;
import dev.chaostesting.replay.internal.Sample;
import dev.chaostesting.replay.internal.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs chaos: replays the recording's inbound HTTP traffic against the service, first without faults (the baseline),
 * then once per step of the plan with its faults injected, and compares.
 *
 * <pre>{@code
 * ChaosReport report = ChaosRun.run(ChaosOptions.builder(Path.of("rec"), URI.create("http://127.0.0.1:8080"))
 *         .level("moderate")
 *         .proxy("127.0.0.1:5432", 15432)      // the service's DATABASE_URL points at port 15432
 *         .reportDirectory(Path.of("chaos-report"))
 *         .build());
 * System.exit(report.exitCode(options.failOn()));
 * }</pre>
 */
public final class ChaosRun {

    private ChaosRun() {}

    /**
     * Runs the plan and writes the reports when {@link ChaosOptions#reportDirectory()} is set.
     *
     * @throws IOException when the recording cannot be read, an interceptor cannot start (the message says what is
     *     missing and suggests the proxy way), or a report cannot be written
     * @throws IllegalArgumentException when the recording holds no inbound HTTP request, or the service does not
     *     answer the baseline
     */
    public static ChaosReport run(ChaosOptions options) throws IOException {
        var started = Instant.now();
        var log = options.log();
        var traffic = RecordedTraffic.read(options.input(), options.maxRequestsPerStep());
        if (traffic.requests().isEmpty()) {
            throw new IllegalArgumentException(
                    options.input() + ": no inbound HTTP request to replay (record the service's own port)");
        }
        var notes = new ArrayList<String>();
        var steps = PlannedStep.resolve(options.plan(), traffic.dependencies(), notes::add);
        boolean anyInbound = steps.stream().anyMatch(s -> s.faults().stream().anyMatch(PlannedStep::isInbound));
        var session = new Session(traffic.requests(), options.environment());
        notes.addAll(session.notes());
        long seed = options.seed() != null ? options.seed() : new SplittableRandom().nextLong();

        var owned = new ArrayList<RunningInterceptor>();
        var dependencyInterceptors = new ArrayList<>(options.interceptors());
        RunningInterceptor inbound = null;
        String mode;
        long pid = options.pid();
        var service = new InetSocketAddress(options.target().getHost(), port(options.target()));
        URI base = options.target();
        try {
            if (!options.interceptors().isEmpty() || !options.proxies().isEmpty()) {
                mode = "proxy";
                for (var e : options.proxies().entrySet()) {
                    var running = Interceptor.forwardTo(address(e.getKey()))
                            .listenOn(e.getValue())
                            .direction(Direction.OUTBOUND)
                            .seed(seed)
                            .start();
                    owned.add(running);
                    dependencyInterceptors.add(running);
                    log.accept("proxy for " + e.getKey() + " listening on port " + running.port());
                }
                for (var dep : traffic.dependencies()) {
                    if (dependencyInterceptors.stream().noneMatch(i -> sameAddress(i.target(), dep))) {
                        notes.add("dependency " + dep + " is not behind a proxy of this run: faults on it have no"
                                + " effect (start the service with " + dep + " re-pointed to a proxy)");
                    }
                }
                if (anyInbound) {
                    inbound = Interceptor.forwardTo(service).seed(seed).start();
                    owned.add(inbound);
                    base = URI.create("http://127.0.0.1:" + inbound.port());
                }
            } else {
                mode = "transparent";
                if (pid <= 0) {
                    pid = ProcessFinder.listeningOn(service.getPort());
                    log.accept("service process: pid " + pid + " (listening on port " + service.getPort() + ")");
                }
                try {
                    inbound = Interceptor.onProcess(pid)
                            .closeExistingConnections()
                            .seed(seed)
                            .log(log)
                            .start();
                } catch (IOException e) {
                    throw new IOException(
                            "cannot intercept process " + pid + " transparently: " + e.getMessage()
                                    + ". Or use the proxy mode: run the service with each dependency re-pointed to a"
                                    + " proxy (ChaosOptions.proxy(dependency, port), --proxy=HOST:PORT=LISTEN)",
                            e);
                }
                owned.add(inbound);
                dependencyInterceptors.add(inbound);
            }
            if (options.seed() == null && owned.isEmpty() && !dependencyInterceptors.isEmpty()) {
                seed = dependencyInterceptors.get(0).seed();
            }
            var liveness = new Liveness(service, pid);
            var run = new Steps(options, traffic, session, base, liveness, inbound, dependencyInterceptors, notes);
            var outcome = run.all(steps);
            var report = new ChaosReport(
                    options.plan().name(),
                    options.target().toString(),
                    mode,
                    seed,
                    started,
                    Duration.between(started, Instant.now()).toMillis(),
                    traffic.dependencies(),
                    outcome.results,
                    outcome.recovery,
                    notes);
            if (options.reportDirectory() != null) {
                ChaosReports.write(report, options.reportDirectory(), options.failOn());
            }
            return report;
        } finally {
            for (var o : owned) {
                o.close();
            }
        }
    }

    private record Outcomes(List<EndpointResult> results, List<Recovery> recovery) {}

    /** The steps of one run, in order. */
    private static final class Steps {
        private final ChaosOptions options;
        private final RecordedTraffic traffic;
        private final Session session;
        private final URI base;
        private final Liveness liveness;
        private final RunningInterceptor inbound;
        private final List<RunningInterceptor> dependencies;
        private final List<String> notes;
        private final Classifier classifier;
        private final Map<String, ReplayRequest> reads = new LinkedHashMap<>();
        private final Map<String, JsonNode> known = new HashMap<>();

        Steps(
                ChaosOptions options,
                RecordedTraffic traffic,
                Session session,
                URI base,
                Liveness liveness,
                RunningInterceptor inbound,
                List<RunningInterceptor> dependencies,
                List<String> notes) {
            this.options = options;
            this.traffic = traffic;
            this.session = session;
            this.base = base;
            this.liveness = liveness;
            this.inbound = inbound;
            this.dependencies = dependencies;
            this.notes = notes;
            this.classifier = new Classifier(options.slowFactor(), options.slowFloor());
            for (var r : traffic.requests()) {
                if (r.method().equals("GET") && r.recordedStatus() >= 200 && r.recordedStatus() < 300) {
                    reads.putIfAbsent(r.endpoint(), r);
                }
            }
        }

        Outcomes all(List<PlannedStep> steps) throws IOException {
            var results = new ArrayList<EndpointResult>();
            var recovery = new ArrayList<Recovery>();
            var log = options.log();
            try (var replayer = new Replayer(base, options.requestTimeout(), options.concurrency())) {
                log.accept("baseline: replaying " + Math.min(traffic.requests().size(), options.maxRequestsPerStep())
                        + " requests without faults");
                var baseSamples = replay(replayer, options.maxStepDuration());
                var problem = liveness.problem();
                if (problem != null) {
                    throw new IOException("the service is not running (" + problem + ") at " + options.target());
                }
                if (baseSamples.stream().allMatch(s -> s.status() < 0)) {
                    throw new IllegalArgumentException(
                            "the service at " + options.target() + " answered none of the baseline requests: "
                                    + baseSamples.get(0).error());
                }
                var baseline = Classifier.byEndpoint(baseSamples);
                var inconsistent = Consistency.check(baseSamples, reads, traffic.templates(), replayer, session, known);
                results.addAll(classifier.classify("none", baseline, baseSamples, false, inconsistent));
                var probe = new RecoveryProbe(baseline, options.slowFactor(), options.slowFloor());
                probe.calibrate(replayer, session, options.requestTimeout());
                if (!probe.hasProbes()) {
                    notes.add("recovery not measured: the baseline has no successful GET to probe with");
                }
                for (int i = 0; i < steps.size(); i++) {
                    var step = steps.get(i);
                    log.accept("step " + (i + 1) + "/" + steps.size() + ": " + step.label());
                    var active = inject(step);
                    List<Sample> samples;
                    try {
                        samples =
                                replay(replayer, step.duration() != null ? step.duration() : options.maxStepDuration());
                    } finally {
                        active.forEach(ActiveFault::remove);
                    }
                    var gone = liveness.problem();
                    var findings = gone != null
                            ? Map.<String, List<String>>of()
                            : Consistency.check(samples, reads, traffic.templates(), replayer, session, known);
                    var stepResults = classifier.classify(step.label(), baseline, samples, gone != null, findings);
                    results.addAll(stepResults);
                    stepResults.forEach(r ->
                            log.accept("  " + r.endpoint() + ": " + r.outcome().wireName()));
                    if (gone != null) {
                        notes.add("the service crashed in step " + step.label() + " (" + gone + "): "
                                + (steps.size() - i - 1) + " later steps not run");
                        break;
                    }
                    if (probe.hasProbes()) {
                        var r = probe.measure(step.label(), replayer, session, options.recoveryTimeout());
                        recovery.add(r);
                        log.accept("  recovery: "
                                + (r.recovered() ? r.millis() + " ms" : "not within " + r.millis() + " ms"));
                    }
                }
            }
            return new Outcomes(results, recovery);
        }

        private List<Sample> replay(Replayer replayer, Duration bound) {
            return replayer.replay(traffic.requests(), session, options.rate(), options.maxRequestsPerStep(), bound);
        }

        private List<ActiveFault> inject(PlannedStep step) {
            var active = new ArrayList<ActiveFault>();
            for (var fault : step.faults()) {
                if (PlannedStep.isInbound(fault) && inbound != null && !dependencies.contains(inbound)) {
                    active.add(inbound.inject(fault));
                } else if (PlannedStep.isInbound(fault) && inbound == null) {
                    notes.add("step " + step.label() + ": inbound fault " + fault.name() + " not injected");
                } else {
                    for (var d : dependencies) {
                        active.add(d.inject(fault));
                    }
                }
            }
            return active;
        }
    }

    private static int port(URI target) {
        return target.getPort() > 0 ? target.getPort() : 80;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("dependency: '" + hostPort + "' (expected host:port)");
        }
        var host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static boolean sameAddress(InetSocketAddress a, String dep) {
        var ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return dep.equals(ip + ":" + a.getPort()) || dep.equals(a.getHostString() + ":" + a.getPort());
    }
}
