package dev.chaostesting.bench;

import dev.chaostesting.Interceptor;
import dev.chaostesting.replay.ChaosOptions;
import dev.chaostesting.replay.ChaosRun;
import dev.chaostesting.replay.FaultPlan;
import dev.chaostesting.replay.Rate;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chaos replay rate, for bench/replay.sh: {@link ChaosRun#run} replays a recording's inbound GETs against a fast
 * service as fast as the public options allow ({@code --rate}, default one million per second) and only the baseline
 * step runs: the plan's one step aims at {@code target: dependency}, and a recording of a service without dependencies
 * names none, so it is skipped. Proxy mode without a proxy in the path: an idle interceptor is passed to
 * {@link ChaosOptions.Builder#interceptors} so that no transparent interception is set up.
 *
 * <p>Replayed req/s = the baseline's requests (summed over its endpoints) / the time from the run's "baseline:" log line
 * to the end of {@code ChaosRun.run} (which also holds the consistency re-reads: a slight underestimate). The JVM's CPU
 * time over that same span is printed too ({@code replay_cpu_s}, and per replayed request {@code cpu_us_per_req}),
 * next to the CPU of the whole run ({@code jvm_cpu_s}, which includes reading the recording and learning templates).
 *
 * <pre>
 * java -cp chaos-bench.jar dev.chaostesting.bench.ReplayMain --recording DIR --target http://127.0.0.1:8080
 *     [--requests 50000] [--concurrency 64] [--rate 1000000/s]
 * </pre>
 */
public final class ReplayMain {

    private ReplayMain() {}

    public static void main(String[] args) throws Exception {
        Path recording = null;
        URI target = null;
        int requests = 50_000;
        int concurrency = 64;
        String rate = "1000000/s";
        for (int i = 0; i + 1 < args.length; i += 2) {
            var v = args[i + 1];
            switch (args[i]) {
                case "--recording" -> recording = Path.of(v);
                case "--target" -> target = URI.create(v);
                case "--requests" -> requests = Integer.parseInt(v);
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--rate" -> rate = v;
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (recording == null || target == null) {
            System.err.println("usage: --recording DIR --target URL [--requests 50000] [--concurrency 64]"
                    + " [--rate 1000000/s]");
            System.exit(2);
            return;
        }
        var plan = new FaultPlan(
                "baseline-only",
                "one step on the recorded dependencies; a recording without any skips it",
                List.of(new FaultPlan.Step(
                        "dependency-latency",
                        "",
                        null,
                        List.of(Map.of("type", "latency", "delay", "1ms", "target", "dependency")))));
        long[] baselineStart = {0};
        long[] baselineCpu = {0};
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (var idle = Interceptor.onPort(target.getPort()).listenOn(0).start()) {
            var options = ChaosOptions.builder(recording, target)
                    .plan(plan)
                    .interceptors(idle)
                    .rate(Rate.parse(rate))
                    .maxRequestsPerStep(requests)
                    .maxStepDuration(Duration.ofSeconds(120))
                    .concurrency(concurrency)
                    .seed(1)
                    .log(line -> {
                        if (line.startsWith("baseline:")) {
                            baselineStart[0] = System.nanoTime();
                            baselineCpu[0] = os.getProcessCpuTime();
                        }
                        System.out.println("log: " + line);
                    })
                    .build();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            var report = ChaosRun.run(options);
            long end = System.nanoTime();
            long cpuEnd = os.getProcessCpuTime();
            long cpu = cpuEnd - cpu0;
            long replayCpu = cpuEnd - baselineCpu[0];
            long replayed = 0;
            var statuses = new TreeMap<String, Integer>();
            for (var r : report.results()) {
                if (r.fault().equals("none")) {
                    replayed += r.requests();
                    r.statuses().forEach((k, v) -> statuses.merge(k, v, Integer::sum));
                }
            }
            report.notes().forEach(n -> System.out.println("note: " + n));
            double seconds = (end - baselineStart[0]) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "RESULT replayed=%d seconds=%.3f req_per_s=%.0f run_s=%.3f jvm_cpu_s=%.2f replay_cpu_s=%.2f"
                            + " cpu_us_per_req=%.0f concurrency=%d rate=%s"
                            + " statuses=%s mode=%s%n",
                    replayed,
                    seconds,
                    replayed / seconds,
                    (end - t0) / 1e9,
                    cpu / 1e9,
                    replayCpu / 1e9,
                    replayCpu / 1e3 / Math.max(1, replayed),
                    concurrency,
                    rate,
                    statuses.toString().replace(" ", ""),
                    report.mode());
        }
    }
}
