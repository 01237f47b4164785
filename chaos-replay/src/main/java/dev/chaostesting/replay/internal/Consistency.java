package dev.chaostesting.replay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * After a step, replays the recorded reads of the resources the step wrote and compares: a write reported successful
 * must be visible, a write reported failed (5xx, no answer) must not be, when the state before it is known to differ.
 */
public final class Consistency {

    private record Write(
            Sample sample,
            String resource,
            @Nullable JsonNode sent,
            @Nullable JsonNode before) {}

    private Consistency() {}

    /**
     * Checks the writes of one step's samples: each write against the next successful read of its resource in the
     * step (the recorded read that followed it), and the last write of each resource not read again against a read
     * replayed after the step, once its faults are removed.
     *
     * @param reads the recorded read (a GET) of each endpoint template, to replay with its headers
     * @param known the state of each resource read after earlier steps; updated. A failed write that sends exactly this
     *     state again cannot be told from one that was applied, and is not judged after the step.
     * @return per write endpoint, the findings (empty when consistent)
     */
    public static Map<String, List<String>> check(
            List<Sample> samples,
            Map<String, ReplayRequest> reads,
            EndpointTemplates templates,
            Replayer replayer,
            Session session,
            Map<String, JsonNode> known) {
        var state = new HashMap<String, JsonNode>(known);
        var pending = new LinkedHashMap<String, Write>();
        var findings = new LinkedHashMap<String, List<String>>();
        for (var s : samples) {
            var r = s.request();
            var path = pathOf(s.target());
            var body = Json.parse(s.body());
            boolean ok = s.status() >= 200 && s.status() < 300;
            switch (r.method()) {
                case "GET" -> {
                    if (ok || s.status() == 404 || s.status() == 410) {
                        var w = pending.remove(path);
                        if (w != null) {
                            add(findings, w, judge(w, s, false));
                        }
                    }
                    if (ok && body != null && body.isObject()) {
                        state.put(path, body);
                    }
                }
                case "POST" -> {
                    if (ok && body != null && body.isObject()) {
                        var ids = Session.idValues(body);
                        if (!ids.isEmpty()) {
                            state.put(path + "/" + ids.values().iterator().next(), body);
                        }
                    }
                }
                case "PUT", "PATCH", "DELETE" -> {
                    var sent = r.method().equals("DELETE")
                            ? null
                            : Json.parse(new String(session.body(r), StandardCharsets.UTF_8));
                    if (!r.method().equals("DELETE") && (sent == null || !sent.isObject())) {
                        continue;
                    }
                    pending.put(path, new Write(s, path, sent, state.get(path)));
                    if (ok && body != null && body.isObject()) {
                        state.put(path, body);
                    } else if (ok) {
                        state.remove(path);
                    }
                }
                default -> {}
            }
        }
        for (var w : pending.values()) {
            var read = reads.get(templates.endpoint("GET", w.resource()));
            if (read == null) {
                continue; // no recorded read of this resource: nothing to compare with
            }
            Sample after;
            try {
                after = replayer.send(read, session, w.resource()).get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                continue;
            }
            var before = known.get(w.resource());
            boolean ambiguous = w.sent() != null && before != null && firstDifference(w.sent(), before) == null;
            add(findings, w, judge(w, after, ambiguous));
            var now = Json.parse(after.body());
            if (after.status() >= 200 && after.status() < 300 && now != null && now.isObject()) {
                known.put(w.resource(), now);
            }
        }
        return findings;
    }

    private static void add(Map<String, List<String>> findings, Write w, @Nullable String finding) {
        if (finding != null) {
            findings.computeIfAbsent(w.sample().request().endpoint(), k -> new ArrayList<>())
                    .add(finding);
        }
    }

    private static @Nullable String judge(Write w, Sample after, boolean failureAmbiguous) {
        var s = w.sample();
        var what = s.request().method() + " " + s.target() + " answered " + s.statusKey();
        boolean ok = s.status() >= 200 && s.status() < 300;
        boolean failed = s.status() >= 500 || s.status() < 0;
        boolean present = after.status() >= 200 && after.status() < 300;
        boolean gone = after.status() == 404 || after.status() == 410;
        var now = Json.parse(after.body());
        if (w.sent() == null) { // DELETE
            if (ok && present) {
                return what + " but a later GET " + after.target() + " still finds it (" + after.status() + ")";
            }
            if (failed && gone && w.before() != null) {
                return what + " but the resource is gone afterwards (GET " + after.status() + ")";
            }
            return null;
        }
        if (ok) {
            if (gone) {
                return what + " but a later GET " + after.target() + " answers " + after.status();
            }
            if (present && now != null && now.isObject()) {
                var diff = firstDifference(w.sent(), now);
                if (diff != null) {
                    return what + " but a later GET " + after.target() + " shows " + diff + ": the write is missing";
                }
            }
            return null;
        }
        if (failed && !failureAmbiguous && w.before() != null && present && now != null && now.isObject()) {
            boolean changes = firstDifference(w.sent(), w.before()) != null;
            if (changes && firstDifference(w.sent(), now) == null) {
                return what + " but a later GET " + after.target() + " shows the change: the failed write was applied";
            }
        }
        return null;
    }

    /** The first field of {@code sent} that {@code actual} has with another value, as {@code name=actual (sent x)}. */
    private static @Nullable String firstDifference(JsonNode sent, JsonNode actual) {
        var it = sent.fields();
        while (it.hasNext()) {
            var f = it.next();
            var other = actual.get(f.getKey());
            if (other == null) {
                continue; // not echoed by reads: cannot be compared
            }
            boolean same = f.getValue().isValueNode() && other.isValueNode()
                    ? f.getValue().asText().equals(other.asText())
                    : f.getValue().equals(other);
            if (!same) {
                return f.getKey() + "=" + other + " (sent " + f.getValue() + ")";
            }
        }
        return null;
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
