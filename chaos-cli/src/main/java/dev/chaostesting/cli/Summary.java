package dev.chaostesting.cli;

import dev.chaostesting.model.Interaction;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The table {@code inspect} prints: HTTP endpoints with status codes, counts and latency percentiles, and a line per
 * other protocol. Fed one interaction at a time, so a recording of any length streams through it.
 */
final class Summary {

    private static final Pattern ID_SEGMENT = Pattern.compile(
            "\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(?=.*\\d)[0-9a-fA-F]{16,}");

    private final Map<String, Endpoint> endpoints = new TreeMap<>();
    private final Map<String, Protocol> protocols = new TreeMap<>();
    private long interactions;
    private long errors;

    void add(Interaction i) {
        interactions++;
        if (i.error() != null) {
            errors++;
        }
        var request = i.httpRequest();
        if (request != null) {
            var key = request.method() + " " + template(request.path());
            var endpoint = endpoints.computeIfAbsent(key, k -> new Endpoint());
            var response = i.httpResponse();
            endpoint.statuses.merge(response == null ? "none" : Integer.toString(response.status()), 1L, Long::sum);
            if (response != null) {
                endpoint.durations.add(i.durationMicros());
            }
            endpoint.count++;
        } else {
            var p = protocols.computeIfAbsent(i.protocol(), k -> new Protocol());
            p.interactions++;
            p.connections.add(i.connection());
            p.bytes += i.requestBytes() + i.responseBytes();
            if (i.error() != null) {
                p.errors++;
            }
        }
    }

    long interactions() {
        return interactions;
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

    void print(PrintWriter out) {
        out.printf(Locale.ROOT, "%d interactions (%d with errors)%n", interactions, errors);
        if (!endpoints.isEmpty()) {
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("ENDPOINT", "COUNT", "STATUS", "P50", "P99"));
            for (var e : endpoints.entrySet()) {
                var d = e.getValue().durations.sorted();
                rows.add(List.of(
                        e.getKey(),
                        Long.toString(e.getValue().count),
                        statuses(e.getValue().statuses),
                        d.length == 0 ? "-" : Units.millis(percentile(d, 50)),
                        d.length == 0 ? "-" : Units.millis(percentile(d, 99))));
            }
            out.println();
            table(rows, Set.of(1, 3, 4), out);
        }
        if (!protocols.isEmpty()) {
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("PROTOCOL", "CONNECTIONS", "INTERACTIONS", "ERRORS", "BYTES"));
            for (var p : protocols.entrySet()) {
                rows.add(List.of(
                        p.getKey(),
                        Integer.toString(p.getValue().connections.size()),
                        Long.toString(p.getValue().interactions),
                        Long.toString(p.getValue().errors),
                        Units.bytes(p.getValue().bytes)));
            }
            out.println();
            table(rows, Set.of(1, 2, 3, 4), out);
        }
        out.flush();
    }

    private static String statuses(Map<String, Long> statuses) {
        var parts = new ArrayList<String>();
        new TreeMap<>(statuses).forEach((status, n) -> parts.add(status + "\u00d7" + n));
        return String.join(" ", parts);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void table(List<List<String>> rows, Set<Integer> rightAligned, PrintWriter out) {
        int columns = rows.get(0).size();
        var widths = new int[columns];
        for (var row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        for (var row : rows) {
            var line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                var cell = row.get(c);
                var pad = " ".repeat(widths[c] - cell.length());
                line.append(rightAligned.contains(c) ? pad + cell : cell + pad);
                if (c < columns - 1) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static final class Endpoint {
        long count;
        final Map<String, Long> statuses = new LinkedHashMap<>();
        final LongList durations = new LongList();
    }

    private static final class Protocol {
        long interactions;
        long errors;
        long bytes;
        final Set<String> connections = new HashSet<>();
    }

    /** A growable list of longs without boxing. */
    private static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] sorted() {
            var copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
