package dev.chaostesting.replay.internal;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.model.Direction;
import dev.chaostesting.replay.FaultPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A plan step resolved against the recorded dependencies: the faults to inject together.
 *
 * @param label the name in reports: the step's name, with {@code @ host:port} for a per-dependency step
 * @param faults the faults
 * @param duration the step's own bound on its replay, or null
 */
public record PlannedStep(
        String label, List<Fault> faults, @Nullable Duration duration) {

    public PlannedStep {
        faults = List.copyOf(faults);
    }

    /** Whether a fault acts on the service's own (inbound) connections. */
    public static boolean isInbound(Fault f) {
        return f.target().direction() == Direction.INBOUND;
    }

    /** Every step of the plan, per-dependency steps once per dependency; skipped steps are reported to {@code notes}. */
    public static List<PlannedStep> resolve(FaultPlan plan, List<String> dependencies, Consumer<String> notes) {
        var out = new ArrayList<PlannedStep>();
        for (var step : plan.steps()) {
            boolean needsDependency = step.faults().stream().anyMatch(PlannedStep::namesDependency);
            if (needsDependency && dependencies.isEmpty()) {
                notes.accept("step " + step.name()
                        + " skipped: the recording names no dependency (no outbound interaction)");
                continue;
            }
            if (step.perDependency()) {
                for (var dep : dependencies) {
                    out.add(new PlannedStep(
                            step.name() + " @ " + dep, faults(step.faults(), dep, dependencies), step.duration()));
                }
            } else {
                out.add(new PlannedStep(step.name(), faults(step.faults(), null, dependencies), step.duration()));
            }
        }
        return out;
    }

    private static boolean namesDependency(Map<String, Object> spec) {
        var t = spec.get("target");
        var s = t == null ? "" : String.valueOf(t).strip().toLowerCase(java.util.Locale.ROOT);
        return s.equals("dependency") || s.equals("dependencies");
    }

    private static List<Fault> faults(List<Map<String, Object>> specs, @Nullable String dep, List<String> all) {
        var out = new ArrayList<Fault>();
        for (var spec : specs) {
            var t = spec.get("target");
            var s = t == null ? "" : String.valueOf(t).strip().toLowerCase(java.util.Locale.ROOT);
            if (s.equals("dependencies")) {
                for (var d : all) {
                    out.add(FaultPlan.resolve(spec, d));
                }
            } else if (s.equals("dependency")) {
                out.add(FaultPlan.resolve(spec, dep == null ? all.get(0) : dep));
            } else {
                out.add(FaultPlan.resolve(spec, ""));
            }
        }
        return out;
    }
}
