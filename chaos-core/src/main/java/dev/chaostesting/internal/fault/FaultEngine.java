package dev.chaostesting.internal.fault;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.model.Direction;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The faults of one interceptor, added and removed while traffic flows. The list is replaced as a whole on each change
 * (copy on write), so the I/O threads read it without locks; each connection keeps its own decisions in
 * {@link ConnectionFaults}.
 */
public final class FaultEngine {

    /** One fault as injected: when, and how many connections opened since (for schedules that count them). */
    public record Injected(long id, Fault fault, long injectedAtNanos, AtomicLong connections) {}

    private final long seed;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicReference<List<Injected>> injected = new AtomicReference<>(List.of());

    public FaultEngine(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    public Injected inject(Fault fault) {
        var entry = new Injected(ids.incrementAndGet(), fault, System.nanoTime(), new AtomicLong());
        injected.updateAndGet(list -> {
            var copy = new ArrayList<>(list);
            copy.add(entry);
            return List.copyOf(copy);
        });
        return entry;
    }

    /** Removes one injection; returns whether it was there. Bytes it already holds back are still delivered. */
    public boolean remove(long id) {
        var before = injected.getAndUpdate(
                list -> list.stream().filter(i -> i.id() != id).toList());
        return before.stream().anyMatch(i -> i.id() == id);
    }

    /** Removes every injection of this fault (by equality); returns how many. */
    public int remove(Fault fault) {
        var before = injected.getAndUpdate(
                list -> list.stream().filter(i -> !i.fault().equals(fault)).toList());
        return (int) before.stream().filter(i -> i.fault().equals(fault)).count();
    }

    public void clear() {
        injected.set(List.of());
    }

    public List<Injected> injected() {
        return injected.get();
    }

    public List<Fault> faults() {
        return injected.get().stream().map(Injected::fault).toList();
    }

    /**
     * A new connection: counts it for every fault, and says whether an active {@code down} refuses it. The
     * connection's random numbers come from the seed and its number, so a run with the same seed and the same order of
     * connections makes the same decisions.
     */
    public ConnectionFaults open(long connectionNumber, Direction direction, InetSocketAddress server) {
        var host = server.getAddress() == null
                ? server.getHostString()
                : server.getAddress().getHostAddress();
        var list = injected.get();
        var numbers = new long[list.size()];
        var ids = new long[list.size()];
        for (int i = 0; i < list.size(); i++) {
            ids[i] = list.get(i).id();
            // Schedules count the connections a fault targets; the others are never its business.
            numbers[i] = list.get(i).fault().target().matches(direction, host, server.getPort())
                    ? list.get(i).connections().incrementAndGet()
                    : -1;
        }
        return new ConnectionFaults(
                this, connectionNumber, ids, numbers, System.nanoTime(), direction, host, server.getPort());
    }

    static Duration since(long nanos, long now) {
        return Duration.ofNanos(Math.max(0, now - nanos));
    }

    static boolean isDown(Effect effect) {
        return effect instanceof Effect.Down;
    }
}
