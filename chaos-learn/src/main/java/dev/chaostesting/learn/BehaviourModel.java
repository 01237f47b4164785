package dev.chaostesting.learn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What was learned from a recording: the service's endpoints, the values that flow between them and the resource life
 * cycles. Immutable; make one with {@link BehaviourLearner} or {@link #builder()}, write and read it with {@link
 * ModelJson}.
 *
 * @param formatVersion the version of the {@code model.json} format this model follows ({@link #FORMAT_VERSION})
 * @param generatedBy tool and version that learned it
 * @param source what it was learned from (a recording directory), free text
 * @param interactions interactions read
 * @param endpoints inbound HTTP endpoints, sorted by path then method
 * @param dataFlows values produced by one response and consumed by later requests, most frequent first
 * @param scenarios resource life cycles
 */
public record BehaviourModel(
        int formatVersion,
        String generatedBy,
        String source,
        long interactions,
        List<Endpoint> endpoints,
        List<DataFlow> dataFlows,
        List<Scenario> scenarios) {

    /** The {@code model.json} format version this code writes; readers accept this one and older ones. */
    public static final int FORMAT_VERSION = 1;

    public BehaviourModel {
        Objects.requireNonNull(generatedBy, "generatedBy");
        Objects.requireNonNull(source, "source");
        endpoints = List.copyOf(endpoints);
        dataFlows = List.copyOf(dataFlows);
        scenarios = List.copyOf(scenarios);
    }

    /** The endpoint with this method and path template. */
    public Optional<Endpoint> endpoint(String method, String path) {
        return endpoints.stream()
                .filter(e -> e.method().equals(method) && e.path().equals(path))
                .findFirst();
    }

    /** The scenario of this resource template, e.g. {@code /api/books/{bookId}}. */
    public Optional<Scenario> scenario(String resource) {
        return scenarios.stream().filter(s -> s.resource().equals(resource)).findFirst();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder newBuilder() {
        var b = new Builder().generatedBy(generatedBy).source(source).interactions(interactions);
        b.endpoints.addAll(endpoints);
        b.dataFlows.addAll(dataFlows);
        b.scenarios.addAll(scenarios);
        return b;
    }

    /** Builds a {@link BehaviourModel} of the current format version. */
    public static final class Builder {
        private String generatedBy = "chaos-testing";
        private String source = "";
        private long interactions;
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final List<DataFlow> dataFlows = new ArrayList<>();
        private final List<Scenario> scenarios = new ArrayList<>();

        private Builder() {}

        public Builder generatedBy(String generatedBy) {
            this.generatedBy = generatedBy;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder interactions(long interactions) {
            this.interactions = interactions;
            return this;
        }

        public Builder endpoint(Endpoint endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder dataFlow(DataFlow flow) {
            dataFlows.add(flow);
            return this;
        }

        public Builder scenario(Scenario scenario) {
            scenarios.add(scenario);
            return this;
        }

        public BehaviourModel build() {
            return new BehaviourModel(
                    FORMAT_VERSION, generatedBy, source, interactions, endpoints, dataFlows, scenarios);
        }
    }
}
