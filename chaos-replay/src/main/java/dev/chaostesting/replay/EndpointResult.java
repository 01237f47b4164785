package dev.chaostesting.replay;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One endpoint under one fault (or under none: the baseline, fault {@code none}).
 *
 * @param endpoint method and path template, e.g. {@code GET /notes/{id}}
 * @param fault the step's label, e.g. {@code dependency-latency @ 127.0.0.1:5432}, or {@code none}
 * @param outcome the most severe of {@link #flags}
 * @param flags every outcome that applied (at least the {@code outcome})
 * @param requests how many requests were sent
 * @param baselineP99Ms the baseline's 99th percentile latency in milliseconds
 * @param p99Ms this step's 99th percentile latency in milliseconds (timeouts count as the timeout)
 * @param statuses count per status: the HTTP status as text, {@code timeout}, or {@code error} (no answer)
 * @param latenciesMs the latencies of up to 500 requests, for charts
 * @param details why the outcome was chosen: one line per finding (leaked text, the write that is missing...)
 */
public record EndpointResult(
        String endpoint,
        String fault,
        Outcome outcome,
        Set<Outcome> flags,
        int requests,
        double baselineP99Ms,
        double p99Ms,
        Map<String, Integer> statuses,
        List<Double> latenciesMs,
        List<String> details) {

    public EndpointResult {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(outcome, "outcome");
        flags = Set.copyOf(flags);
        statuses = Map.copyOf(statuses);
        latenciesMs = List.copyOf(latenciesMs);
        details = List.copyOf(details);
    }
}
