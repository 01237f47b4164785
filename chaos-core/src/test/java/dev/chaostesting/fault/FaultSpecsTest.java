package dev.chaostesting.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultSpecsTest {

    @Test
    void every_fault_type_round_trips_through_its_map() {
        var faults = List.of(
                Faults.latency(Duration.ofMillis(200), Duration.ofMillis(20)).toxicity(0.5),
                Faults.latencyNormal(Duration.ofMillis(50), Duration.ofMillis(5))
                        .upstream()
                        .perChunk(),
                Faults.bandwidth(100_000),
                Faults.slicer(10, 3, Duration.ofNanos(20_000)),
                Faults.slowClose(Duration.ofSeconds(1)),
                Faults.timeout(Duration.ofSeconds(2)),
                Faults.blackHole(),
                Faults.reset().everyNth(3).firstConnections(9),
                Faults.resetAfter(Duration.ofMillis(1500)),
                Faults.limitData(1000),
                Faults.down().after(Duration.ofSeconds(5)).during(Duration.ofSeconds(10)),
                Faults.stall(Duration.ofMillis(300)).ramp(Duration.ofSeconds(3)).named("stall-db"),
                Faults.reset().on(Target.outbound()),
                Faults.latency(Duration.ofMillis(5))
                        .on(Target.server("127.0.0.1:5432").direction(dev.chaostesting.model.Direction.OUTBOUND)),
                Faults.down().on(Target.port(6379)),
                Faults.protocol(
                        "postgresql", Map.of("match", Map.of("kind", "UPDATE"), "error", Map.of("code", "40001"))));
        for (var fault : faults) {
            assertThat(FaultSpecs.fromMap(FaultSpecs.toMap(fault)))
                    .as(fault.name())
                    .isEqualTo(fault);
        }
        assertThat(FaultSpecs.types()).hasSize(11);
    }

    @Test
    void specs_read_as_written_by_people() {
        var fault = FaultSpecs.fromMap(Map.of(
                "type", "latency",
                "delay", "1.5s",
                "flow", "both",
                "toxicity", 0.25,
                "schedule", Map.of("after", "5s", "during", 30_000, "firstConnections", 4)));
        assertThat(fault.effect())
                .isEqualTo(new Effect.Latency(Duration.ofMillis(1500), Duration.ZERO, Effect.Distribution.UNIFORM));
        assertThat(fault.flow()).isEqualTo(Flow.BOTH);
        assertThat(fault.toxicity()).isEqualTo(0.25);
        assertThat(fault.schedule().after()).isEqualTo(Duration.ofSeconds(5));
        assertThat(fault.schedule().during()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fault.schedule().firstConnections()).isEqualTo(4);
        assertThat(FaultSpecs.fromMap(Map.of("type", "bandwidth", "rate", "1MiB/s"))
                        .effect())
                .isEqualTo(new Effect.Bandwidth(1_048_576));
        assertThat(FaultSpecs.parseDuration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(FaultSpecs.parseDuration("PT0.2S")).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void mistakes_get_one_line_saying_what_was_expected() {
        assertThatThrownBy(() -> FaultSpecs.fromMap(Map.of("type", "latancy")))
                .hasMessageStartingWith("fault type: 'latancy' (expected one of: bandwidth, black_hole, down,");
        assertThatThrownBy(() -> FaultSpecs.fromMap(Map.of("type", "latency", "dealy", "1s")))
                .hasMessageStartingWith("fault 'latency': unknown field 'dealy' (expected: delay, distribution,");
        assertThatThrownBy(() -> FaultSpecs.fromMap(Map.of("type", "latency")))
                .hasMessage("fault 'latency': no 'delay' (expected a duration, e.g. 200ms)");
        assertThatThrownBy(() -> FaultSpecs.fromMap(Map.of("type", "reset", "toxicity", 2)))
                .hasMessage("fault 'reset': toxicity 2 (expected: a number from 0 to 1)");
        assertThatThrownBy(() -> FaultSpecs.fromMap(Map.of("type", "latency", "delay", "soon")))
                .hasMessageContaining("duration: 'soon' (expected e.g. 200ms");
        assertThatThrownBy(() -> FaultSpecs.fromList(List.of(Map.of("type", "down"), Map.of("type", "x"))))
                .hasMessageStartingWith("faults[1]: fault type: 'x'");
        assertThatThrownBy(() -> FaultSpecs.fromMap(Map.of("type", "down", "flow", "upstream")))
                .hasMessage("down refuses whole connections: it has no flow");
    }
}
