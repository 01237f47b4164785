package dev.chaostesting.learn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One recorded exchange, kept as an example (secrets stay redacted as recorded; bodies longer than 4 KiB are cut).
 *
 * @param sequence the interaction's sequence number in the recording
 * @param target the request target as sent, with its query
 * @param requestHeaders the request headers that matter (see {@link HeaderRule}), first value of each
 * @param requestBody the request body as text, or null when empty or binary
 * @param responseHeaders the response headers, first value of each, framing headers left out
 * @param responseBody the response body as text, or null when empty or binary
 */
public record Example(
        long sequence,
        String method,
        String target,
        Map<String, String> requestHeaders,
        @Nullable String requestBody,
        int status,
        Map<String, String> responseHeaders,
        @Nullable String responseBody) {
    public Example {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        requestHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(requestHeaders));
        responseHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(responseHeaders));
    }
}
