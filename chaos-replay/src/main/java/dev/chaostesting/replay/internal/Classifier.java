package dev.chaostesting.replay.internal;

import dev.chaostesting.replay.EndpointResult;
import dev.chaostesting.replay.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns one step's samples into one result per endpoint, compared with the baseline's. */
public final class Classifier {

    private static final int MAX_LATENCIES = 500;

    private final double slowFactor;
    private final double slowFloorMs;

    public Classifier(double slowFactor, Duration slowFloor) {
        this.slowFactor = slowFactor;
        this.slowFloorMs = slowFloor.toNanos() / 1e6;
    }

    /** Per endpoint, in first-seen order. */
    public static Map<String, List<Sample>> byEndpoint(List<Sample> samples) {
        var out = new LinkedHashMap<String, List<Sample>>();
        for (var s : samples) {
            out.computeIfAbsent(s.request().endpoint(), k -> new ArrayList<>()).add(s);
        }
        return out;
    }

    public static double p99(List<Sample> samples) {
        if (samples.isEmpty()) {
            return 0;
        }
        var ms = samples.stream().mapToDouble(Sample::latencyMs).sorted().toArray();
        int i = (int) Math.ceil(0.99 * ms.length) - 1;
        return ms[Math.max(0, Math.min(ms.length - 1, i))];
    }

    /**
     * Classifies one step.
     *
     * @param baseline the baseline's samples per endpoint (the same map for the baseline itself)
     * @param crashed whether the service was found dead after the step
     * @param inconsistencies findings of the consistency check, per endpoint
     */
    public List<EndpointResult> classify(
            String fault,
            Map<String, List<Sample>> baseline,
            List<Sample> samples,
            boolean crashed,
            Map<String, List<String>> inconsistencies) {
        var results = new ArrayList<EndpointResult>();
        var step = byEndpoint(samples);
        var endpoints = new ArrayList<>(baseline.keySet());
        step.keySet().stream().filter(e -> !baseline.containsKey(e)).forEach(endpoints::add);
        for (var endpoint : endpoints) {
            var mine = step.getOrDefault(endpoint, List.of());
            var base = baseline.getOrDefault(endpoint, List.of());
            if (mine.isEmpty() && !crashed) {
                continue;
            }
            var flags = EnumSet.noneOf(Outcome.class);
            var details = new ArrayList<String>();
            var statuses = new TreeMap<String, Integer>();
            mine.forEach(s -> statuses.merge(s.statusKey(), 1, Integer::sum));
            var baseStatuses = new TreeMap<String, Integer>();
            base.forEach(s -> baseStatuses.merge(s.statusKey(), 1, Integer::sum));
            double baseP99 = p99(base);
            double p99 = p99(mine);
            if (crashed) {
                flags.add(Outcome.CRASHED);
                details.add("the service was gone after this step");
            }
            long timeouts = mine.stream().filter(Sample::timedOut).count();
            if (timeouts > 0) {
                flags.add(Outcome.HUNG);
                details.add(timeouts + " of " + mine.size() + " requests got no response within the timeout");
            }
            var inconsistent = inconsistencies.getOrDefault(endpoint, List.of());
            if (!inconsistent.isEmpty()) {
                flags.add(Outcome.INCONSISTENT);
                details.addAll(inconsistent);
            }
            for (var s : mine) {
                var leak = Leaks.find(s.body());
                if (leak != null) {
                    flags.add(Outcome.LEAKY);
                    details.add(s.request().method() + " " + s.target() + " -> " + s.status() + " shows " + leak);
                    break;
                }
            }
            if (!base.isEmpty() && p99 > baseP99 * slowFactor && p99 - baseP99 > slowFloorMs) {
                flags.add(Outcome.SLOW);
                details.add(String.format(
                        java.util.Locale.ROOT,
                        "p99 %.1f ms against %.1f ms in the baseline (slow: above %.1fx)",
                        p99,
                        baseP99,
                        slowFactor));
            }
            var newStatuses = statuses.keySet().stream()
                    .filter(k -> !baseStatuses.containsKey(k) && !k.equals("timeout"))
                    .filter(k -> k.equals("error") || Integer.parseInt(k) >= 400)
                    .toList();
            if (!newStatuses.isEmpty()) {
                flags.add(Outcome.GRACEFUL);
                details.add("answered " + String.join(", ", newStatuses) + " where the baseline answered "
                        + String.join(", ", baseStatuses.keySet()));
            }
            if (flags.isEmpty()) {
                flags.add(Outcome.UNAFFECTED);
            }
            var outcome = flags.iterator().next(); // EnumSet iterates in severity order
            var latencies = mine.stream()
                    .limit(MAX_LATENCIES)
                    .map(s -> Math.round(s.latencyMs() * 1000) / 1000.0)
                    .toList();
            results.add(new EndpointResult(
                    endpoint,
                    fault,
                    outcome,
                    flags,
                    mine.size(),
                    round(baseP99),
                    round(p99),
                    statuses,
                    latencies,
                    details));
        }
        return results;
    }

    private static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }
}
