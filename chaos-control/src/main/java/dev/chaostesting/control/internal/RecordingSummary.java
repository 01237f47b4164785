package dev.chaostesting.control.internal;

import dev.chaostesting.model.Interaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a slice of a recording holds, for a test to assert on without parsing every interaction: counts by protocol,
 * HTTP endpoints with their status codes and latencies, errors. Fed one interaction at a time.
 */
final class RecordingSummary {

    private static final Pattern ID_SEGMENT = Pattern.compile(
            "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?=.*\\d)[0-9a-fA-F]{16,}");
    private static final int MAX_ERRORS = 20;
    private static final int MAX_ENDPOINTS = 1000;

    private final long since;
    private long interactions;
    private long errors;
    private long firstSequence;
    private long lastSequence;
    private final Set<String> connections = new HashSet<>();
    private final Map<String, Protocol> protocols = new TreeMap<>();
    private final Map<String, Endpoint> endpoints = new TreeMap<>();
    private final Map<String, Long> errorMessages = new LinkedHashMap<>();

    private static final class Protocol {
        long interactions;
        long errors;
        long requestBytes;
        long responseBytes;
    }

    private static final class Endpoint {
        long count;
        long errors;
        final Map<String, Long> statuses = new TreeMap<>();
        long[] durations = new long[16];
        int durationCount;

        void duration(long micros) {
            if (durationCount == durations.length) {
                durations = Arrays.copyOf(durations, durations.length * 2);
            }
            durations[durationCount++] = micros;
        }
    }

    RecordingSummary(long since) {
        this.since = since;
    }

    void add(Interaction i) {
        interactions++;
        if (firstSequence == 0 || i.sequence() < firstSequence) {
            firstSequence = i.sequence();
        }
        lastSequence = Math.max(lastSequence, i.sequence());
        if (connections.size() < 1_000_000) {
            connections.add(i.connection());
        }
        var p = protocols.computeIfAbsent(i.protocol(), k -> new Protocol());
        p.interactions++;
        p.requestBytes += i.requestBytes();
        p.responseBytes += i.responseBytes();
        if (i.error() != null) {
            errors++;
            p.errors++;
            if (errorMessages.size() < MAX_ERRORS || errorMessages.containsKey(i.error())) {
                errorMessages.merge(i.error(), 1L, Long::sum);
            }
        }
        var request = i.httpRequest();
        if (request != null) {
            var key = request.method() + " " + template(request.path());
            var endpoint = endpoints.get(key);
            if (endpoint == null) {
                if (endpoints.size() >= MAX_ENDPOINTS) {
                    return;
                }
                endpoint = new Endpoint();
                endpoints.put(key, endpoint);
            }
            endpoint.count++;
            var response = i.httpResponse();
            endpoint.statuses.merge(response == null ? "none" : Integer.toString(response.status()), 1L, Long::sum);
            if (i.error() != null) {
                endpoint.errors++;
            }
            if (response != null) {
                endpoint.duration(i.durationMicros());
            }
        }
    }

    Map<String, Object> toJson(long dropped) {
        var out = new LinkedHashMap<String, Object>();
        out.put("since", since);
        out.put("interactions", interactions);
        out.put("errors", errors);
        out.put("dropped", dropped);
        out.put("firstSequence", interactions == 0 ? null : firstSequence);
        out.put("lastSequence", interactions == 0 ? since : lastSequence);
        out.put("connections", connections.size());
        var byProtocol = new LinkedHashMap<String, Object>();
        protocols.forEach((name, p) -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("interactions", p.interactions);
            m.put("errors", p.errors);
            m.put("requestBytes", p.requestBytes);
            m.put("responseBytes", p.responseBytes);
            byProtocol.put(name, m);
        });
        out.put("protocols", byProtocol);
        var list = new ArrayList<Object>();
        endpoints.forEach((key, e) -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("endpoint", key);
            m.put("count", e.count);
            m.put("errors", e.errors);
            m.put("statuses", e.statuses);
            var d = Arrays.copyOf(e.durations, e.durationCount);
            Arrays.sort(d);
            m.put("p50Micros", d.length == 0 ? null : percentile(d, 0.50));
            m.put("p99Micros", d.length == 0 ? null : percentile(d, 0.99));
            m.put("maxMicros", d.length == 0 ? null : d[d.length - 1]);
            list.add(m);
        });
        out.put("endpoints", list);
        var errorList = new ArrayList<Object>();
        errorMessages.forEach((message, count) -> errorList.add(Map.of("error", message, "count", count)));
        out.put("errorMessages", errorList);
        return out;
    }

    /** Nearest rank. */
    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Replaces path segments that look like identifiers (numbers, UUIDs, long hex) by {@code {id}}. */
    static String template(String path) {
        var parts = path.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].isEmpty() && ID_SEGMENT.matcher(parts[i]).matches()) {
                parts[i] = "{id}";
            }
        }
        return String.join("/", parts);
    }
}
