package dev.chaostesting.learn;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built recordings for the inference tests: one exchange after the other, 10 ms apart unless told otherwise. */
final class Traffic {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private final List<Interaction> interactions = new ArrayList<>();
    private long clockMicros;

    /** Builds one inbound HTTP exchange. */
    final class Exchange {
        private final String method;
        private final String target;
        private final Headers.Builder requestHeaders = Headers.builder();
        private String requestBody = "";
        private int status = 200;
        private final Headers.Builder responseHeaders = Headers.builder();
        private String responseBody = "";
        private long startMicros = -1;
        private long durationMicros = 1000;

        Exchange(String method, String target) {
            this.method = method;
            this.target = target;
        }

        Exchange header(String name, String value) {
            requestHeaders.add(name, value);
            return this;
        }

        Exchange json(String body) {
            requestHeaders.add("Content-Type", "application/json");
            requestBody = body;
            return this;
        }

        Exchange status(int status) {
            this.status = status;
            return this;
        }

        Exchange responseHeader(String name, String value) {
            responseHeaders.add(name, value);
            return this;
        }

        Exchange respond(int status, String json) {
            this.status = status;
            responseHeaders.add("Content-Type", "application/json");
            responseBody = json;
            return this;
        }

        /** Starts at this offset from {@link #T0} instead of after the previous exchange. */
        Exchange at(long startMicros) {
            this.startMicros = startMicros;
            return this;
        }

        Exchange duration(long micros) {
            this.durationMicros = micros;
            return this;
        }

        Traffic done() {
            long start = startMicros >= 0 ? startMicros : clockMicros;
            clockMicros = Math.max(clockMicros, start + durationMicros + 10_000);
            var request = HttpRequest.builder()
                    .method(method)
                    .target(target)
                    .headers(requestHeaders.build())
                    .body(Body.ofText(requestBody))
                    .build();
            var response = HttpResponse.builder()
                    .status(status)
                    .headers(responseHeaders.build())
                    .body(Body.ofText(responseBody))
                    .build();
            add(Interaction.builder()
                    .protocol("http")
                    .direction(Direction.INBOUND)
                    .connection("c1")
                    .client("127.0.0.1:50000")
                    .server("127.0.0.1:8080")
                    .startedAt(T0.plusNanos(start * 1000))
                    .durationMicros(durationMicros)
                    .request(request)
                    .response(response));
            return Traffic.this;
        }
    }

    Exchange http(String method, String target) {
        return new Exchange(method, target);
    }

    /** An outbound exchange of a structured protocol, starting at this offset from {@link #T0}. */
    Traffic outbound(String protocol, long startMicros, Map<String, Object> request, String dependency) {
        add(Interaction.builder()
                .protocol(protocol)
                .direction(Direction.OUTBOUND)
                .connection("o" + interactions.size())
                .client("127.0.0.1:40000")
                .server("127.0.0.1:5432")
                .startedAt(T0.plusNanos(startMicros * 1000))
                .durationMicros(100)
                .request(StructuredMessage.of(request))
                .response(StructuredMessage.of(Map.of()))
                .attribute("dependency", dependency));
        return this;
    }

    /** An outbound HTTP call to a downstream service. */
    Traffic outboundHttp(long startMicros, String method, String target) {
        add(Interaction.builder()
                .protocol("http")
                .direction(Direction.OUTBOUND)
                .connection("o" + interactions.size())
                .client("127.0.0.1:40000")
                .server("127.0.0.1:9090")
                .startedAt(T0.plusNanos(startMicros * 1000))
                .durationMicros(100)
                .request(HttpRequest.builder().method(method).target(target).build())
                .response(HttpResponse.builder().status(200).build()));
        return this;
    }

    private void add(Interaction.Builder builder) {
        interactions.add(builder.sequence(interactions.size() + 1).build());
    }

    List<Interaction> interactions() {
        return List.copyOf(interactions);
    }

    BehaviourModel learn() {
        return BehaviourLearner.create().learn(interactions);
    }

    static Endpoint endpoint(BehaviourModel model, String method, String path) {
        return model.endpoint(method, path)
                .orElseThrow(() -> new AssertionError("no endpoint " + method + " " + path + " in "
                        + model.endpoints().stream().map(Endpoint::key).toList()));
    }
}
