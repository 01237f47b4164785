package dev.chaostesting.learn.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.learn.DataFlow;
import dev.chaostesting.learn.Scenario;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Follows server-generated values (ids, tokens, {@code Location}s) from the response that produced them to the
 * requests that sent them back, and the life of each resource instance named by a path parameter.
 *
 * <p>Only values the server made are followed: redacted token fingerprints, members named like ids, UUIDs, JWTs and
 * {@code Location} headers, and only when the producing request did not itself carry the value. The first producer of
 * a value is its origin; a consumer must start after the producer's response ended.
 */
final class FlowTracker {
    private static final int MAX_VALUES = 200_000;
    private static final int MAX_INSTANCES = 20_000;
    private static final int MAX_STEPS = 100;
    private static final int MAX_VALUE_LENGTH = 512;
    private static final java.util.Set<String> WRITES = java.util.Set.of("POST", "PUT", "PATCH");

    private static final int MAX_LEAVES = 64;

    private record Produced(
            String endpoint,
            String location,
            String kind,
            long endMicros,
            Scenario.Step step,
            @Nullable Map<String, String> written) {}

    /** What a write sent to an instance: its endpoint and its request body's scalar members outside arrays. */
    private record Write(String endpoint, Map<String, String> leaves) {}

    private record ReadBackKey(String resource, String write, String location, String read) {}

    private record FlowKey(
            String producer, String producerLocation, String consumer, String consumerLocation, String kind) {}

    private static final class Instance {
        final String resource;
        final String parameter;
        final List<Scenario.Step> steps = new ArrayList<>();

        @Nullable
        Write lastWrite;

        Instance(String resource, String parameter) {
            this.resource = resource;
            this.parameter = parameter;
        }
    }

