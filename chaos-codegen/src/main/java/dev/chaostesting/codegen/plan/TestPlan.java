package dev.chaostesting.codegen.plan;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a generator renders: the suites (one per resource), the login that obtains a token, and the
 * environment variables that carry secrets.
 *
 * @param title a human title, used in READMEs
 * @param defaultBaseUrl the observed address, used when {@code CHAOS_BASE_URL} is not set
 * @param login how to obtain a token, when the service issued tokens
 * @param secrets environment variables the tests read (passwords, API keys), never their values
 * @param suites the test suites, one per resource
 * @param chaos the chaos tests: endpoints with a dependency, called while a fault hits it (may be empty)
 */
public record TestPlan(
        String title,
        String defaultBaseUrl,
        @Nullable Login login,
        List<Secret> secrets,
        List<Suite> suites,
        List<ChaosCase> chaos) {
    /** The environment variable that overrides {@link #defaultBaseUrl}. */
    public static final String BASE_URL_ENV = "CHAOS_BASE_URL";

    public TestPlan {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(defaultBaseUrl, "defaultBaseUrl");
        secrets = List.copyOf(secrets);
        suites = List.copyOf(suites);
        chaos = List.copyOf(chaos);
    }

    /** A plan without chaos tests. */
    public TestPlan(
            String title, String defaultBaseUrl, @Nullable Login login, List<Secret> secrets, List<Suite> suites) {
        this(title, defaultBaseUrl, login, secrets, suites, List.of());
    }

    /** The environment variable holding the control API's base URL ({@code http://127.0.0.1:7070} when unset). */
    public static final String CONTROL_URL_ENV = "CHAOS_CONTROL_URL";

    /** The control API's address when {@link #CONTROL_URL_ENV} is not set. */
    public static final String DEFAULT_CONTROL_URL = "http://127.0.0.1:7070";

    /** The environment variable holding the control API's token, when it has one. */
    public static final String CONTROL_TOKEN_ENV = "CHAOS_TOKEN";

    /** The chaos tests of one suite, in plan order. */
    public List<ChaosCase> chaosOf(String suite) {
        return chaos.stream().filter(c -> c.suite().equals(suite)).toList();
    }

    /** Number of test cases over all suites. */
    public int testCount() {
        return suites.stream().mapToInt(s -> s.tests().size()).sum();
    }

    /**
     * A secret the tests read from the environment.
     *
     * @param envVar the variable's name, e.g. {@code CHAOS_PASSWORD_ALICE}
     * @param description where it goes, e.g. {@code body $.password of POST /api/login}
     */
    public record Secret(String envVar, String description) {
        public Secret {
            Objects.requireNonNull(envVar, "envVar");
            Objects.requireNonNull(description, "description");
        }
    }

    /**
     * The recorded login, replayed once per test run; its response gives the token.
     *
     * @param step the login request and its expectations; captures {@link #TOKEN_VAR}
     */
    public record Login(Step step) {
        /** The variable the login step captures the token into. */
        public static final String TOKEN_VAR = "token";

        public Login {
            Objects.requireNonNull(step, "step");
        }
    }

    /**
     * The tests of one resource.
     *
     * @param name a lower-case identifier, e.g. {@code books}
     * @param resource the resource's path, e.g. {@code /api/books}
     * @param tests the test cases, each independent of the others
     */
    public record Suite(String name, String resource, List<TestCase> tests) {
        public Suite {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(resource, "resource");
            tests = List.copyOf(tests);
        }
    }

    /**
     * One test: its steps build the state it needs, so tests run in any order and repeatedly.
     *
     * @param name a snake_case identifier, e.g. {@code create_book_then_fetch_it}
     * @param description one sentence
     * @param uniques values made unique per run, declared before the steps
     * @param steps the requests, in order
     */
    public record TestCase(String name, String description, List<UniqueValue> uniques, List<Step> steps) {
        public TestCase {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            uniques = List.copyOf(uniques);
            steps = List.copyOf(steps);
        }
    }

    /**
     * A string made unique for each run (and each use) from a recorded value, for fields the service keeps unique.
     *
     * @param var the variable holding it
     * @param recorded the recorded value it is derived from
     */
    public record UniqueValue(String var, String recorded) {
        public UniqueValue {
            Objects.requireNonNull(var, "var");
            Objects.requireNonNull(recorded, "recorded");
        }
    }
}
