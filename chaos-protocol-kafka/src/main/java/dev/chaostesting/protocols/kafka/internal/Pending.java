package dev.chaostesting.protocols.kafka.internal;

import java.util.Map;
import org.apache.kafka.common.requests.RequestHeader;
import org.jspecify.annotations.Nullable;

/**
 * A request waiting for its response.
 *
 * @param header the parsed header, needed to parse the response; null when the header could not be parsed
 * @param fields the recorded request
 * @param decodeError why the request is recorded raw, or null
 */
record Pending(
        @Nullable RequestHeader header,
        Map<String, @Nullable Object> fields,
        long firstByteAt,
        long lastByteAt,
        long wireBytes,
        @Nullable String decodeError) {}
