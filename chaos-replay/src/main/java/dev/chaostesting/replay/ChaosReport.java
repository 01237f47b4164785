package dev.chaostesting.replay;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a chaos run found. Immutable. {@link ChaosReports} renders it as a table, JSON, JUnit XML and HTML.
 *
 * @param plan the plan's name (the level)
 * @param target the service's URL
 * @param mode {@code proxy} or {@code transparent}
 * @param seed the seed of the faults' random decisions: run again with it to repeat them
 * @param startedAt when the run started
 * @param durationMs how long it took
 * @param dependencies the recorded dependencies ({@code host:port})
 * @param results one per endpoint and step, the baseline ({@code none}) first
 * @param recovery one per fault step
 * @param notes what the run could not do, in plain words (requests it could not authenticate, steps skipped...)
 */
public record ChaosReport(
        String plan,
        String target,
        String mode,
        long seed,
        Instant startedAt,
        long durationMs,
        List<String> dependencies,
        List<EndpointResult> results,
        List<Recovery> recovery,
        List<String> notes) {

    /** The exit code of a run with findings in {@code --fail-on}. */
    public static final int EXIT_FINDINGS = 3;

    public ChaosReport {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(startedAt, "startedAt");
        dependencies = List.copyOf(dependencies);
        results = List.copyOf(results);
        recovery = List.copyOf(recovery);
        notes = List.copyOf(notes);
    }

    /** The results whose outcome is one of these. */
    public List<EndpointResult> failures(Set<Outcome> failOn) {
        return results.stream().filter(r -> failOn.contains(r.outcome())).toList();
    }

    /** 0 when no result's outcome is in {@code failOn}, else {@link #EXIT_FINDINGS}. */
    public int exitCode(Set<Outcome> failOn) {
        return failures(failOn).isEmpty() ? 0 : EXIT_FINDINGS;
    }

    /** Whether any result has this outcome (as its outcome or among its flags). */
    public boolean has(Outcome outcome) {
        return results.stream().anyMatch(r -> r.flags().contains(outcome));
    }
}
