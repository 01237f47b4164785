package dev.chaostesting.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.chaostesting.replay.internal.HtmlReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders a {@link ChaosReport}: a terminal table, JSON, JUnit XML and a self-contained HTML page. */
public final class ChaosReports {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChaosReports() {}

    /** Writes {@code report.txt}, {@code report.json}, {@code junit.xml} and {@code report.html} into {@code dir}. */
    public static void write(ChaosReport report, Path dir, Set<Outcome> failOn) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.txt"), table(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.json"), json(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("junit.xml"), junit(report, failOn), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(report), StandardCharsets.UTF_8);
    }

    /** One line per endpoint and fault, then recovery times and notes. */
    public static String table(ChaosReport report) {
        var rows = new ArrayList<String[]>();
        rows.add(new String[] {"ENDPOINT", "FAULT", "OUTCOME", "REQS", "P99 MS", "BASE P99", "STATUSES"});
        for (var r : report.results()) {
            var statuses = new StringBuilder();
            r.statuses()
                    .forEach((k, v) -> statuses.append(statuses.length() == 0 ? "" : " ")
                            .append(k)
                            .append('x')
                            .append(v));
            rows.add(new String[] {
                r.endpoint(),
                r.fault(),
                r.outcome().wireName(),
                Integer.toString(r.requests()),
                fmt(r.p99Ms()),
                fmt(r.baselineP99Ms()),
                statuses.toString()
            });
        }
        int[] width = new int[rows.get(0).length];
        for (var row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        var out = new StringBuilder();
        out.append("chaos ")
                .append(report.plan())
                .append(" against ")
                .append(report.target())
                .append(" (")
                .append(report.mode())
                .append(", seed ")
                .append(report.seed())
                .append(")\n");
        for (var row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == 0 ? "" : "  ");
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s", row[i]));
            }
            out.append('\n');
        }
        for (var r : report.results()) {
            if (r.outcome() != Outcome.UNAFFECTED && !r.details().isEmpty()) {
                out.append("  ")
                        .append(r.endpoint())
                        .append(" / ")
                        .append(r.fault())
                        .append(": ");
                out.append(String.join("; ", r.details())).append('\n');
            }
        }
        for (var r : report.recovery()) {
            out.append("recovery after ")
                    .append(r.fault())
                    .append(": ")
                    .append(r.recovered() ? r.millis() + " ms" : "not recovered within " + r.millis() + " ms")
                    .append('\n');
        }
        for (var n : report.notes()) {
            out.append("note: ").append(n).append('\n');
        }
        return out.toString();
    }

    /** {@code {"plan", "target", "mode", "seed", ..., "results": [...], "recovery": [...], "notes": [...]}}. */
    public static String json(ChaosReport report) {
        var root = new LinkedHashMap<String, Object>();
        root.put("plan", report.plan());
        root.put("target", report.target());
        root.put("mode", report.mode());
        root.put("seed", report.seed());
        root.put("startedAt", report.startedAt().toString());
        root.put("durationMs", report.durationMs());
        root.put("dependencies", report.dependencies());
        var results = new ArrayList<Map<String, Object>>();
        for (var r : report.results()) {
            var m = new LinkedHashMap<String, Object>();
            m.put("endpoint", r.endpoint());
            m.put("fault", r.fault());
            m.put("outcome", r.outcome().wireName());
            m.put("flags", r.flags().stream().map(Outcome::wireName).sorted().toList());
            m.put("requests", r.requests());
            m.put("baselineP99Ms", r.baselineP99Ms());
            m.put("p99Ms", r.p99Ms());
            m.put("statuses", r.statuses());
            m.put("details", r.details());
            m.put("latenciesMs", r.latenciesMs());
            results.add(m);
        }
        root.put("results", results);
        var recovery = new ArrayList<Map<String, Object>>();
        for (var r : report.recovery()) {
            var m = new LinkedHashMap<String, Object>();
            m.put("fault", r.fault());
            m.put("recovered", r.recovered());
            m.put("ms", r.millis());
            recovery.add(m);
        }
        root.put("recovery", recovery);
        root.put("notes", report.notes());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One test case per endpoint and fault (class name: the fault); a failure for each outcome in {@code failOn}. */
    public static String junit(ChaosReport report, Set<Outcome> failOn) {
        var failures = report.failures(failOn).size();
        var out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.append("<testsuite name=\"")
                .append(xml("chaos " + report.plan()))
                .append("\" tests=\"")
                .append(report.results().size())
                .append("\" failures=\"")
                .append(failures)
                .append("\" errors=\"0\" skipped=\"0\" time=\"")
                .append(String.format(Locale.ROOT, "%.3f", report.durationMs() / 1000.0))
                .append("\">\n");
        out.append("  <properties>\n");
        out.append("    <property name=\"seed\" value=\"").append(report.seed()).append("\"/>\n");
        out.append("    <property name=\"target\" value=\"")
                .append(xml(report.target()))
                .append("\"/>\n");
        out.append("    <property name=\"mode\" value=\"")
                .append(xml(report.mode()))
                .append("\"/>\n");
        out.append("  </properties>\n");
        for (var r : report.results()) {
            out.append("  <testcase classname=\"")
                    .append(xml("chaos." + r.fault()))
                    .append("\" name=\"")
                    .append(xml(r.endpoint()))
                    .append("\" time=\"")
                    .append(String.format(Locale.ROOT, "%.3f", r.p99Ms() / 1000.0))
                    .append("\"");
            if (failOn.contains(r.outcome())) {
                out.append(">\n    <failure type=\"")
                        .append(r.outcome().wireName())
                        .append("\" message=\"")
                        .append(xml(r.endpoint() + " " + r.outcome().wireName() + " under " + r.fault()))
                        .append("\">")
                        .append(xml(String.join("\n", r.details())))
                        .append("</failure>\n  </testcase>\n");
            } else {
                out.append(">\n    <system-out>")
                        .append(xml(r.outcome().wireName()
                                + (r.details().isEmpty() ? "" : ": ")
                                + String.join("; ", r.details())))
                        .append("</system-out>\n  </testcase>\n");
            }
        }
        out.append("</testsuite>\n");
        return out.toString();
    }

    static String xml(String s) {
        var out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        out.append('?');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.1f", ms);
    }

    /** The distinct faults of a report, baseline first. */
    static List<String> faults(ChaosReport report) {
        return report.results().stream().map(EndpointResult::fault).distinct().toList();
    }
}
