package dev.chaostesting.replay.internal;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One recorded inbound HTTP request, ready to replay.
 *
 * @param index position among the replayed requests, from 0
 * @param method the method
 * @param target path and query as recorded
 * @param headers headers to send (hop-by-hop and framing headers removed), in recorded order
 * @param body the recorded body
 * @param endpoint method and path template
 * @param offsetNanos when it was sent, counted from the first recorded request
 * @param recordedStatus the recorded status, or -1
 * @param recordedResponse the recorded response body as text, or null
 * @param recordedLocation the recorded {@code Location} header, or null
 */
public record ReplayRequest(
        int index,
        String method,
        String target,
        List<Map.Entry<String, String>> headers,
        byte[] body,
        String endpoint,
        long offsetNanos,
        int recordedStatus,
        @Nullable String recordedResponse,
        @Nullable String recordedLocation) {

    public ReplayRequest {
        headers = List.copyOf(headers);
    }

    /** The path without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    public boolean isRead() {
        return method.equals("GET") || method.equals("HEAD");
    }
}
