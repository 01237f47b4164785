package dev.chaostesting.replay.internal;

import org.jspecify.annotations.Nullable;

/**
 * One replayed request's result.
 *
 * @param request what was sent (the recorded request)
 * @param target the target actually sent, after substitution
 * @param status the HTTP status, or -1 without a response
 * @param timedOut no response within the request timeout
 * @param error why there was no response, or null
 * @param latencyNanos from sending to the complete response (the timeout when timed out)
 * @param body the response body as text (at most 64 KiB), or null
 */
public record Sample(
        ReplayRequest request,
        String target,
        int status,
        boolean timedOut,
        @Nullable String error,
        long latencyNanos,
        @Nullable String body) {

    public String statusKey() {
        return timedOut ? "timeout" : status < 0 ? "error" : Integer.toString(status);
    }

    public double latencyMs() {
        return latencyNanos / 1e6;
    }
}
