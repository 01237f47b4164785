package dev.chaostesting.codegen.plan;

import java.util.List;
import java.util.Objects;

/**
 * A chaos test: one endpoint that calls a dependency, called while a fault hits that dependency through a transparent
 * interceptor created with the control API. The test builds its state first (the {@link #setup} steps, as the
 * functional tests do), then injects {@link #fault}, calls {@link #call} and checks that the service degrades
 * gracefully: an error status (5xx) quickly, or still its recorded answer when the dependency is only slow.
 *
 * @param suite the name of the suite it belongs to, e.g. {@code books}
 * @param name a snake_case identifier, e.g. {@code get_book_with_stock_service_resetting_connections}
 * @param description one sentence, which names the endpoint, the dependency and the fault
 * @param dependency the dependency the fault hits
 * @param fault the fault and what the endpoint must do under it
 * @param uniques values made unique per run, declared before the steps
 * @param setup requests that build the state the call needs, run before the fault is injected
 * @param call the request made under the fault; its expected status is the recorded one, its checks are not used
 */
public record ChaosCase(
        String suite,
        String name,
        String description,
        ChaosDependency dependency,
        ChaosFault fault,
        List<TestPlan.UniqueValue> uniques,
        List<Step> setup,
        Step call) {
    public ChaosCase {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(dependency, "dependency");
        Objects.requireNonNull(fault, "fault");
        uniques = List.copyOf(uniques);
        setup = List.copyOf(setup);
        Objects.requireNonNull(call, "call");
    }

    /**
     * A dependency of the service, as the model saw it.
     *
     * @param label how messages name it, e.g. {@code the stock service}
     * @param envVar the environment variable that overrides its address, e.g. {@code CHAOS_DEPENDENCY_STOCK}
     * @param target its recorded address, {@code host:port}
     */
    public record ChaosDependency(String label, String envVar, String target) {
        public ChaosDependency {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(envVar, "envVar");
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * A fault and the answer it calls for.
     *
     * @param phrase how messages name it, e.g. {@code resetting connections}, {@code 1 s slow}
     * @param specJson the FaultSpec sent to the control API, as JSON, e.g. {@code {"type":"reset"}}
     * @param expectError true: the endpoint must answer an error status (5xx); false: its recorded status
     * @param withinMillis the time within which the answer must arrive
     */
    public record ChaosFault(String phrase, String specJson, boolean expectError, long withinMillis) {
        public ChaosFault {
            Objects.requireNonNull(phrase, "phrase");
            Objects.requireNonNull(specJson, "specJson");
        }
    }
}
