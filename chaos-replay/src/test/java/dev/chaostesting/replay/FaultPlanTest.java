package dev.chaostesting.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Target;
import dev.chaostesting.model.Direction;
import dev.chaostesting.replay.internal.PlannedStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultPlanTest {

    @Test
    void every_shipped_level_parses_and_round_trips_through_yaml() {
        for (var level : FaultPlan.LEVELS) {
            var plan = FaultPlan.level(level);
            assertThat(plan.name()).isEqualTo(level);
            assertThat(plan.steps()).isNotEmpty();
            assertThat(FaultPlan.parse(plan.toYaml(), level)).isEqualTo(plan);
        }
        assertThat(FaultPlan.level("extreme").steps())
                .anyMatch(s -> s.faults().stream().anyMatch(f -> "inbound".equals(f.get("target"))));
    }

    @Test
    void a_per_dependency_step_runs_once_for_each_dependency_with_faults_on_that_server_only() {
        var plan = FaultPlan.parse("""
                name: p
                steps:
                  - name: slow
                    faults: [{type: latency, delay: 200ms, target: dependency}]
                  - name: all-down
                    faults: [{type: down, target: dependencies}]
                  - name: clients
                    faults: [{type: reset, toxicity: 0.5, target: inbound}]
                """, "p.yaml");
        var notes = new ArrayList<String>();
        var steps = PlannedStep.resolve(plan, List.of("127.0.0.1:5432", "127.0.0.1:6379"), notes::add);
        assertThat(steps)
                .extracting(PlannedStep::label)
                .containsExactly("slow @ 127.0.0.1:5432", "slow @ 127.0.0.1:6379", "all-down", "clients");
        assertThat(steps.get(0).faults()).singleElement().satisfies(f -> {
            assertThat(f.target()).isEqualTo(Target.server("127.0.0.1:5432"));
            assertThat(f.effect()).isInstanceOf(Effect.Latency.class);
        });
        assertThat(steps.get(2).faults()).extracting(f -> f.target().port()).containsExactly(5432, 6379);
        assertThat(steps.get(3).faults()).singleElement().satisfies(f -> {
            assertThat(f.target().direction()).isEqualTo(Direction.INBOUND);
            assertThat(f.toxicity()).isEqualTo(0.5);
        });
        assertThat(notes).isEmpty();
    }

    @Test
    void steps_on_dependencies_are_skipped_with_a_note_when_none_was_recorded() {
        var notes = new ArrayList<String>();
        var steps = PlannedStep.resolve(FaultPlan.level("extreme"), List.of(), notes::add);
        assertThat(steps).extracting(PlannedStep::label).containsExactly("inbound-reset", "inbound-slow-client");
        assertThat(notes)
                .anyMatch(n -> n.startsWith("step dependency-down skipped: the recording names no dependency"));
    }

    @Test
    void a_bad_plan_is_one_line_naming_the_file_the_step_and_the_field(@TempDir Path dir) throws Exception {
        var file = dir.resolve("plan.yaml");
        Files.writeString(file, "steps:\n  - name: x\n    faults: [{type: latency, delay: soon}]\n");
        assertThatThrownBy(() -> FaultPlan.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + ": steps[0] (x): faults[0]: fault 'latency': delay")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> FaultPlan.parse("steps: []", "p.yaml"))
                .hasMessage("p.yaml: 'steps' (expected: a non-empty list)");
        assertThatThrownBy(() -> FaultPlan.parse("steps: [{name: a, faults: [{type: nope}]}]", "p.yaml"))
                .hasMessageContaining("p.yaml: steps[0] (a): faults[0]: fault type: 'nope'");
        assertThatThrownBy(() -> FaultPlan.parse("name: a\nstep: []", "p.yaml"))
                .hasMessage("p.yaml: unknown field 'step' (expected: name, description, steps)");
        assertThatThrownBy(() -> FaultPlan.parse("[unclosed", "p.yaml")).hasMessageStartingWith("p.yaml: not YAML");
        assertThatThrownBy(() -> FaultPlan.level("brutal"))
                .hasMessage("level: 'brutal' (expected: mild, moderate or extreme)");
    }

    @Test
    void rates_are_a_share_of_the_recorded_pace_or_requests_per_second() {
        assertThat(Rate.parse("200%")).isEqualTo(new Rate(2, 0));
        assertThat(Rate.parse("150")).isEqualTo(new Rate(0, 150));
        assertThat(Rate.parse("5000/s").perSecond()).isEqualTo(5000);
        assertThat(Rate.parse("recorded")).isEqualTo(Rate.recorded());
        assertThat(Rate.parse("50%").toString()).isEqualTo("50%");
        assertThatThrownBy(() -> Rate.parse("fast")).hasMessageStartingWith("rate: 'fast' (expected");
        assertThatThrownBy(() -> Rate.parse("0%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Rate.parse("-3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outcomes_parse_from_their_report_names() {
        assertThat(Outcome.parse("Hung")).isEqualTo(Outcome.HUNG);
        assertThat(Outcome.CRASHED.wireName()).isEqualTo("crashed");
        assertThatThrownBy(() -> Outcome.parse("broken")).hasMessageStartingWith("outcome: 'broken'");
    }
}
