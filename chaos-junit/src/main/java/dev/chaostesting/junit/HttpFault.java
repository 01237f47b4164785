package dev.chaostesting.junit;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A fault of an {@link HttpVirtualService}: how it answers some requests differently from the recording. Immutable;
 * applies to every request unless narrowed with {@link #on} and {@link #times}.
 *
 * <pre>{@code
 * HttpFault.status(503).on("GET", "/api/books/*").times(2)
 * HttpFault.delay(Duration.ofSeconds(2))
 * HttpFault.disconnect().on("POST", "/api/orders")
 * }</pre>
 *
 * @param kind what it does
 * @param status the status answered instead ({@link Kind#STATUS})
 * @param delay how long the response headers are held back ({@link Kind#DELAY})
 * @param bytesPerSecond the body's pace ({@link Kind#THROTTLE})
 * @param method the method it applies to, or null for every method
 * @param path the path pattern it applies to ({@code *} within a segment, {@code **} across), or null for every path
 * @param times how many matching requests it affects (0: all)
 */
public record HttpFault(
        Kind kind,
        int status,
        Duration delay,
        long bytesPerSecond,
        @Nullable String method,
        @Nullable String path,
        int times) {

    /** What a fault does to the answer. */
    public enum Kind {
        /** Answers this status (with an empty body) instead of the recorded response. */
        STATUS,
        /** Sends the recorded response late. */
        DELAY,
        /** Closes the connection instead of answering: the client sees the connection end with no response. */
        DISCONNECT,
        /** Reads the request and never answers (the connection stays open). */
        NO_RESPONSE,
        /** Sends the recorded body slowly. */
        THROTTLE
    }

    public HttpFault {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        if (kind == Kind.STATUS && (status < 100 || status > 999)) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        if (kind == Kind.THROTTLE && bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond: " + bytesPerSecond + " (expected: > 0)");
        }
        if (times < 0) {
            throw new IllegalArgumentException("times: " + times + " (expected: >= 0)");
        }
        method = method == null ? null : method.toUpperCase(Locale.ROOT);
    }

    /** Answers {@code status} instead of the recorded response. */
    public static HttpFault status(int status) {
        return new HttpFault(Kind.STATUS, status, Duration.ZERO, 0, null, null, 0);
    }

    /** Sends the recorded response after {@code delay}. */
    public static HttpFault delay(Duration delay) {
        return new HttpFault(Kind.DELAY, 0, delay, 0, null, null, 0);
    }

    /** Closes the connection instead of answering. */
    public static HttpFault disconnect() {
        return new HttpFault(Kind.DISCONNECT, 0, Duration.ZERO, 0, null, null, 0);
    }

    /** Never answers; the connection stays open until the client gives up. */
    public static HttpFault noResponse() {
        return new HttpFault(Kind.NO_RESPONSE, 0, Duration.ZERO, 0, null, null, 0);
    }

    /** Sends the recorded body at {@code bytesPerSecond}. */
    public static HttpFault throttle(long bytesPerSecond) {
        return new HttpFault(Kind.THROTTLE, 0, Duration.ZERO, bytesPerSecond, null, null, 0);
    }

    /** Only requests with this method and a path matching {@code pathPattern}. */
    public HttpFault on(String method, String pathPattern) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(pathPattern, "pathPattern");
        return new HttpFault(kind, status, delay, bytesPerSecond, method, pathPattern, times);
    }

    /** Only the first {@code n} matching requests. */
    public HttpFault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times: " + n + " (expected: >= 1)");
        }
        return new HttpFault(kind, status, delay, bytesPerSecond, method, path, n);
    }
}
