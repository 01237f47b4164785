package dev.chaostesting.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.replay.testing.Scenario;
import dev.chaostesting.replay.testing.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos against small services in their own processes, each behind a real proxy in front of its store: every outcome
 * class comes out of a real service reacting to real faults.
 */
@Timeout(120)
class ChaosRunTest {

    @TempDir
    Path dir;

    private static FaultPlan plan(String yaml) {
        return FaultPlan.parse(yaml, "test plan");
    }

    private static ChaosOptions.Builder options(Scenario s) {
        return ChaosOptions.builder(s.recording, s.target())
                .interceptors(s.storeProxy)
                .environment(Map.of("CHAOS_PASSWORD_ADMIN", ServiceProcess.PASSWORD))
                .seed(42)
                .rate(Rate.parse("400%"))
                .requestTimeout(Duration.ofSeconds(3))
                .recoveryTimeout(Duration.ofSeconds(10));
    }

    private static EndpointResult result(ChaosReport report, String endpoint, String faultPrefix) {
        return report.results().stream()
                .filter(r -> r.endpoint().equals(endpoint) && r.fault().startsWith(faultPrefix))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError(endpoint + " / " + faultPrefix + " not in\n" + ChaosReports.table(report)));
    }

    @Test
    void latency_on_the_store_is_slow_and_resets_are_answered_gracefully_with_reports_written() throws Exception {
        try (var s = Scenario.start("graceful", dir)) {
            var reports = dir.resolve("report");
            var report = ChaosRun.run(
                    options(s).plan(plan("""
                            name: slow-then-reset
                            steps:
                              - name: store-latency
                                faults: [{type: latency, delay: 300ms, target: dependency}]
                              - name: store-reset
                                faults: [{type: reset, target: dependency}]
                            """)).reportDirectory(reports).build());
            var table = ChaosReports.table(report);
            assertThat(report.dependencies()).containsExactly(s.store.hostPort());
            // The login was replayed with the password from the environment and its fresh token used.
            assertThat(result(report, "GET /items/{itemId}", "none").statuses()).containsOnlyKeys("200");
            assertThat(result(report, "POST /items", "none").outcome())
                    .as(table)
                    .isEqualTo(Outcome.UNAFFECTED);
            assertThat(result(report, "GET /items/{itemId}", "store-latency @ " + s.store.hostPort())
                            .outcome())
                    .as(table)
                    .isEqualTo(Outcome.SLOW);
            var reset = result(report, "GET /items/{itemId}", "store-reset");
            assertThat(reset.outcome()).as(table).isEqualTo(Outcome.GRACEFUL);
            assertThat(reset.statuses()).containsKey("503");
            assertThat(result(report, "POST /login", "store-reset").outcome()).isEqualTo(Outcome.UNAFFECTED);
            assertThat(report.recovery()).hasSize(2).allMatch(Recovery::recovered);
            assertThat(report.exitCode(Set.of(Outcome.HUNG, Outcome.CRASHED))).isZero();
            assertThat(report.exitCode(Set.of(Outcome.SLOW))).isEqualTo(ChaosReport.EXIT_FINDINGS);
            assertThat(report.seed()).isEqualTo(42);

            var json =
                    new ObjectMapper().readTree(reports.resolve("report.json").toFile());
            assertThat(json.get("seed").asLong()).isEqualTo(42);
            assertThat(json.get("results").get(0).has("baselineP99Ms")).isTrue();
            assertThat(json.get("recovery")).hasSize(2);
            var junit = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(reports.resolve("junit.xml").toFile());
            assertThat(junit.getElementsByTagName("testcase").getLength())
                    .isEqualTo(report.results().size());
            assertThat(junit.getElementsByTagName("failure").getLength()).isZero();
            var html = Files.readString(reports.resolve("report.html"));
            assertThat(html)
                    .contains("<svg", "store-latency", "graceful")
                    .doesNotContain("<script", "<link", "src=", "href=", "@import", "url(");
            assertThat(Files.readString(reports.resolve("report.txt"))).isEqualTo(table);
        }
    }

    @Test
    void the_extreme_level_runs_every_step_including_faults_on_the_clients_connections() throws Exception {
        try (var s = Scenario.start("graceful", dir)) {
            var logged = new java.util.ArrayList<String>();
            var report =
                    ChaosRun.run(options(s).level("extreme").log(logged::add).build());
            var table = ChaosReports.table(report);
            var dep = " @ " + s.store.hostPort();
            assertThat(report.results().stream().map(EndpointResult::fault).distinct())
                    .as(table)
                    .containsExactly(
                            "none",
                            "dependency-down" + dep,
                            "dependency-black-hole" + dep,
                            "dependency-cut-answers" + dep,
                            "all-dependencies-slow",
                            "inbound-reset",
                            "inbound-slow-client");
            // The service's 1 s store timeout turns a silent store into 503s a second late.
            var blackHole = result(report, "GET /items/{itemId}", "dependency-black-hole");
            assertThat(blackHole.outcome()).as(table).isEqualTo(Outcome.SLOW);
            assertThat(blackHole.flags()).contains(Outcome.GRACEFUL);
            assertThat(result(report, "GET /items/{itemId}", "dependency-down").outcome())
                    .as(table)
                    .isEqualTo(Outcome.GRACEFUL);
            // Slicing the clients' connections slows every answer, the store is not involved.
            assertThat(result(report, "GET /items/{itemId}", "inbound-slow-client")
                            .statuses())
                    .as(table)
                    .containsOnlyKeys("200");
            assertThat(report.exitCode(Set.of(Outcome.HUNG, Outcome.CRASHED)))
                    .as(table)
                    .isZero();
            assertThat(logged).anyMatch(l -> l.startsWith("step 6/6: inbound-slow-client"));
        }
    }

    @Test
    void without_the_login_password_the_report_says_which_requests_cannot_be_authenticated() throws Exception {
        try (var s = Scenario.start("graceful", dir)) {
            var report = ChaosRun.run(options(s)
                    .environment(Map.of())
                    .plan(plan("steps: [{name: slow, faults: [{type: latency, delay: 50ms, target: dependency}]}]"))
                    .build());
            assertThat(report.notes())
                    .anyMatch(n -> n.contains("cannot be authenticated")
                            && n.contains("GET /items/{itemId}")
                            && n.contains("CHAOS_PASSWORD_ADMIN"));
            assertThat(result(report, "GET /items/{itemId}", "none").statuses()).containsOnlyKeys("401");
        }
    }

    @Test
    void a_service_that_shows_its_stack_trace_on_store_errors_is_leaky() throws Exception {
        try (var s = Scenario.start("leaky", dir)) {
            var report = ChaosRun.run(options(s)
                    .plan(plan("steps: [{name: store-reset, faults: [{type: reset, target: dependency}]}]"))
                    .build());
            var r = result(report, "GET /items/{itemId}", "store-reset");
            assertThat(r.outcome()).as(ChaosReports.table(report)).isEqualTo(Outcome.LEAKY);
            assertThat(r.details()).anyMatch(d -> d.contains("stack trace") || d.contains("exception name"));
            assertThat(result(report, "GET /items/{itemId}", "none").outcome()).isEqualTo(Outcome.UNAFFECTED);
        }
    }

    @Test
    void a_service_without_store_timeouts_hangs_on_a_black_hole_and_fails_the_run() throws Exception {
        try (var s = Scenario.start("hung", dir)) {
            var report = ChaosRun.run(options(s)
                    .requestTimeout(Duration.ofMillis(1500))
                    .recoveryTimeout(Duration.ofSeconds(3))
                    .plan(plan("steps: [{name: store-black-hole, faults: [{type: black_hole, target: dependency}]}]"))
                    .build());
            var r = result(report, "GET /items/{itemId}", "store-black-hole");
            assertThat(r.outcome()).as(ChaosReports.table(report)).isEqualTo(Outcome.HUNG);
            assertThat(r.statuses()).containsKey("timeout");
            assertThat(report.exitCode(Set.of(Outcome.HUNG, Outcome.CRASHED))).isEqualTo(ChaosReport.EXIT_FINDINGS);
            assertThat(ChaosReports.junit(report, Set.of(Outcome.HUNG))).contains("<failure type=\"hung\"");
        }
    }

    @Test
    void a_service_that_exits_when_its_store_connection_fails_is_crashed_and_later_steps_are_not_run()
            throws Exception {
        try (var s = Scenario.start("crash", dir)) {
            var report = ChaosRun.run(options(s).plan(plan("""
                            steps:
                              - {name: store-reset, faults: [{type: reset, target: dependency}]}
                              - {name: never-run, faults: [{type: latency, delay: 10ms, target: dependency}]}
                            """)).build());
            assertThat(result(report, "GET /items/{itemId}", "store-reset").outcome())
                    .as(ChaosReports.table(report))
                    .isEqualTo(Outcome.CRASHED);
            assertThat(report.results()).noneMatch(r -> r.fault().startsWith("never-run"));
            assertThat(report.notes()).anyMatch(n -> n.contains("crashed") && n.contains("1 later steps not run"));
            assertThat(s.service.isAlive()).isFalse();
        }
    }

    @Test
    void an_update_that_fails_but_is_visible_afterwards_is_inconsistent() throws Exception {
        try (var s = Scenario.start("cache", dir)) {
            var report = ChaosRun.run(options(s)
                    .plan(plan("steps: [{name: store-reset, faults: [{type: reset, target: dependency}]}]"))
                    .build());
            var table = ChaosReports.table(report);
            assertThat(result(report, "PUT /items/{itemId}", "none").outcome())
                    .as(table)
                    .isEqualTo(Outcome.UNAFFECTED);
            var r = result(report, "PUT /items/{itemId}", "store-reset");
            assertThat(r.outcome()).as(table).isEqualTo(Outcome.INCONSISTENT);
            assertThat(r.details()).anyMatch(d -> d.contains("the failed write was applied"));
        }
    }

    @Test
    void the_recording_written_by_the_scenario_has_inbound_requests_and_named_dependency() throws Exception {
        try (var s = Scenario.start("graceful", dir)) {
            var interactions = Recording.open(s.recording).interactions();
            assertThat(interactions)
                    .anyMatch(i -> "POST"
                            .equals(
                                    i.httpRequest() == null
                                            ? null
                                            : i.httpRequest().method()));
            assertThat(interactions)
                    .anyMatch(i -> s.store.hostPort().equals(i.attributes().get("dependency")));
            var login = interactions.stream()
                    .filter(i ->
                            i.httpRequest() != null && i.httpRequest().target().equals("/login"))
                    .findFirst()
                    .orElseThrow();
            assertThat(login.httpRequest().body().text()).contains("<redacted>");
            assertThat(login.httpResponse().body().text()).contains("<redacted:sha256:");
        }
    }
}
