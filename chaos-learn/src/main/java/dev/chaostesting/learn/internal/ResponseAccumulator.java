package dev.chaostesting.learn.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.learn.DynamicField;
import dev.chaostesting.learn.Echo;
import dev.chaostesting.learn.Example;
import dev.chaostesting.learn.HeaderRule;
import dev.chaostesting.learn.Response;
import dev.chaostesting.model.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Everything learned about the responses of one endpoint with one status code. */
final class ResponseAccumulator {
    static final List<String> FRAMING = List.of("content-length", "transfer-encoding", "connection", "keep-alive");

    /** Headers dynamic by nature, with the reason recorded for them. */
    private static final Map<String, String> DYNAMIC_HEADERS = Map.ofEntries(
            Map.entry("date", "header:date"),
            Map.entry("etag", "etag"),
            Map.entry("last-modified", "format:http-date"),
            Map.entry("expires", "format:http-date"),
            Map.entry("age", "age"),
            Map.entry("set-cookie", "set-cookie"),
            Map.entry("x-request-id", "request-id"),
            Map.entry("request-id", "request-id"),
            Map.entry("x-correlation-id", "request-id"),
            Map.entry("x-trace-id", "request-id"),
            Map.entry("traceparent", "request-id"));

    private static final int MAX_DISTINCT = 64;
    private static final int MAX_FINGERPRINTS = 1000;

    /** What was seen at one location (a body leaf or a header). */
    private static final class Field {
        long count;
        final Set<String> distinct = new LinkedHashSet<>();
        boolean manyDistinct;

        @Nullable
        String format;

        boolean formatBroken;
        boolean allJwt = true;
        boolean allFingerprints = true;
        boolean allRedacted = true;
        long echoed;

        @Nullable
        Set<String> echoFrom;

        boolean inArray;
        boolean differs;
        final Map<String, String> byRequest = new HashMap<>();

        void add(String raw, @Nullable Set<String> sources, boolean inArray, @Nullable String requestKey) {
            var value = Values.compact(raw);
            boolean echo = sources != null;
            if (!inArray) {
                if (echoFrom == null) {
                    echoFrom = new LinkedHashSet<>(sources == null ? Set.of() : sources);
                } else {
                    echoFrom.retainAll(sources == null ? Set.of() : sources);
                }
            }
            count++;
            this.inArray |= inArray;
            if (!manyDistinct) {
                distinct.add(value);
                if (distinct.size() > MAX_DISTINCT) {
                    manyDistinct = true;
                    distinct.clear();
                }
            }
            if (!formatBroken) {
                var f = Values.format(raw);
                if (f == null || (format != null && !format.equals(f))) {
                    formatBroken = true;
                    format = null;
                } else {
                    format = f;
                }
            }
            allJwt &= Values.isJwt(raw);
            allFingerprints &= Values.isFingerprint(raw);
            allRedacted &= Values.isRedacted(raw);
            if (echo) {
                echoed++;
            }
            if (requestKey != null && !inArray && !differs) {
                var previous = byRequest.get(requestKey);
                if (previous == null) {
                    if (byRequest.size() < MAX_FINGERPRINTS) {
                        byRequest.put(requestKey, value);
                    }
                } else if (!previous.equals(value)) {
                    differs = true;
                    byRequest.clear();
                }
            }
        }

        long distinctCount() {
            return manyDistinct ? Long.MAX_VALUE : distinct.size();
        }
    }

    private final int status;
    private long count;
    private @Nullable String contentType;
    private final SchemaAccumulator body = new SchemaAccumulator();
    private boolean anyJson;
    private final Map<String, Field> bodyFields = new LinkedHashMap<>();
    private final Map<String, Field> headers = new LinkedHashMap<>();
    private final Map<String, String> headerNames = new LinkedHashMap<>();
    private @Nullable Example example;

    ResponseAccumulator(int status) {
        this.status = status;
    }

