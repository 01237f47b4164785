package dev.chaostesting.learn.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.learn.Dependency;
import dev.chaostesting.learn.Endpoint;
import dev.chaostesting.learn.Example;
import dev.chaostesting.learn.HeaderRule;
import dev.chaostesting.learn.Latency;
import dev.chaostesting.learn.Parameter;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Everything learned about one endpoint (method and path template) while the recording streams by. */
final class EndpointAccumulator {
    /** Request headers that say nothing about the API: left out of the model. */
    static final Set<String> NOISE = Set.of(
            "user-agent",
            "host",
            "content-length",
            "connection",
            "keep-alive",
            "transfer-encoding",
            "te",
            "upgrade",
            "http2-settings",
            "date",
            "x-request-id",
            "x-correlation-id",
            "traceparent",
            "tracestate",
            "x-b3-traceid",
            "x-b3-spanid",
            "x-b3-parentspanid",
            "x-b3-sampled",
            "x-amzn-trace-id",
            "referer",
            "origin",
            "accept-language",
            "pragma",
            "cache-control",
            "expect",
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "forwarded",
            "via",
            "dnt",
            "priority",
            "upgrade-insecure-requests");

    private static final int MAX_LATENCIES = 100_000;
    private static final int MAX_EXAMPLE_BODY = 4096;

    private static final class HeaderStat {
        long count;
        long onSuccess;
        final Set<String> values = new LinkedHashSet<>();
        boolean many;
    }

    private static final class QueryStat {
        long count;
        final SchemaAccumulator schema = new SchemaAccumulator();
        final Set<String> examples = new LinkedHashSet<>();
    }

    private static final class DependencyStat {
        long count;
        long ambiguous;
        double shares;
    }

    record DependencyKey(String protocol, String target, String operation, List<String> tables) {}

    private final String method;
    private final String template;
    private final @Nullable String declaredOperationId;
    private long samples;
    private long successes;
    private final Map<String, SchemaAccumulator> pathParameters = new LinkedHashMap<>();
    private final Map<String, Set<String>> pathExamples = new LinkedHashMap<>();
    private final Map<String, QueryStat> query = new TreeMap<>();
    private final Map<String, HeaderStat> headers = new TreeMap<>();
    private @Nullable String requestContentType;
    private final SchemaAccumulator requestBody = new SchemaAccumulator();
    private boolean anyRequestJson;
    private final Map<Integer, ResponseAccumulator> responses = new TreeMap<>();
    private long[] latencies = new long[16];
    private int latencyCount;
    private final Map<DependencyKey, DependencyStat> dependencies = new LinkedHashMap<>();
    private final Set<String> secretInputs = new LinkedHashSet<>();

    EndpointAccumulator(String method, String template, @Nullable String declaredOperationId) {
        this.method = method;
        this.template = template;
        this.declaredOperationId = declaredOperationId;
    }

    String key() {
        return method + " " + template;
    }

