package dev.chaostesting.replay.internal;

import dev.chaostesting.replay.Recovery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * After a step's faults are removed, replays a few recorded reads in rounds until every one answers as in the baseline
 * (same status, latency within the slow bound), and measures how long that took.
 */
public final class RecoveryProbe {

    private static final int MAX_PROBES = 5;

    private final List<ReplayRequest> probes = new ArrayList<>();
    private final Map<String, String> expectedStatus = new LinkedHashMap<>();
    private final Map<String, Double> boundMs = new LinkedHashMap<>();

    /** Probes: the first successful recorded read of up to five endpoints, as the baseline answered them. */
    public RecoveryProbe(Map<String, List<Sample>> baseline, double slowFactor, Duration slowFloor) {
        for (var e : baseline.entrySet()) {
            if (probes.size() >= MAX_PROBES) {
                break;
            }
            for (var s : e.getValue()) {
                if (s.request().isRead() && s.status() >= 200 && s.status() < 400) {
                    probes.add(s.request());
                    expectedStatus.put(e.getKey(), s.statusKey());
                    double p99 = Classifier.p99(e.getValue());
                    boundMs.put(e.getKey(), Math.max(p99 * slowFactor, p99 + slowFloor.toNanos() / 1e6));
                    break;
                }
            }
        }
    }

    public boolean hasProbes() {
        return !probes.isEmpty();
    }

    /**
     * Asks each probe once, before any fault, and keeps the answer it gets now as the one to recover to: the baseline
     * run itself changes state (a read of a book the run deleted answers 404 from then on), so the status the recorded
     * read had is not what a healthy service answers after it. Probes that fail now are dropped.
     */
    public void calibrate(Replayer replayer, Session session, Duration timeout) {
        var kept = new ArrayList<ReplayRequest>();
        for (var p : probes) {
            try {
                var s = replayer.send(p, session).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
                if (s.status() >= 200 && s.status() < 500) {
                    expectedStatus.put(p.endpoint(), s.statusKey());
                    kept.add(p);
                }
            } catch (Exception e) {
                // not a usable probe
            }
        }
        probes.clear();
        probes.addAll(kept);
    }

    public Recovery measure(String fault, Replayer replayer, Session session, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (var p : probes) {
                Sample s;
                try {
                    s = replayer.send(p, session).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    all = false;
                    break;
                }
                if (!s.statusKey().equals(expectedStatus.get(p.endpoint()))
                        || s.latencyMs() > boundMs.get(p.endpoint())) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return new Recovery(fault, true, (System.nanoTime() - start) / 1_000_000);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Recovery(fault, false, timeout.toMillis());
    }
}
