package dev.chaostesting.learn.internal;

import dev.chaostesting.learn.BehaviourModel;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.Interaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One learning run in two passes over the interactions: the first collects the inbound paths and decides the path
 * templates; the second matches every interaction to its endpoint and accumulates.
 */
public final class Learning {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final int MAX_OUTBOUND = 2_000_000;

    /** An operation from the user's specification. */
    public record Declared(String method, String path, String operationId) {}

    private record Window(long start, long end, EndpointAccumulator endpoint) {}

    private record Call(long start, EndpointAccumulator.DependencyKey key) {}

    private final List<Declared> declared;

    public Learning(List<Declared> declared) {
        this.declared = List.copyOf(declared);
    }

    public BehaviourModel learn(Supplier<Iterator<Interaction>> interactions, String source, String generatedBy) {
        var templates = new PathTemplates();
        declared.forEach(d -> templates.declare(d.path()));
        for (var it = interactions.get(); it.hasNext(); ) {
            var interaction = it.next();
            if (interaction.direction() == Direction.INBOUND && interaction.httpRequest() != null) {
                templates.add(path(interaction.httpRequest()));
            }
        }
        templates.infer();

        var endpoints = new LinkedHashMap<String, EndpointAccumulator>();
        var flows = new FlowTracker();
        var windows = new ArrayList<Window>();
        var calls = new ArrayList<Call>();
        long count = 0;
        long writeEpoch = 0;
        for (var it = interactions.get(); it.hasNext(); ) {
            var interaction = it.next();
            count++;
            var request = interaction.httpRequest();
            long start = micros(interaction.startedAt());
            long end = start + Math.max(0, interaction.durationMicros());
            if (interaction.direction() == Direction.OUTBOUND) {
                if (calls.size() < MAX_OUTBOUND) {
                    calls.add(new Call(start, Outbound.describe(interaction)));
                }
                continue;
            }
            if (request == null) {
                continue;
            }
            var match = templates.match(path(request));
            var endpoint = endpoints.computeIfAbsent(
                    request.method() + " " + match.template(),
                    k -> new EndpointAccumulator(
                            request.method(), match.template(), operationId(request.method(), match.template())));
            var response = interaction.httpResponse();
            var requestJson = JsonBodies.parse(request.headers(), request.body());
            var responseJson = response == null ? null : JsonBodies.parse(response.headers(), response.body());
            endpoint.add(interaction, request, match, writeEpoch, requestJson, responseJson);
            if (!SAFE.contains(request.method())) {
                writeEpoch++;
            }
            flows.observe(endpoint.key(), request, match, response, requestJson, responseJson, start, end);
            windows.add(new Window(start, end, endpoint));
        }
        attribute(windows, calls);

        var model =
                BehaviourModel.builder().source(source).generatedBy(generatedBy).interactions(count);
        endpoints.values().stream()
                .map(EndpointAccumulator::toEndpoint)
                .sorted(Comparator.comparing((dev.chaostesting.learn.Endpoint e) -> e.path())
                        .thenComparing(e -> methodOrder(e.method())))
                .forEach(model::endpoint);
        flows.dataFlows().forEach(model::dataFlow);
        flows.scenarios().forEach(model::scenario);
        return model.build();
    }

    private @org.jspecify.annotations.Nullable String operationId(String method, String template) {
        for (var d : declared) {
            if (d.method().equalsIgnoreCase(method)
                    && d.path().equals(template)
                    && !d.operationId().isEmpty()) {
                return d.operationId();
            }
        }
        return null;
    }

    /**
     * Gives each outbound call to the inbound requests in flight when it started: with certainty when there was one,
     * as a share when there were several, not at all when there was none.
     */
    private static void attribute(List<Window> windows, List<Call> calls) {
        windows.sort(Comparator.comparingLong(Window::start));
        long longest =
                windows.stream().mapToLong(w -> w.end() - w.start()).max().orElse(0);
        for (var call : calls) {
            int hi = upperBound(windows, call.start());
            var candidates = new ArrayList<Window>(2);
            for (int i = hi - 1; i >= 0; i--) {
                var w = windows.get(i);
                if (call.start() - w.start() > longest) {
                    break;
                }
                if (w.end() >= call.start()) {
                    candidates.add(w);
                }
            }
            for (var w : candidates) {
                w.endpoint().dependency(call.key(), candidates.size());
            }
        }
    }

    /** Index of the first window starting after {@code start}. */
    private static int upperBound(List<Window> windows, long start) {
        int lo = 0;
        int hi = windows.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (windows.get(mid).start() <= start) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The path of the target; an absolute-form target ({@code http://host/x}, sent to proxies) loses its origin. */
    static String path(HttpRequest request) {
        var path = request.path();
        int scheme = path.indexOf("://");
        if (scheme > 0 && scheme < 10) {
            int slash = path.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : path.substring(slash);
        }
        return path;
    }

    private static int methodOrder(String method) {
        var order = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
        int i = order.indexOf(method);
        return i < 0 ? order.size() : i;
    }

    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }
}