    /**
     * @param writeEpoch how many state-changing requests the service had received before this one: responses to equal
     *     safe requests are only compared within one epoch
     */
    void add(
            Interaction interaction,
            HttpRequest request,
            PathTemplates.Match match,
            long writeEpoch,
            @Nullable JsonNode requestJson,
            @Nullable JsonNode responseJson) {
        samples++;
        var response = interaction.httpResponse();
        boolean success = response != null && response.status() >= 200 && response.status() < 300;
        if (success) {
            successes++;
        }
        var inputs = new LinkedHashMap<String, Set<String>>();
        match.parameters().forEach((name, value) -> {
            pathParameters.computeIfAbsent(name, n -> new SchemaAccumulator()).addText(value);
            var examples = pathExamples.computeIfAbsent(name, n -> new LinkedHashSet<>());
            if (examples.size() < 3) {
                examples.add(value);
            }
            input(inputs, value, "path:" + name);
        });
        query(request.query()).forEach((name, value) -> {
            var stat = query.computeIfAbsent(name, n -> new QueryStat());
            stat.count++;
            stat.schema.addText(value);
            if (stat.examples.size() < 3) {
                stat.examples.add(value);
            }
            input(inputs, value, "query:" + name);
            secret(value, "query:" + name);
        });
        var counted = new LinkedHashSet<String>();
        for (var entry : request.headers().entries()) {
            var name = entry.getKey().toLowerCase(Locale.ROOT);
            if (NOISE.contains(name) || !counted.add(name)) {
                continue;
            }
            if (entry.getValue().contains("<redacted>")) {
                secret("<redacted>", "header:" + entry.getKey());
            }
            var stat = headers.computeIfAbsent(name, n -> new HeaderStat());
            stat.count++;
            if (success) {
                stat.onSuccess++;
            }
            var value = name.equals("authorization") || name.equals("proxy-authorization")
                    ? entry.getValue().strip().split("\\s+", 2)[0]
                    : entry.getValue();
            if (!stat.many) {
                stat.values.add(value);
                if (stat.values.size() > 5) {
                    stat.many = true;
                    stat.values.clear();
                }
            }
        }
        if (!request.body().isEmpty() && requestContentType == null) {
            requestContentType = request.headers().first("Content-Type").orElse(null);
        }
        if (requestJson != null) {
            anyRequestJson = true;
            requestBody.add(requestJson);
            JsonBodies.leaves(requestJson, (path, value, inArray) -> {
                if (!value.isNull()) {
                    input(inputs, value.asText(), "body:" + path);
                    secret(value.asText(), "body:" + path);
                }
            });
        }
        if (latencyCount < MAX_LATENCIES) {
            if (latencyCount == latencies.length) {
                latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = Math.max(0, interaction.durationMicros());
        }
        if (response == null) {
            return;
        }
        var accumulator = responses.computeIfAbsent(response.status(), ResponseAccumulator::new);
        accumulator.add(response, responseJson, requestKey(request, writeEpoch), inputs);
        accumulator.example(example(interaction.sequence(), request, response));
    }

    private void secret(String value, String location) {
        if (value.equals("<redacted>") && secretInputs.size() < 50) {
            secretInputs.add(location);
        }
    }

    private static void input(Map<String, Set<String>> inputs, String value, String location) {
        if (!value.isEmpty()) {
            inputs.computeIfAbsent(value, v -> new LinkedHashSet<>()).add(location);
        }
    }

    /** Equal requests get equal keys: method, target, body and whether credentials were sent (not which). */
    private static String requestKey(HttpRequest request, long writeEpoch) {
        var safe = Set.of("GET", "HEAD", "OPTIONS").contains(request.method());
        return Values.compact((safe ? writeEpoch + " " : "") + request.method() + " " + request.target() + " "
                + request.headers().contains("Authorization") + " "
                + request.body().text());
    }

    void dependency(DependencyKey key, int candidates) {
        var stat = dependencies.computeIfAbsent(key, k -> new DependencyStat());
        if (candidates == 1) {
            stat.count++;
        } else {
            stat.ambiguous++;
        }
        stat.shares += 1.0 / candidates;
    }

    private static Example example(long sequence, HttpRequest request, HttpResponse response) {
        var requestHeaders = new LinkedHashMap<String, String>();
        JsonBodies.firstValues(request.headers(), List.copyOf(NOISE), requestHeaders::put);
        var responseHeaders = new LinkedHashMap<String, String>();
        JsonBodies.firstValues(response.headers(), ResponseAccumulator.FRAMING, responseHeaders::put);
        return new Example(
                sequence,
                request.method(),
                request.target(),
                requestHeaders,
                text(request.body()),
                response.status(),
                responseHeaders,
                text(response.body()));
    }

    private static @Nullable String text(dev.chaostesting.model.Body body) {
        var text = body.isEmpty() ? null : body.textIfValid();
        if (text == null) {
            return null;
        }
        return text.length() > MAX_EXAMPLE_BODY ? text.substring(0, MAX_EXAMPLE_BODY) : text;
    }

    static Map<String, String> query(String query) {
        var out = new LinkedHashMap<String, String>();
        if (query.isEmpty()) {
            return out;
        }
        for (var pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            var name = decode(eq < 0 ? pair : pair.substring(0, eq));
            var value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.putIfAbsent(name, value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    Endpoint toEndpoint() {
        var parameters = new ArrayList<Parameter>();
        pathParameters.forEach((name, schema) -> parameters.add(
                new Parameter(name, "path", true, schema.toSchema(), List.copyOf(pathExamples.get(name)))));
        query.forEach((name, stat) -> parameters.add(new Parameter(
                name, "query", stat.count == samples, stat.schema.toSchema(), List.copyOf(stat.examples))));
        var headerRules = new ArrayList<HeaderRule>();
        headers.forEach((name, stat) -> headerRules.add(new HeaderRule(
                name, successes > 0 ? stat.onSuccess == successes : stat.count == samples, List.copyOf(stat.values))));
        var responseList =
                responses.values().stream().map(ResponseAccumulator::toResponse).toList();
        var deps = new ArrayList<Dependency>();
        dependencies.entrySet().stream()
                .sorted(Comparator.comparingLong(
                        (Map.Entry<DependencyKey, DependencyStat> e) -> -(e.getValue().count + e.getValue().ambiguous)))
                .forEach(e -> {
                    var k = e.getKey();
                    var s = e.getValue();
                    double confidence = (s.count + s.ambiguous) == 0 ? 0 : s.shares / (s.count + s.ambiguous);
                    deps.add(new Dependency(
                            k.protocol(),
                            k.target(),
                            k.operation(),
                            k.tables(),
                            s.count,
                            s.ambiguous,
                            Math.round(confidence * 1000) / 1000.0));
                });
        return new Endpoint(
                method,
                template,
                declaredOperationId != null ? declaredOperationId : operationId(method, template),
                samples,
                parameters,
                headerRules,
                requestContentType,
                anyRequestJson ? requestBody.toSchema() : null,
                responseList,
                latency(),
                deps,
                List.copyOf(secretInputs));
    }

    private Latency latency() {
        if (latencyCount == 0) {
            return new Latency(0, 0, 0, 0, 0);
        }
        var sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return new Latency(
                latencyCount, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile. */
    static long rank(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** {@code GET /api/books/{bookId}} gives {@code getApiBooksByBookId}. */
    static String operationId(String method, String template) {
        var out = new StringBuilder(method.toLowerCase(Locale.ROOT));
        for (var segment : PathTemplates.segments(template)) {
            boolean parameter = segment.startsWith("{") && segment.endsWith("}");
            var word = parameter ? segment.substring(1, segment.length() - 1) : segment;
            if (parameter) {
                out.append("By");
            }
            boolean upper = true;
            for (char c : word.toCharArray()) {
                if (!Character.isLetterOrDigit(c)) {
                    upper = true;
                    continue;
                }
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
