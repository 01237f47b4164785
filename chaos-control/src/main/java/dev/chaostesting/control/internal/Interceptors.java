package dev.chaostesting.control.internal;

import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.ActiveFault;
import dev.chaostesting.fault.Fault;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The interceptors the API started, by id, and the faults injected into each, by id. Thread-safe: many clients create,
 * inject and delete at once.
 */
public final class Interceptors {

    /** One injected fault as the API knows it. */
    public record InjectedFault(String id, Fault fault, Instant injectedAt, ActiveFault handle) {}

    /** One interceptor started through the API. */
    public static final class Managed {
        private final String id;
        private final String mode;
        private final Instant createdAt;
        private final RunningInterceptor running;
        private final RecentLines log;
        private final InetSocketAddress address;
        private final Map<String, InjectedFault> faults = new LinkedHashMap<>();
        private boolean closed;

        Managed(String id, String mode, RunningInterceptor running, RecentLines log) {
            this.id = id;
            this.log = log;
            this.mode = mode;
            this.createdAt = Instant.now();
            this.running = running;
            this.address = running.address();
        }

        /** Where clients connect (kept from the start: it is reported after the close too). */
        public InetSocketAddress address() {
            return address;
        }

        public String id() {
            return id;
        }

        public String mode() {
            return mode;
        }

        public Instant createdAt() {
            return createdAt;
        }

        public RunningInterceptor running() {
            return running;
        }

        /** The last lines the interceptor logged. */
        public List<String> log() {
            return log.lines();
        }

        /**
         * Injects all of them, or none: when the core refuses one (e.g. a protocol fault its codec does not accept),
         * those injected before it are taken out again, and the refusal is passed on.
         */
        synchronized List<InjectedFault> inject(List<Fault> list, AtomicLong ids) {
            if (closed) {
                throw new ApiError(404, "interceptor " + id + " was deleted");
            }
            var out = new ArrayList<InjectedFault>();
            try {
                for (var fault : list) {
                    var handle = running.inject(fault);
                    out.add(new InjectedFault("f" + ids.incrementAndGet(), fault, Instant.now(), handle));
                }
            } catch (RuntimeException e) {
                out.forEach(f -> f.handle().remove());
                throw e;
            }
            out.forEach(f -> faults.put(f.id(), f));
            return out;
        }

        public synchronized List<InjectedFault> faults() {
            return List.copyOf(faults.values());
        }

        public synchronized Optional<InjectedFault> fault(String faultId) {
            return Optional.ofNullable(faults.get(faultId));
        }

        synchronized @Nullable InjectedFault remove(String faultId) {
            var removed = faults.remove(faultId);
            if (removed != null) {
                removed.handle().remove();
            }
            return removed;
        }

        synchronized int clear() {
            int n = faults.size();
            faults.clear();
            running.clearFaults();
            return n;
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                faults.clear();
                running.close();
            }
        }
    }

    private final Map<String, Managed> byId = new ConcurrentHashMap<>();
    private final AtomicLong interceptorIds = new AtomicLong();
    private final AtomicLong faultIds = new AtomicLong();
    private volatile boolean closing;

    /** Registers a started interceptor; closes it at once when the server is closing. */
    Managed add(String mode, RunningInterceptor running, RecentLines log) {
        var managed = new Managed("i" + interceptorIds.incrementAndGet(), mode, running, log);
        byId.put(managed.id(), managed);
        if (closing) {
            byId.remove(managed.id());
            managed.close();
            throw new ApiError(503, "the control server is shutting down");
        }
        return managed;
    }

    public Managed get(String id) {
        var managed = byId.get(id);
        if (managed == null) {
            throw new ApiError(404, "no interceptor '" + id + "': list them with GET /v1/interceptors");
        }
        return managed;
    }

    public List<Managed> list() {
        var all = new ArrayList<>(byId.values());
        all.sort((a, b) -> Long.compare(number(a.id()), number(b.id())));
        return all;
    }

    public int size() {
        return byId.size();
    }

    public List<InjectedFault> inject(Managed managed, List<Fault> faults) {
        return managed.inject(faults, faultIds);
    }

    public InjectedFault removeFault(Managed managed, String faultId) {
        var removed = managed.remove(faultId);
        if (removed == null) {
            throw new ApiError(
                    404,
                    "no fault '" + faultId + "' on interceptor " + managed.id()
                            + ": list them with GET /v1/interceptors/" + managed.id() + "/faults");
        }
        return removed;
    }

    /** Takes the interceptor out of the registry and closes it; 404 when another client deleted it first. */
    public Managed delete(String id) {
        var managed = byId.remove(id);
        if (managed == null) {
            throw new ApiError(404, "no interceptor '" + id + "': list them with GET /v1/interceptors");
        }
        managed.close();
        return managed;
    }

    public void closeAll() {
        closing = true;
        for (var id : List.copyOf(byId.keySet())) {
            var managed = byId.remove(id);
            if (managed != null) {
                try {
                    managed.close();
                } catch (RuntimeException e) {
                    // Keep closing the others: one recording that failed to complete must not leave ports open.
                }
            }
        }
    }

    private static long number(String id) {
        return Long.parseLong(id.substring(1));
    }
}
