package dev.chaostesting.codegen.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.learn.Scenario;
import dev.chaostesting.recording.Recording;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The plan built from the bookshop demo, recorded through the real proxy. */
@Timeout(120)
class TestPlannerTest {
    @TempDir
    static Path dir;

    static TestPlan plan;
    static dev.chaostesting.learn.BehaviourModel model;

    @BeforeAll
    static void recordAndPlan() throws Exception {
        var recording = dir.resolve("recording");
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            try (var interceptor =
                    Interceptor.onPort(service.port()).recordTo(recording).start()) {
                var traffic = DemoTraffic.run(URI.create("http://127.0.0.1:" + interceptor.port()));
                assertThat(interceptor.recording().awaitCount(traffic.requests(), Duration.ofSeconds(30)))
                        .isTrue();
            }
        }
        model = BehaviourLearner.create().learn(Recording.open(recording));
        plan = TestPlanner.plan(model, "bookshop", "http://127.0.0.1:8080");
    }

    private static TestPlan.TestCase test(String suite, String name) {
        return plan.suites().stream()
                .filter(s -> s.name().equals(suite))
                .flatMap(s -> s.tests().stream())
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no test " + suite + "." + name + " in " + names()));
    }

    private static List<String> names() {
        var list = new ArrayList<String>();
        plan.suites().forEach(s -> s.tests().forEach(t -> list.add(s.name() + "." + t.name())));
        return list;
    }

    @Test
    void a_service_without_dependencies_gets_no_chaos_tests() {
        assertThat(model.endpoints()).allMatch(e -> e.dependencies().isEmpty());
        assertThat(plan.chaos()).isEmpty();
    }

    @Test
    void suites_are_resources_and_tests_are_named_after_endpoint_and_scenario() {
        assertThat(plan.suites()).extracting(TestPlan.Suite::name).containsExactly("auth", "books", "health");
        assertThat(names())
                .contains(
                        "auth.login",
                        "auth.login_with_wrong_credentials_returns_401",
                        "books.create_book_then_fetch_it",
                        "books.update_book_then_fetch_it",
                        "books.patch_book_then_fetch_it",
                        "books.delete_book_then_fetch_returns_404",
                        "books.create_duplicate_book_returns_409",
                        "books.list_books",
                        "books.list_books_without_credentials_returns_401",
                        "books.create_book_review",
                        "health.get_health")
                .doesNotHaveDuplicates();
    }

    @Test
    void the_login_is_replayed_with_the_password_from_the_environment() {
        assertThat(plan.secrets()).extracting(TestPlan.Secret::envVar).containsExactly("CHAOS_PASSWORD_ALICE");
        var login = plan.login().step();
        assertThat(login.endpoint()).isEqualTo("POST /api/login");
        var body = (Body.Obj) login.body();
        assertThat(((Body.Leaf) body.members().get("password")).value())
                .isEqualTo(new Value.Env("CHAOS_PASSWORD_ALICE"));
        assertThat(login.captures()).containsExactly(new Step.Capture("token", null, List.of("token")));
        var list = test("books", "list_books").steps().get(0);
        assertThat(list.headers())
                .contains(new Step.Header("Authorization", List.of(new Value.Text("Bearer "), new Value.Token())));
    }

    @Test
    void unique_fields_get_unique_values_and_the_duplicate_sends_the_same_ones() {
        var create = test("books", "create_book_then_fetch_it");
        assertThat(create.uniques()).extracting(TestPlan.UniqueValue::var).containsExactly("title", "author");
        var duplicate = test("books", "create_duplicate_book_returns_409");
        assertThat(duplicate.steps()).extracting(Step::status).containsExactly(201, 409);
        assertThat(duplicate.steps().get(1).body())
                .isEqualTo(duplicate.steps().get(0).body());
        var invalid = names().stream()
                .filter(n -> n.startsWith("books.create_book_with_invalid"))
                .toList();
        assertThat(invalid).isNotEmpty();
    }

    @Test
    void each_test_builds_its_own_state_and_a_write_is_read_back() {
        var update = test("books", "update_book_then_fetch_it");
        assertThat(update.steps())
                .extracting(Step::endpoint)
                .containsExactly("POST /api/books", "PUT /api/books/{bookId}", "GET /api/books/{bookId}");
        var create = update.steps().get(0);
        assertThat(create.captures()).extracting(Step.Capture::var).containsExactly("bookId");
        assertThat(update.steps().get(1).path()).contains(new Value.Var("bookId"));
        assertThat(update.steps().get(2).assertions())
                .contains(new Assertion.EqualsValue(
                        List.of("year"), new Value.Literal(com.fasterxml.jackson.databind.node.IntNode.valueOf(1970))))
                .contains(new Assertion.EqualsText(List.of("id"), new Value.Var("bookId")));
        var delete = test("books", "delete_book_then_fetch_returns_404");
        assertThat(delete.steps()).extracting(Step::status).containsExactly(201, 204, 404);
        var review = test("books", "create_book_review");
        assertThat(review.steps())
                .extracting(Step::endpoint)
                .containsExactly("POST /api/books", "POST /api/books/{bookId}/reviews");
    }

    @Test
    void nothing_redacted_and_no_dynamic_value_is_compared_literally() {
        for (var suite : plan.suites()) {
            for (var test : suite.tests()) {
                for (var step : test.steps()) {
                    assertThat(step.toString()).doesNotContain("<redacted");
                    for (var a : step.assertions()) {
                        if (a instanceof Assertion.EqualsValue e && e.expected() instanceof Value.Literal) {
                            assertThat(a.path())
                                    .as("%s %s", test.name(), a.describe())
                                    .doesNotContain("id", "createdAt", "updatedAt", "token", "expiresAt");
                        }
                    }
                }
            }
        }
        assertThat(model.scenario("/api/books/{bookId}").map(Scenario::resource))
                .isPresent();
    }
}
