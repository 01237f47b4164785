package dev.chaostesting.model;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One protocol exchange observed on one connection: a request and its response (an HTTP request, a SQL query, a Redis
 * command...), or, for traffic no codec understood, one turn of raw bytes each way.
 *
 * @param sequence position in the recording, from 1, in the order exchanges completed
 * @param protocol the protocol name, e.g. {@code http}, {@code tcp}
 * @param direction {@code inbound} (to the observed service) or {@code outbound} (to a dependency)
 * @param connection identifier of the connection, unique within a recording
 * @param client the client's address as {@code host:port} ({@code [v6]:port} for IPv6)
 * @param server the server's address as {@code host:port}
 * @param startedAt when the first byte of the request was seen
 * @param timeToFirstByteMicros from the first request byte to the first response byte, or -1 with no response (or
 *     when unknown, e.g. imported from a file that does not say)
 * @param durationMicros from the first request byte to the last response byte (or to the end of the exchange)
 * @param requestBytes bytes the client sent for this exchange, on the wire
 * @param responseBytes bytes the server sent for this exchange, on the wire
 * @param request what the client sent, or null when there was nothing (e.g. a server greeting)
 * @param response what the server answered, or null when no answer came
 * @param error why the exchange did not complete normally, or null
 * @param attributes protocol-specific notes, e.g. {@code upgrade=websocket}
 */
public record Interaction(
        long sequence,
        String protocol,
        Direction direction,
        String connection,
        String client,
        String server,
        Instant startedAt,
        long timeToFirstByteMicros,
        long durationMicros,
        long requestBytes,
        long responseBytes,
        @Nullable Message request,
        @Nullable Message response,
        @Nullable String error,
        Map<String, String> attributes) {

    public Interaction {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(startedAt, "startedAt");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder newBuilder() {
        var b = new Builder();
        b.sequence = sequence;
        b.protocol = protocol;
        b.direction = direction;
        b.connection = connection;
        b.client = client;
        b.server = server;
        b.startedAt = startedAt;
        b.timeToFirstByteMicros = timeToFirstByteMicros;
        b.durationMicros = durationMicros;
        b.requestBytes = requestBytes;
        b.responseBytes = responseBytes;
        b.request = request;
        b.response = response;
        b.error = error;
        b.attributes.putAll(attributes);
        return b;
    }

    /** The request as HTTP, or null when this is not an HTTP exchange. */
    public @Nullable HttpRequest httpRequest() {
        return request instanceof HttpRequest r ? r : null;
    }

    /** The response as HTTP, or null when this is not an HTTP exchange or no response came. */
    public @Nullable HttpResponse httpResponse() {
        return response instanceof HttpResponse r ? r : null;
    }

    /** Builds an {@link Interaction}. */
    public static final class Builder {
        private long sequence;
        private String protocol = "tcp";
        private Direction direction = Direction.INBOUND;
        private String connection = "";
        private String client = "";
        private String server = "";
        private Instant startedAt = Instant.EPOCH;
        private long timeToFirstByteMicros = -1;
        private long durationMicros;
        private long requestBytes;
        private long responseBytes;
        private @Nullable Message request;
        private @Nullable Message response;
        private @Nullable String error;
        private final Map<String, String> attributes = new LinkedHashMap<>();

        private Builder() {}

        public Builder sequence(long sequence) {
            this.sequence = sequence;
            return this;
        }

        public Builder protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        public Builder direction(Direction direction) {
            this.direction = direction;
            return this;
        }

        public Builder connection(String connection) {
            this.connection = connection;
            return this;
        }

        public Builder client(String client) {
            this.client = client;
            return this;
        }

        public Builder server(String server) {
            this.server = server;
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        public Builder timeToFirstByteMicros(long micros) {
            this.timeToFirstByteMicros = micros;
            return this;
        }

        public Builder durationMicros(long micros) {
            this.durationMicros = micros;
            return this;
        }

        public Builder requestBytes(long bytes) {
            this.requestBytes = bytes;
            return this;
        }

        public Builder responseBytes(long bytes) {
            this.responseBytes = bytes;
            return this;
        }

        public Builder request(@Nullable Message request) {
            this.request = request;
            return this;
        }

        public Builder response(@Nullable Message response) {
            this.response = response;
            return this;
        }

        public Builder error(@Nullable String error) {
            this.error = error;
            return this;
        }

        public Builder attribute(String name, String value) {
            attributes.put(name, value);
            return this;
        }

        public Builder attributes(Map<String, String> attributes) {
            this.attributes.clear();
            this.attributes.putAll(attributes);
            return this;
        }

        public Interaction build() {
            return new Interaction(
                    sequence,
                    protocol,
                    direction,
                    connection,
                    client,
                    server,
                    startedAt,
                    timeToFirstByteMicros,
                    durationMicros,
                    requestBytes,
                    responseBytes,
                    request,
                    response,
                    error,
                    attributes);
        }
    }
}
