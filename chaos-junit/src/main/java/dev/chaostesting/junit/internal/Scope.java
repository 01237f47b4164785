package dev.chaostesting.junit.internal;

import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.Fault;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interceptors started for one test class or one test method, closed together. Kept in the JUnit store of that
 * context; {@link #close()} is idempotent, so both our own after-callback and JUnit (which closes {@link AutoCloseable}
 * store values since 5.13) may call it.
 */
public final class Scope implements AutoCloseable {

    /** A running interceptor, its name, and the faults it was configured with (restored after each test). */
    public record Running(String name, RunningInterceptor interceptor, List<Fault> baseline) {}

    private final Map<String, Running> byName = Collections.synchronizedMap(new LinkedHashMap<>());
    private boolean closed;

    public synchronized void add(Running running) {
        if (closed) {
            running.interceptor().close();
            throw new IllegalStateException("scope closed");
        }
        byName.put(running.name(), running);
    }

    public synchronized boolean contains(String name) {
        return byName.containsKey(name);
    }

    public synchronized List<Running> all() {
        return List.copyOf(byName.values());
    }

    /** Closes every interceptor, the last started first; the first failure is rethrown after all were tried. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        var list = new ArrayList<>(byName.values());
        Collections.reverse(list);
        RuntimeException failure = null;
        for (var r : list) {
            try {
                r.interceptor().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