    /**
     * @param requestKey the request as sent, for comparing responses to equal requests; null when the comparison does
     *     not apply
     * @param inputs every value the request carried (path parameters, query values, body leaves)
     */
    void add(
            HttpResponse response,
            @Nullable JsonNode json,
            @Nullable String requestKey,
            Map<String, Set<String>> inputs) {
        count++;
        if (contentType == null) {
            contentType = response.headers().first("Content-Type").orElse(null);
        }
        var seen = new LinkedHashMap<String, String>();
        for (var entry : response.headers().entries()) {
            var lower = entry.getKey().toLowerCase(Locale.ROOT);
            if (!FRAMING.contains(lower) && !seen.containsKey(lower)) {
                seen.put(lower, entry.getValue());
                headerNames.putIfAbsent(lower, entry.getKey());
            }
        }
        seen.forEach((name, value) ->
                headers.computeIfAbsent(name, n -> new Field()).add(value, inputs.get(value), false, requestKey));
        if (json != null) {
            anyJson = true;
            body.add(json);
            JsonBodies.leaves(json, (path, value, inArray) -> {
                if (value.isNull()) {
                    return;
                }
                var text = value.asText();
                var field = bodyFields.get(path);
                if (field == null) {
                    if (bodyFields.size() >= 500) {
                        return;
                    }
                    field = new Field();
                    bodyFields.put(path, field);
                }
                field.add(text, inputs.get(text), inArray, requestKey);
            });
        }
    }

    void example(Example example) {
        if (this.example == null) {
            this.example = example;
        }
    }

    Response toResponse() {
        var dynamic = new ArrayList<DynamicField>();
        var headerRules = new ArrayList<HeaderRule>();
        for (var entry : headers.entrySet()) {
            var name = entry.getKey();
            var field = entry.getValue();
            var reasons = new ArrayList<String>();
            var byNature = DYNAMIC_HEADERS.get(name);
            if (byNature != null) {
                reasons.add(byNature);
            }
            if (name.equals("location") && field.distinctCount() >= 2) {
                reasons.add("server-generated-id");
            }
            if (field.differs) {
                reasons.add("differs-for-equal-requests");
            }
            if (field.allFingerprints) {
                reasons.add("token");
            }
            if (!reasons.isEmpty()) {
                dynamic.add(new DynamicField("header:" + headerNames.get(name), reasons));
            }
            var values =
                    reasons.isEmpty() && field.distinctCount() <= 5 ? List.copyOf(field.distinct) : List.<String>of();
            headerRules.add(new HeaderRule(name, field.count == count, values));
        }
        for (var entry : bodyFields.entrySet()) {
            var reasons = bodyReasons(entry.getKey(), entry.getValue());
            if (!reasons.isEmpty()) {
                dynamic.add(new DynamicField("body:" + entry.getKey(), reasons));
            }
        }
        var echoes = new ArrayList<Echo>();
        bodyFields.forEach((path, field) -> {
            if (field.echoFrom != null
                    && !field.echoFrom.isEmpty()
                    && field.echoed == field.count
                    && (field.distinctCount() >= 2 || field.distinct.stream().allMatch(v -> v.length() >= 6))) {
                echoes.add(new Echo("body:" + path, field.echoFrom.iterator().next()));
            }
        });
        return new Response(
                status, count, headerRules, contentType, anyJson ? body.toSchema() : null, dynamic, echoes, example);
    }

    private static List<String> bodyReasons(String path, Field field) {
        var reasons = new ArrayList<String>();
        // A value that stayed the same over several samples is not dynamic, whatever it looks like.
        boolean constant = field.count >= 2 && field.distinctCount() == 1;
        if (field.allFingerprints) {
            reasons.add("token");
        } else if (field.allRedacted) {
            reasons.add("redacted");
        } else if (field.allJwt && !constant) {
            reasons.add("jwt");
        }
        if (!constant && (field.format != null && !field.formatBroken)) {
            if (field.format.equals("date-time") || field.format.equals("uuid")) {
                reasons.add("format:" + field.format);
            }
        }
        if (Values.idName(JsonBodies.lastName(path))
                && field.echoed == 0
                && !field.allRedacted
                && (field.distinctCount() >= 2 || (!constant && "uuid".equals(field.format)))) {
            reasons.add("server-generated-id");
        }
        if (field.differs) {
            reasons.add("differs-for-equal-requests");
        }
        return reasons;
    }
}
