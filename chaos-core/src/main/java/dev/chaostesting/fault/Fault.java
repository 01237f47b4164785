package dev.chaostesting.fault;

import java.util.Objects;

/**
 * One fault: an {@link Effect}, the {@link Flow} it acts on, its toxicity (the probability that it applies) and when
 * ({@link Schedule}). Immutable: every method returns a new fault. Made by {@link Faults}:
 *
 * <pre>{@code
 * Faults.latency(Duration.ofMillis(200)).downstream().toxicity(0.5)
 * Faults.reset().schedule(Schedule.always().everyNth(3))
 * }</pre>
 *
 * @param name a name for reports and for removal, by default the effect's kind (e.g. {@code latency})
 * @param effect what it does
 * @param flow which direction's bytes it acts on
 * @param toxicity the probability, from 0 to 1, that it applies: to each connection, or to each chunk of bytes read
 *     ({@link #perChunk()})
 * @param drawnPerChunk whether toxicity is drawn for each chunk rather than once per connection
 * @param schedule when it is active
 * @param target which connections it may act on (default: all)
 */
public record Fault(
        String name,
        Effect effect,
        Flow flow,
        double toxicity,
        boolean drawnPerChunk,
        Schedule schedule,
        Target target) {

    public Fault {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(target, "target");
        if (!(toxicity >= 0 && toxicity <= 1)) {
            throw new IllegalArgumentException("toxicity: " + toxicity + " (expected: 0 to 1)");
        }
        if (effect instanceof Effect.Down && flow != Flow.BOTH) {
            throw new IllegalArgumentException("down refuses whole connections: it has no flow");
        }
    }

    static Fault of(String name, Effect effect, Flow flow) {
        return new Fault(name, effect, flow, 1.0, false, Schedule.always(), Target.any());
    }

    /** The probability that the fault applies (to each connection unless {@link #perChunk()}). */
    public Fault toxicity(double probability) {
        return new Fault(name, effect, flow, probability, drawnPerChunk, schedule, target);
    }

    /** Toxicity is drawn for every chunk of bytes read, instead of once per connection. */
    public Fault perChunk() {
        return new Fault(name, effect, flow, toxicity, true, schedule, target);
    }

    /** Acts on what the client sends. */
    public Fault upstream() {
        return flow(Flow.UPSTREAM);
    }

    /** Acts on what the server sends. */
    public Fault downstream() {
        return flow(Flow.DOWNSTREAM);
    }

    /** Acts on both directions. */
    public Fault both() {
        return flow(Flow.BOTH);
    }

    public Fault flow(Flow newFlow) {
        return new Fault(name, effect, newFlow, toxicity, drawnPerChunk, schedule, target);
    }

    public Fault schedule(Schedule newSchedule) {
        return new Fault(name, effect, flow, toxicity, drawnPerChunk, newSchedule, target);
    }

    /** Shorthand: active only from {@code delay} after injection; see {@link Schedule#after}. */
    public Fault after(java.time.Duration delay) {
        return schedule(schedule.after(delay));
    }

    /** Shorthand: active for this long (after {@link #after}, if set). */
    public Fault during(java.time.Duration duration) {
        return schedule(schedule.during(duration));
    }

    /** Shorthand: only the first {@code n} connections after injection. */
    public Fault firstConnections(int n) {
        return schedule(schedule.firstConnections(n));
    }

    /** Shorthand: only every {@code n}th connection. */
    public Fault everyNth(int n) {
        return schedule(schedule.everyNth(n));
    }

    /** Shorthand: toxicity rises from 0 over this long. */
    public Fault ramp(java.time.Duration duration) {
        return schedule(schedule.ramp(duration));
    }

    /** Acts only on these connections, e.g. {@code Target.outbound()} or {@code Target.server("127.0.0.1:5432")}. */
    public Fault on(Target newTarget) {
        return new Fault(name, effect, flow, toxicity, drawnPerChunk, schedule, newTarget);
    }

    public Fault named(String newName) {
        return new Fault(newName, effect, flow, toxicity, drawnPerChunk, schedule, target);
    }
}
