package dev.chaostesting.internal.fault;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.model.Direction;
import dev.chaostesting.spi.InlineContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The faults as one connection sees them: which apply to it (toxicity drawn once per connection, or per chunk), from
 * when (an effect's start is its first chance to act on this connection), and which acted so far (for the recording).
 * Used on the connection's event loop only.
 */
public final class ConnectionFaults {

    /** An effect applying to a chunk now, with when it first applied to this connection. */
    public record Active(Fault fault, Effect effect, long sinceNanos) {}

    private final FaultEngine engine;
    private final long[] ids;
    private final long[] numbers;
    private final long openedAtNanos;
    private final SplittableRandom random;
    private final Map<Long, Boolean> decided = new HashMap<>();
    private final Map<Long, Long> firstActive = new HashMap<>();
    private final Set<String> acted = new LinkedHashSet<>();

    private final Direction direction;
    private final String host;
    private final int port;

    ConnectionFaults(
            FaultEngine engine,
            long connectionNumber,
            long[] ids,
            long[] numbers,
            long openedAtNanos,
            Direction direction,
            String host,
            int port) {
        this.engine = engine;
        this.direction = direction;
        this.host = host;
        this.port = port;
        this.ids = ids;
        this.numbers = numbers;
        this.openedAtNanos = openedAtNanos;
        this.random = new SplittableRandom(engine.seed() * 0x9E3779B97F4A7C15L + connectionNumber);
    }

    /** Whether an active {@code down} refuses this connection (decided when it opens). */
    public boolean refused() {
        long now = System.nanoTime();
        for (var injected : engine.injected()) {
            if (FaultEngine.isDown(injected.fault().effect()) && applies(injected, now)) {
                acted.add(injected.fault().name());
                return true;
            }
        }
        return false;
    }

    /** Whether no fault is injected at all: the fast path, which forwards without looking further. */
    public boolean none() {
        return engine.injected().isEmpty();
    }

    /** The effects that act now on a chunk sent by the client ({@code fromClient}) or by the server. */
    public List<Active> effects(boolean fromClient, long now) {
        var list = engine.injected();
        if (list.isEmpty()) {
            return List.of();
        }
        List<Active> out = null;
        for (var injected : list) {
            var fault = injected.fault();
            if (!fault.flow().includes(fromClient)
                    || FaultEngine.isDown(fault.effect())
                    || fault.effect() instanceof Effect.Protocol) {
                continue;
            }
            if (!applies(injected, now)) {
                continue;
            }
            long since = firstActive.computeIfAbsent(injected.id(), id -> Math.max(now, openedAtNanos));
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(new Active(fault, fault.effect(), since));
            acted.add(fault.name());
        }
        return out == null ? List.of() : out;
    }

    /**
     * The protocol faults of {@code protocol} that apply to this connection now. Toxicity is drawn per connection, or
     * per call (one per message) for {@code perChunk()} faults. Not noted as acted: the codec says when it acts.
     */
    public List<InlineContext.ActiveFault> protocolFaults(String protocol, long now) {
        var list = engine.injected();
        List<InlineContext.ActiveFault> out = List.of();
        for (var injected : list) {
            if (injected.fault().effect() instanceof Effect.Protocol p
                    && p.protocol().equals(protocol)
                    && applies(injected, now)) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(2);
                }
                out.add(new InlineContext.ActiveFault(injected.fault().name(), p.spec()));
            }
        }
        return out;
    }

    /** Whether any protocol fault is injected now, whatever it targets. */
    public boolean anyProtocolFault() {
        for (var injected : engine.injected()) {
            if (injected.fault().effect() instanceof Effect.Protocol) {
                return true;
            }
        }
        return false;
    }

    /** Notes that a fault acted on this connection. */
    public void noteActed(String name) {
        acted.add(name);
    }

    /** The names of the faults that acted on this connection so far, in order. */
    public Set<String> acted() {
        return acted;
    }

    public SplittableRandom random() {
        return random;
    }

    private boolean applies(FaultEngine.Injected injected, long now) {
        var fault = injected.fault();
        long number = numberFor(injected.id());
        if (number < 0 || (number == 0 && !fault.target().matches(direction, host, port))) {
            return false;
        }
        double strength = fault.schedule().strength(FaultEngine.since(injected.injectedAtNanos(), now));
        if (strength <= 0 || !fault.schedule().picksConnection(number)) {
            return false;
        }
        double p = fault.toxicity() * strength;
        if (fault.drawnPerChunk()) {
            return p >= 1 || random.nextDouble() < p;
        }
        if (strength < 1) {
            // While ramping, connections are drawn again until the ramp ends: a later draw may pick them.
            return p >= 1 || random.nextDouble() < p;
        }
        return decided.computeIfAbsent(injected.id(), id -> p >= 1 || random.nextDouble() < p);
    }

    /** This connection's number for an injection: counted at open, 0 for faults injected while it was open. */
    private long numberFor(long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return numbers[i];
            }
        }
        return 0;
    }
}
