package dev.chaostesting.replay.internal;

import dev.chaostesting.replay.ChaosReport;
import dev.chaostesting.replay.EndpointResult;
import dev.chaostesting.replay.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One self-contained HTML page (inline CSS and SVG, nothing fetched): the outcome matrix and latency charts. */
public final class HtmlReport {

    private static final Map<Outcome, String> COLOURS = Map.of(
            Outcome.CRASHED, "#7b1fa2",
            Outcome.HUNG, "#c62828",
            Outcome.INCONSISTENT, "#e65100",
            Outcome.LEAKY, "#ad1457",
            Outcome.SLOW, "#f9a825",
            Outcome.GRACEFUL, "#1565c0",
            Outcome.UNAFFECTED, "#2e7d32");

    private HtmlReport() {}

    public static String render(ChaosReport report) {
        var faults =
                report.results().stream().map(EndpointResult::fault).distinct().toList();
        var endpoints = report.results().stream()
                .map(EndpointResult::endpoint)
                .distinct()
                .toList();
        var cell = new LinkedHashMap<String, EndpointResult>();
        report.results().forEach(r -> cell.put(r.endpoint() + "\n" + r.fault(), r));
        var h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Chaos report: ")
                .append(esc(report.plan()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:4px 8px}"
                        + "th{background:#f4f4f4;text-align:left}td.o{color:#fff;font-weight:bold;text-align:center}"
                        + "code{background:#f4f4f4;padding:1px 3px}.legend span{display:inline-block;padding:2px 8px;"
                        + "margin-right:4px;color:#fff;font-size:12px}</style></head><body>\n");
        h.append("<h1>Chaos report: ")
                .append(esc(report.plan()))
                .append("</h1>\n<p>Target <code>")
                .append(esc(report.target()))
                .append("</code>, mode ")
                .append(esc(report.mode()))
                .append(", seed <code>")
                .append(report.seed())
                .append("</code>, started ")
                .append(esc(report.startedAt().toString()))
                .append(", ")
                .append(report.durationMs() / 1000)
                .append(" s. Dependencies: ")
                .append(esc(
                        report.dependencies().isEmpty() ? "none recorded" : String.join(", ", report.dependencies())))
                .append(".</p>\n<p class=\"legend\">");
        for (var o : Outcome.values()) {
            h.append("<span style=\"background:")
                    .append(COLOURS.get(o))
                    .append("\">")
                    .append(o.wireName())
                    .append("</span>");
        }
        h.append("</p>\n<h2>Outcomes</h2>\n<table><tr><th>endpoint</th>");
        faults.forEach(f -> h.append("<th>").append(esc(f)).append("</th>"));
        h.append("</tr>\n");
        for (var e : endpoints) {
            h.append("<tr><th>").append(esc(e)).append("</th>");
            for (var f : faults) {
                var r = cell.get(e + "\n" + f);
                if (r == null) {
                    h.append("<td></td>");
                } else {
                    h.append("<td class=\"o\" style=\"background:")
                            .append(COLOURS.get(r.outcome()))
                            .append("\" title=\"")
                            .append(esc(String.join("\n", r.details())))
                            .append("\">")
                            .append(r.outcome().wireName())
                            .append("<br><small>p99 ")
                            .append(String.format(Locale.ROOT, "%.0f", r.p99Ms()))
                            .append(" ms</small></td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<h2>Latency per fault</h2>\n<p>Every request of the step, on a logarithmic scale"
                + " (box: 25th to 75th percentile, bar: median, whiskers: min and max, red tick: p99).</p>\n");
        h.append(latencyChart(report, faults));
        h.append("<h2>Findings</h2>\n<ul>\n");
        for (var r : report.results()) {
            if (r.outcome() != Outcome.UNAFFECTED) {
                h.append("<li><b>")
                        .append(esc(r.endpoint()))
                        .append("</b> under <b>")
                        .append(esc(r.fault()))
                        .append("</b>: ")
                        .append(r.outcome().wireName());
                if (!r.details().isEmpty()) {
                    h.append(" &mdash; ").append(esc(String.join("; ", r.details())));
                }
                h.append("</li>\n");
            }
        }
        h.append("</ul>\n<h2>Recovery</h2>\n<table><tr><th>after</th><th>recovered</th><th>ms</th></tr>\n");
        for (var r : report.recovery()) {
            h.append("<tr><td>")
                    .append(esc(r.fault()))
                    .append("</td><td>")
                    .append(r.recovered() ? "yes" : "no")
                    .append("</td><td>")
                    .append(r.millis())
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (!report.notes().isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            report.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String latencyChart(ChaosReport report, List<String> faults) {
        var perFault = new LinkedHashMap<String, List<Double>>();
        for (var f : faults) {
            perFault.put(f, new ArrayList<>());
        }
        report.results().forEach(r -> perFault.get(r.fault()).addAll(r.latenciesMs()));
        double max = perFault.values().stream()
                .flatMap(List::stream)
                .mapToDouble(d -> d)
                .max()
                .orElse(1);
        double lo = 0.1;
        double hi = Math.max(max, 1) * 1.2;
        int label = 260;
        int width = 900;
        int row = 28;
        int height = row * faults.size() + 40;
        var s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" font-size=\"12\" font-family=\"sans-serif\">\n");
        for (double tick = 0.1; tick <= hi; tick *= 10) {
            double x = x(tick, lo, hi, label, width);
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                            + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s ms</text>\n",
                    x,
                    x,
                    height - 25,
                    x,
                    height - 10,
                    tick < 1 ? String.valueOf(tick) : String.valueOf((long) tick)));
        }
        int i = 0;
        for (var e : perFault.entrySet()) {
            double y = i * row + 14;
            s.append(String.format(
                    Locale.ROOT, "<text x=\"0\" y=\"%.1f\">%s</text>\n", y + 4, esc(shorten(e.getKey()))));
            var v = e.getValue().stream().mapToDouble(d -> d).sorted().toArray();
            if (v.length > 0) {
                double min = x(v[0], lo, hi, label, width);
                double q1 = x(q(v, 0.25), lo, hi, label, width);
                double med = x(q(v, 0.5), lo, hi, label, width);
                double q3 = x(q(v, 0.75), lo, hi, label, width);
                double p99 = x(q(v, 0.99), lo, hi, label, width);
                double mx = x(v[v.length - 1], lo, hi, label, width);
                s.append(String.format(
                        Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>"
                                + "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" fill=\"#90caf9\" stroke=\"#1565c0\"/>"
                                + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#0d47a1\" stroke-width=\"2\"/>"
                                + "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c62828\" stroke-width=\"2\"/>"
                                + "<title>%s: %d requests, median %.1f ms, p99 %.1f ms, max %.1f ms</title>\n",
                        min,
                        y,
                        mx,
                        y,
                        q1,
                        y - 8,
                        Math.max(1, q3 - q1),
                        med,
                        y - 8,
                        med,
                        y + 8,
                        p99,
                        y - 10,
                        p99,
                        y + 10,
                        esc(e.getKey()),
                        v.length,
                        q(v, 0.5),
                        q(v, 0.99),
                        v[v.length - 1]));
            }
            i++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double q(double[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double x(double ms, double lo, double hi, int label, int width) {
        double v = Math.max(ms, lo);
        return label + (width - label - 20) * (Math.log(v / lo) / Math.log(hi / lo));
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 39) + "…" : s;
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
