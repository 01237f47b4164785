package dev.chaostesting.replay;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.FaultSpecs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A fault plan: named steps, each a list of faults (in the map shape of {@link FaultSpecs}) injected together while the
 * recorded traffic is replayed. The levels {@code mild}, {@code moderate} and {@code extreme} are plans shipped as
 * resources ({@code dev/chaostesting/replay/levels/*.yaml}); a user's plan is a YAML file of the same shape:
 *
 * <pre>{@code
 * name: my-plan
 * steps:
 *   - name: db-slow
 *     faults:
 *       - {type: latency, delay: 300ms, target: dependency}
 *   - name: clients-reset
 *     faults:
 *       - {type: reset, toxicity: 0.3, target: inbound}
 * }</pre>
 *
 * <p>{@code target: dependency} runs the step once for each recorded dependency in turn (the fault acts on the
 * connections to that {@code host:port} only); {@code target: dependencies} hits all of them at once in one step;
 * {@code target: inbound} acts on the connections to the service itself. Any other target is passed to
 * {@link FaultSpecs#fromMap}.
 *
 * @param name the plan's name (a level's name for the shipped ones)
 * @param description what it is for, one line or empty
 * @param steps the steps, run in order
 */
public record FaultPlan(String name, String description, List<Step> steps) {

    /** The levels shipped with the module, from mildest. */
    public static final List<String> LEVELS = List.of("mild", "moderate", "extreme");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> PLAN_FIELDS = Set.of("name", "description", "steps");
    private static final Set<String> STEP_FIELDS = Set.of("name", "description", "duration", "faults");

    public FaultPlan {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("plan '" + name + "': no steps (expected at least one)");
        }
    }

    /**
     * One step of a plan.
     *
     * @param name short name, used in reports (e.g. {@code dependency-latency})
     * @param description one line or empty
     * @param duration the longest this step's replay may last, or null for the run's default
     * @param faults the fault specs, in {@link FaultSpecs} shape, with {@code target} possibly {@code dependency},
     *     {@code dependencies} or {@code inbound}
     */
    public record Step(
            String name, String description, @Nullable Duration duration, List<Map<String, Object>> faults) {
        public Step {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            var copy = new ArrayList<Map<String, Object>>();
            for (var f : faults) {
                copy.add(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(f)));
            }
            faults = List.copyOf(copy);
        }

        /** Whether some fault of the step names {@code target: dependency}, so the step runs once per dependency. */
        public boolean perDependency() {
            return faults.stream().anyMatch(f -> "dependency".equals(targetOf(f)));
        }
    }

    /** A shipped level: {@code mild}, {@code moderate} or {@code extreme}. */
    public static FaultPlan level(String level) {
        var name = level.strip().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(name)) {
            throw new IllegalArgumentException("level: '" + level + "' (expected: mild, moderate or extreme)");
        }
        try (InputStream in = FaultPlan.class.getResourceAsStream("levels/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("level resource missing: levels/" + name + ".yaml");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".yaml");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads a plan file (YAML, or JSON, which is YAML too). */
    public static FaultPlan read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses a plan.
     *
     * @param origin named in error messages (a file name)
     * @throws IllegalArgumentException with one line naming the origin, the step and the field
     */
    public static FaultPlan parse(String yaml, String origin) {
        Object tree;
        try {
            tree = YAML.readValue(yaml, Object.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(origin + ": not YAML: " + e.getOriginalMessage());
        }
        if (!(tree instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException(origin + ": expected a map with 'name' and 'steps'");
        }
        for (var key : root.keySet()) {
            if (!PLAN_FIELDS.contains(String.valueOf(key))) {
                throw new IllegalArgumentException(
                        origin + ": unknown field '" + key + "' (expected: name, description, steps)");
            }
        }
        var name = root.get("name") == null ? origin : String.valueOf(root.get("name"));
        var description = root.get("description") == null ? "" : String.valueOf(root.get("description"));
        if (!(root.get("steps") instanceof List<?> rawSteps) || rawSteps.isEmpty()) {
            throw new IllegalArgumentException(origin + ": 'steps' (expected: a non-empty list)");
        }
        var steps = new ArrayList<Step>();
        for (int i = 0; i < rawSteps.size(); i++) {
            var where = origin + ": steps[" + i + "]";
            if (!(rawSteps.get(i) instanceof Map<?, ?> s)) {
                throw new IllegalArgumentException(where + ": expected a map with 'name' and 'faults'");
            }
            for (var key : s.keySet()) {
                if (!STEP_FIELDS.contains(String.valueOf(key))) {
                    throw new IllegalArgumentException(
                            where + ": unknown field '" + key + "' (expected: name, description, duration, faults)");
                }
            }
            var stepName = s.get("name") == null ? "step-" + (i + 1) : String.valueOf(s.get("name"));
            Duration duration = null;
            if (s.get("duration") != null) {
                try {
                    duration = FaultSpecs.parseDuration(String.valueOf(s.get("duration")));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + " (" + stepName + "): " + e.getMessage());
                }
            }
            if (!(s.get("faults") instanceof List<?> rawFaults) || rawFaults.isEmpty()) {
                throw new IllegalArgumentException(
                        where + " (" + stepName + "): 'faults' (expected: a non-empty list of faults)");
            }
            var faults = new ArrayList<Map<String, Object>>();
            for (int j = 0; j < rawFaults.size(); j++) {
                if (!(rawFaults.get(j) instanceof Map<?, ?> f)) {
                    throw new IllegalArgumentException(
                            where + " (" + stepName + "): faults[" + j + "]: expected a map with 'type'");
                }
                var spec = new LinkedHashMap<String, Object>();
                f.forEach((k, v) -> spec.put(String.valueOf(k), v));
                try {
                    resolve(spec, "127.0.0.1:1"); // checked now, so a bad plan fails before anything runs
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            where + " (" + stepName + "): faults[" + j + "]: " + e.getMessage());
                }
                faults.add(spec);
            }
            var stepDescription = s.get("description") == null ? "" : String.valueOf(s.get("description"));
            steps.add(new Step(stepName, stepDescription, duration, faults));
        }
        return new FaultPlan(name, description, steps);
    }

    /** This plan as YAML, in the shape {@link #parse} reads. */
    public String toYaml() {
        var root = new LinkedHashMap<String, Object>();
        root.put("name", name);
        if (!description.isEmpty()) {
            root.put("description", description);
        }
        var list = new ArrayList<Object>();
        for (var s : steps) {
            var m = new LinkedHashMap<String, Object>();
            m.put("name", s.name());
            if (!s.description().isEmpty()) {
                m.put("description", s.description());
            }
            if (s.duration() != null) {
                m.put("duration", FaultSpecs.format(s.duration()));
            }
            m.put("faults", s.faults());
            list.add(m);
        }
        root.put("steps", list);
        try {
            return YAML.writeValueAsString(root);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The fault of one spec, its {@code dependency}/{@code dependencies} target replaced by {@code dependency} (a
     * {@code host:port}) and {@code inbound} kept.
     */
    public static Fault resolve(Map<String, Object> spec, String dependency) {
        var target = targetOf(spec);
        if ("dependency".equals(target) || "dependencies".equals(target)) {
            var copy = new LinkedHashMap<>(spec);
            copy.put("target", dependency);
            return FaultSpecs.fromMap(copy);
        }
        return FaultSpecs.fromMap(spec);
    }

    static @Nullable String targetOf(Map<String, Object> spec) {
        var t = spec.get("target");
        return t == null ? null : String.valueOf(t).strip().toLowerCase(Locale.ROOT);
    }
}
