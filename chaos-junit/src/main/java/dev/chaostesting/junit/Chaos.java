package dev.chaostesting.junit;

import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.ActiveFault;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.recording.LiveRecording;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The interceptors running for the current test, by name: an injectable handle for tests with several of them.
 * Faults injected through it (or through the {@link RunningInterceptor} directly) are removed when the test ends.
 *
 * <pre>{@code
 * @Test
 * void cacheDown(Chaos chaos) {
 *     chaos.inject("cache", Faults.down());
 *     ...
 *     ChaosAssertions.assertThat(chaos.recording("db")).noErrors();
 * }
 * }</pre>
 */
public final class Chaos {

    private final Map<String, RunningInterceptor> interceptors;
    private final Map<String, LiveRecording> recordings;

    Chaos(Map<String, RunningInterceptor> interceptors, Map<String, LiveRecording> recordings) {
        this.interceptors = new LinkedHashMap<>(interceptors);
        this.recordings = new LinkedHashMap<>(recordings);
    }

    /** The names of the running interceptors, class-level ones first. */
    public List<String> names() {
        return List.copyOf(interceptors.keySet());
    }

    /** The only running interceptor; fails when there are several (name one) or none. */
    public RunningInterceptor interceptor() {
        return interceptor(onlyName());
    }

    /** The interceptor of that name. */
    public RunningInterceptor interceptor(String name) {
        var running = interceptors.get(name);
        if (running == null) {
            throw new IllegalArgumentException("no interceptor named " + name + " (running: " + describe() + ")");
        }
        return running;
    }

    /**
     * What the only interceptor recorded during this test (for a class-level interceptor: since the test started).
     *
     * @throws IllegalStateException when that interceptor does not record
     */
    public LiveRecording recording() {
        return recording(onlyName());
    }

    /** What the named interceptor recorded during this test. */
    public LiveRecording recording(String name) {
        interceptor(name);
        var recording = recordings.get(name);
        if (recording == null) {
            throw new IllegalStateException("interceptor " + name + " does not record (@Intercept(record = false))");
        }
        return recording;
    }

    /** Injects a fault into the only interceptor, until the test ends (or {@link ActiveFault#remove()}). */
    public ActiveFault inject(Fault fault) {
        return interceptor().inject(fault);
    }

    /** Injects a fault into the named interceptor, until the test ends (or {@link ActiveFault#remove()}). */
    public ActiveFault inject(String name, Fault fault) {
        return interceptor(name).inject(fault);
    }

    private String onlyName() {
        if (interceptors.size() != 1) {
            throw new IllegalStateException(
                    interceptors.isEmpty()
                            ? "no interceptor is running for this test (declare one with @Intercept)"
                            : "several interceptors are running (" + describe() + "): name the one you mean");
        }
        return interceptors.keySet().iterator().next();
    }

    private String describe() {
        return interceptors.isEmpty() ? "none" : String.join(", ", interceptors.keySet());
    }

    @Override
    public String toString() {
        return "Chaos[" + describe() + "]";
    }
}
