package dev.chaostesting.replay.internal;

import dev.chaostesting.replay.Rate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Sends recorded requests to the service at the recorded pace or a chosen rate, at most {@code concurrency} at a time,
 * each bounded by the request timeout; the replay of one step is bounded in count and time.
 */
public final class Replayer implements AutoCloseable {

    private static final int MAX_BODY_CHARS = 64 * 1024;

    /** Java's client refuses to set these itself. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final URI base;
    private final Duration timeout;
    private final int concurrency;
    private final ExecutorService executor;
    private final HttpClient client;

    public Replayer(URI base, Duration timeout, int concurrency) {
        this.base = base;
        this.timeout = timeout;
        this.concurrency = concurrency;
        // A few threads for the client's callbacks: its I/O is non-blocking, and a cached pool started a thread for
        // almost every request (measured with bench/replay.sh).
        this.executor = Executors.newFixedThreadPool(Math.max(2, Math.min(concurrency, 2 * cores())), r -> {
            var t = new Thread(r, "chaos-replay");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Replays the requests once, in order, learning tokens and ids into {@code session}. */
    public List<Sample> replay(
            List<ReplayRequest> requests, Session session, Rate rate, int maxRequests, Duration maxDuration) {
        var samples = Collections.synchronizedList(new ArrayList<Sample>());
        var done = new ArrayList<CompletableFuture<Sample>>();
        var slots = new Semaphore(concurrency);
        long start = System.nanoTime();
        long end = start + maxDuration.toNanos();
        int n = Math.min(maxRequests, requests.size());
        for (int i = 0; i < n; i++) {
            var r = requests.get(i);
            long due = start + offset(r, i, rate);
            if (due > end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int producer = session.dependsOn(r.index());
            if (producer >= 0 && producer < done.size()) {
                try {
                    done.get(producer).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    // its answer is not there: send anyway, the result shows what happens
                }
            }
            try {
                if (!slots.tryAcquire(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            var future = send(r, session).whenComplete((s, e) -> slots.release());
            future.thenAccept(samples::add);
            done.add(future);
        }
        for (var f : done) {
            try {
                f.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // counted as a timeout by send()
            }
        }
        synchronized (samples) {
            var out = new ArrayList<>(samples);
            out.sort(java.util.Comparator.comparingInt(s -> s.request().index()));
            return out;
        }
    }

    /** Sends one request; the future never fails. */
    public CompletableFuture<Sample> send(ReplayRequest r, Session session) {
        return send(r, session, null);
    }

    /** Sends one request to {@code target} as given (already fresh), or to its substituted target when null. */
    public CompletableFuture<Sample> send(ReplayRequest r, Session session, @Nullable String exactTarget) {
        var target = exactTarget != null ? exactTarget : session.target(r);
        HttpRequest request;
        try {
            var builder = HttpRequest.newBuilder(base.resolve(target))
                    .timeout(timeout)
                    .method(
                            r.method(),
                            r.body().length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(session.body(r)));
            for (var h : r.headers()) {
                if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    builder.header(h.getKey(), session.header(h.getValue()));
                }
            }
            request = builder.build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(
                    new Sample(r, target, -1, false, "not sendable: " + e.getMessage(), 0, null));
        }
        long t0 = System.nanoTime();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .handle((response, error) -> {
                    long latency = System.nanoTime() - t0;
                    if (error != null) {
                        var cause =
                                error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                        ? error.getCause()
                                        : error;
                        boolean timedOut = cause instanceof HttpTimeoutException;
                        return new Sample(
                                r,
                                target,
                                -1,
                                timedOut,
                                String.valueOf(cause),
                                timedOut ? timeout.toNanos() : latency,
                                null);
                    }
                    var bytes = response.body();
                    var text = new String(bytes, 0, Math.min(bytes.length, MAX_BODY_CHARS), StandardCharsets.UTF_8);
                    session.learn(
                            r,
                            response.statusCode(),
                            text,
                            response.headers().firstValue("Location").orElse(null));
                    return new Sample(r, target, response.statusCode(), false, null, latency, text);
                });
    }

    private static long offset(ReplayRequest r, int i, Rate rate) {
        if (rate.perSecond() > 0) {
            return (long) (i * 1e9 / rate.perSecond());
        }
        return (long) (r.offsetNanos() / rate.factor());
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
