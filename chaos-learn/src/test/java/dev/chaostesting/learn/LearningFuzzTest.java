package dev.chaostesting.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Odd and random traffic never makes learning fail, and whatever is learned writes and reads back. */
class LearningFuzzTest {
    private static final List<String> SEGMENTS = List.of(
            "api",
            "v1",
            "books",
            "me",
            "1",
            "2",
            "42",
            "",
            "%2F",
            "{x}",
            "a b",
            "3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e",
            "hello-world",
            "<redacted:sha256:0123456789ab>",
            "..",
            "ü");
    private static final List<String> BODIES = List.of(
            "",
            "{",
            "[]",
            "{}",
            "null",
            "42",
            "\"x\"",
            "{\"a\":[[[[1]]]]}",
            "{\"id\":null}",
            "{\"id\":{\"id\":1}}",
            "[{\"a\":1},2,\"x\",null]",
            "{\"a\":1e400}",
            "{\"t\":\"2026-13-45T99:99:99Z\"}",
            "not json at all",
            "[".repeat(200) + "]".repeat(200));

    @Test
    @Timeout(60)
    void random_traffic_is_learned_without_failing() throws Exception {
        var random = new Random(20261124);
        for (int round = 0; round < 20; round++) {
            var traffic = new Traffic();
            for (int i = 0; i < 60; i++) {
                var path = new StringBuilder();
                int depth = random.nextInt(5);
                for (int d = 0; d < depth; d++) {
                    path.append('/').append(SEGMENTS.get(random.nextInt(SEGMENTS.size())));
                }
                if (path.length() == 0) {
                    path.append(random.nextBoolean() ? "/" : "*");
                }
                if (random.nextInt(4) == 0) {
                    path.append("?q=").append(random.nextInt(3)).append("&&=&x=%zz&flag");
                }
                var target = random.nextInt(10) == 0 ? "http://127.0.0.1:8080" + path : path.toString();
                var method = List.of("GET", "POST", "DELETE", "PATCH", "WEIRD").get(random.nextInt(5));
                traffic.http(method, target)
                        .header("Authorization", random.nextBoolean() ? "Bearer <redacted:sha256:0123456789ab>" : "")
                        .json(BODIES.get(random.nextInt(BODIES.size())))
                        .respond(100 + random.nextInt(500), BODIES.get(random.nextInt(BODIES.size())))
                        .at(random.nextInt(1_000_000))
                        .duration(random.nextInt(50_000))
                        .done();
                if (random.nextInt(5) == 0) {
                    traffic.outbound(
                            "redis", random.nextInt(1_000_000), java.util.Map.of("command", List.of()), "cache");
                }
            }
            var model = traffic.learn();
            assertThat(model.endpoints()).isNotEmpty();
            assertThat(ModelJson.fromJson(ModelJson.toJson(model))).isEqualTo(model);
            assertThat(OpenApiExportTest.validate(OpenApi.toJson(model, "fuzz")).getMessages())
                    .as("round %d", round)
                    .isEmpty();
        }
    }
}
