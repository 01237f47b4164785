package dev.chaostesting.replay.internal;

import dev.chaostesting.replay.Rate;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Sends recorded requests to the service at the recorded pace or a chosen rate, at most {@code concurrency} at a time,
 * each bounded by the request timeout; the replay of one step is bounded in count and time.
 *
 * <p>Requests go over HTTP/1.1 keep-alive connections ({@link Http1Client}), encoded as the JDK's {@code HttpClient}
 * accepted them: a request it refused (an invalid method, header name or value, or target) is not sent and reported
 * as "not sendable"; the framing headers ({@code Host}, {@code Content-Length}) are the client's own.
 */
public final class Replayer implements AutoCloseable {

    private static final int MAX_BODY_CHARS = 64 * 1024;

    /** Set by the client itself (as the JDK's client refuses to let callers set them). */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final URI base;
    private final Duration timeout;
    private final int concurrency;
    private final String host;
    private final Http1Client client;

    /**
     * @throws IllegalArgumentException when {@code base} is not an {@code http://} URI with a host (TLS is not
     *     replayed)
     */
    public Replayer(URI base, Duration timeout, int concurrency) {
        if (!"http".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException(
                    "cannot replay to " + base + ": only http://HOST[:PORT] targets are replayed (HTTP/1.1, no TLS)");
        }
        this.base = base;
        this.timeout = timeout;
        this.concurrency = concurrency;
        int port = base.getPort() > 0 ? base.getPort() : 80;
        this.host = base.getPort() > 0 ? base.getHost() + ":" + port : base.getHost();
        this.client = new Http1Client(new InetSocketAddress(base.getHost(), port), timeout, MAX_BODY_CHARS);
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
        byte[] request;
        try {
            request = encode(r, session, base.resolve(target));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(
                    new Sample(r, target, -1, false, "not sendable: " + e.getMessage(), 0, null));
        }
        return client.exchange(r.method(), request).thenApply(result -> {
            if (result.error() != null) {
                boolean timedOut = result.error() instanceof HttpTimeoutException;
                return new Sample(
                        r,
                        target,
                        -1,
                        timedOut,
                        String.valueOf(result.error()),
                        timedOut ? timeout.toNanos() : result.latencyNanos(),
                        null);
            }
            var bytes = result.body();
            var text = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
            session.learn(r, result.status(), text, result.location());
            return new Sample(r, target, result.status(), false, null, result.latencyNanos(), text);
        });
    }

    /**
     * The request as sent: request line, {@code Host}, the recorded headers with fresh tokens (less those the client
     * sets), {@code Content-Length}, and the body with fresh tokens and ids.
     *
     * @throws IllegalArgumentException for what the JDK's client refused: a method or header name that is not a token,
     *     a header value with control characters or characters beyond ISO-8859-1, or a {@code CONNECT}
     */
    byte[] encode(ReplayRequest r, Session session, URI uri) {
        var method = r.method();
        if (!isToken(method)) {
            throw new IllegalArgumentException("illegal method \"" + method + "\"");
        }
        if (method.equalsIgnoreCase("CONNECT")) {
            throw new IllegalArgumentException("illegal method \"" + method + "\"");
        }
        var path = uri.getRawPath();
        var query = uri.getRawQuery();
        var head =
                new StringBuilder(256).append(method).append(' ').append(path == null || path.isEmpty() ? "/" : path);
        if (query != null) {
            head.append('?').append(query);
        }
        head.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        for (var h : r.headers()) {
            var name = h.getKey();
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!isToken(name)) {
                throw new IllegalArgumentException("invalid header name: \"" + name + "\"");
            }
            var value = session.header(h.getValue());
            if (!isFieldValue(value)) {
                throw new IllegalArgumentException("invalid header value for header \"" + name + "\"");
            }
            head.append(name).append(": ").append(value).append("\r\n");
        }
        byte[] body = r.body().length == 0 ? r.body() : session.body(r);
        if (body.length > 0 || !(method.equals("GET") || method.equals("HEAD"))) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        var out = new ByteArrayOutputStream(head.length() + body.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** An RFC 9110 token: one or more of {@code !#$%&'*+-.^_`|~}, digits and letters. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A field value the JDK's client sends: visible ASCII, space, tab and ISO-8859-1 letters (0x80-0xFF). */
    static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || (c < 0x20 && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    private static long offset(ReplayRequest r, int i, Rate rate) {
        if (rate.perSecond() > 0) {
            return (long) (i * 1e9 / rate.perSecond());
        }
        return (long) (r.offsetNanos() / rate.factor());
    }

    @Override
    public void close() {
        client.close();
    }
}