    private final Map<String, Produced> produced = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Produced> eldest) {
            return size() > MAX_VALUES;
        }
    };
    private final Map<FlowKey, Long> flows = new LinkedHashMap<>();
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    /** Per read-back: {times equal, times different}. */
    private final Map<ReadBackKey, long[]> readBacks = new LinkedHashMap<>();

    /** Records what the request consumed, then what its response produced. */
    void observe(
            String endpoint,
            HttpRequest request,
            PathTemplates.Match match,
            @Nullable HttpResponse response,
            @Nullable JsonNode requestJson,
            @Nullable JsonNode responseJson,
            long startMicros,
            long endMicros) {
        var step = new Scenario.Step(endpoint, response == null ? 0 : response.status());
        boolean success = response != null && response.status() >= 200 && response.status() < 300;
        var method = request.method();
        var written = success && requestJson != null && WRITES.contains(method) ? leaves(requestJson) : null;
        var read = success && responseJson != null && method.equals("GET") ? leaves(responseJson) : null;
        var inputs = new java.util.HashSet<String>();
        var template = match.template();
        match.parameters().forEach((name, value) -> {
            inputs.add(value);
            consume(endpoint, "path:" + name, value, startMicros);
            instance(template, name, value, step, method, written, read);
        });
        var requestPath = Learning.path(request);
        inputs.add(requestPath);
        consume(endpoint, "path", requestPath, startMicros);
        EndpointAccumulator.query(request.query()).forEach((name, value) -> {
            inputs.add(value);
            consume(endpoint, "query:" + name, value, startMicros);
        });
        if (requestJson != null) {
            JsonBodies.leaves(requestJson, (path, value, inArray) -> {
                var text = value.asText();
                inputs.add(text);
                // A body member is a consumer only where an id or a token belongs, not wherever a number fits.
                if (kind(JsonBodies.lastName(path), text) != null) {
                    consume(endpoint, "body:" + path, text, startMicros);
                }
            });
        }
        for (var entry : request.headers().entries()) {
            var name = entry.getKey().toLowerCase(Locale.ROOT);
            if (EndpointAccumulator.NOISE.contains(name)) {
                continue;
            }
            for (var credential : Values.credentials(entry.getValue())) {
                inputs.add(credential);
                consume(endpoint, "header:" + entry.getKey(), credential, startMicros);
            }
        }
        if (response == null) {
            return;
        }
        if (response.status() >= 200 && response.status() < 300) {
            response.headers().first("Location").ifPresent(location -> {
                var path = locationPath(location);
                if (path != null && !inputs.contains(path)) {
                    produce(path, new Produced(endpoint, "header:Location", "id", endMicros, step, written));
                }
            });
            for (var entry : response.headers().entries()) {
                for (var credential : Values.credentials(entry.getValue())) {
                    if (!inputs.contains(credential)) {
                        produce(
                                credential,
                                new Produced(endpoint, "header:" + entry.getKey(), "token", endMicros, step, null));
                    }
                }
            }
        }
        if (responseJson != null) {
            JsonBodies.leaves(responseJson, (path, value, inArray) -> {
                var text = value.asText();
                if (value.isNull() || text.isEmpty() || inputs.contains(text)) {
                    return;
                }
                var kind = kind(JsonBodies.lastName(path), text);
                if (kind != null) {
                    produce(text, new Produced(endpoint, "body:" + path, kind, endMicros, step, written));
                }
            });
        }
    }

    private static @Nullable String kind(String name, String value) {
        if (Values.isFingerprint(value) || Values.isJwt(value)) {
            return "token";
        }
        if (Values.idName(name) || "uuid".equals(Values.format(value))) {
            return "id";
        }
        return null;
    }

    private void produce(String value, Produced producer) {
        if (value.length() <= MAX_VALUE_LENGTH) {
            produced.putIfAbsent(value, producer);
        }
    }

    private void consume(String endpoint, String location, String value, long startMicros) {
        var producer = produced.get(value);
        if (producer == null || producer.endMicros() > startMicros) {
            return;
        }
        flows.merge(
                new FlowKey(producer.endpoint(), producer.location(), endpoint, location, producer.kind()),
                1L,
                Long::sum);
    }

    private void instance(
            String template,
            String parameter,
            String value,
            Scenario.Step step,
            String method,
            @Nullable Map<String, String> written,
            @Nullable Map<String, String> read) {
        var marker = "{" + parameter + "}";
        int at = template.indexOf(marker);
        if (at < 0) {
            return;
        }
        var resource = template.substring(0, at + marker.length());
        var key = resource + '\n' + value;
        var instance = instances.get(key);
        if (instance == null) {
            if (instances.size() >= MAX_INSTANCES) {
                return;
            }
            instance = new Instance(resource, parameter);
            var producer = produced.get(value);
            if (producer != null) {
                instance.steps.add(producer.step());
                if (producer.written() != null) {
                    instance.lastWrite = new Write(producer.endpoint(), producer.written());
                }
            }
            instances.put(key, instance);
        }
        if (instance.steps.size() < MAX_STEPS) {
            instance.steps.add(step);
        }
        if (!template.equals(resource)) {
            return;
        }
        if (read != null && instance.lastWrite != null) {
            var write = instance.lastWrite;
            write.leaves().forEach((path, sent) -> {
                var returned = read.get(path);
                if (returned != null && readBacks.size() < MAX_INSTANCES) {
                    var counts = readBacks.computeIfAbsent(
                            new ReadBackKey(resource, write.endpoint(), "body:" + path, step.endpoint()),
                            k -> new long[2]);
                    counts[returned.equals(sent) ? 0 : 1]++;
                }
            });
            instance.lastWrite = null;
        }
        if (written != null) {
            instance.lastWrite = new Write(step.endpoint(), written);
        } else if (method.equals("DELETE")) {
            instance.lastWrite = null;
        }
    }

    /** Scalar members outside arrays, by path: what can be compared between a write and a read. */
    private static Map<String, String> leaves(JsonNode json) {
        var leaves = new LinkedHashMap<String, String>();
        JsonBodies.leaves(json, (path, value, inArray) -> {
            if (!inArray && !value.isNull() && leaves.size() < MAX_LEAVES) {
                leaves.put(path, value.asText());
            }
        });
        return leaves;
    }

    private static @Nullable String locationPath(String location) {
        try {
            var uri = URI.create(location.strip());
            var path = uri.getRawPath();
            return path == null || path.isEmpty() ? null : path;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private List<Scenario.ReadBack> readBacks(String resource) {
        var out = new ArrayList<Scenario.ReadBack>();
        readBacks.forEach((key, counts) -> {
            if (key.resource().equals(resource) && counts[0] > 0 && counts[1] == 0) {
                out.add(new Scenario.ReadBack(key.write(), key.location(), key.read(), key.location(), counts[0]));
            }
        });
        return out;
    }

    List<DataFlow> dataFlows() {
        return flows.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<FlowKey, Long> e) -> -e.getValue()))
                .map(e -> {
                    var k = e.getKey();
                    return new DataFlow(
                            k.producer(),
                            k.producerLocation(),
                            k.consumer(),
                            k.consumerLocation(),
                            k.kind(),
                            e.getValue());
                })
                .toList();
    }

    List<Scenario> scenarios() {
        var byResource = new LinkedHashMap<String, List<Instance>>();
        for (var instance : instances.values()) {
            byResource
                    .computeIfAbsent(instance.resource, r -> new ArrayList<>())
                    .add(instance);
        }
        var scenarios = new ArrayList<Scenario>();
        byResource.forEach((resource, list) -> {
            var sequences = new LinkedHashMap<List<Scenario.Step>, Long>();
            var transitions = new LinkedHashMap<List<Scenario.Step>, Long>();
            for (var instance : list) {
                var collapsed = new ArrayList<Scenario.Step>();
                for (var step : instance.steps) {
                    if (collapsed.isEmpty()
                            || !collapsed.get(collapsed.size() - 1).equals(step)) {
                        collapsed.add(step);
                    }
                }
                sequences.merge(List.copyOf(collapsed), 1L, Long::sum);
                var steps = instance.steps;
                for (int i = 1; i < steps.size(); i++) {
                    transitions.merge(List.of(steps.get(i - 1), steps.get(i)), 1L, Long::sum);
                }
            }
            scenarios.add(new Scenario(
                    resource,
                    list.get(0).parameter,
                    list.size(),
                    sequences.entrySet().stream()
                            .sorted(Comparator.comparingLong((Map.Entry<List<Scenario.Step>, Long> e) -> -e.getValue()))
                            .map(e -> new Scenario.Sequence(e.getKey(), e.getValue()))
                            .toList(),
                    transitions.entrySet().stream()
                            .sorted(Comparator.comparingLong((Map.Entry<List<Scenario.Step>, Long> e) -> -e.getValue()))
                            .map(e -> new Scenario.Transition(
                                    e.getKey().get(0), e.getKey().get(1), e.getValue()))
                            .toList(),
                    readBacks(resource)));
        });
        return scenarios;
    }
}
