package dev.chaostesting.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.learn.BehaviourModel;
import dev.chaostesting.learn.ModelJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proof, per service: record a realistic session through the real proxy, learn, generate a suite in each
 * language, run it three times in a row against a fresh instance (all pass), then once against an instance with
 * each bug switch on (it fails, naming the endpoint and the field).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GenerationProofTest {
    private static final List<String> BUGS = List.of("wrong_field", "wrong_status", "lost_write");

    private Path dir;
    private BehaviourModel model;
    private Service.Instance fresh;
    private final Map<String, Service.Instance> buggy = new HashMap<>();

    abstract Service service();

    @BeforeAll
    void recordLearnAndStart() throws Exception {
        dir = Path.of("target", "codegen-proof", service().name().toLowerCase(java.util.Locale.ROOT))
                .toAbsolutePath();
        deleteTree(dir);
        Files.createDirectories(dir);
        model = service().recordAndLearn(dir);
        ModelJson.write(model, dir.resolve("model.json"));
        fresh = service().start("");
    }

    @AfterAll
    void stop() {
        if (fresh != null) {
            fresh.close();
        }
        buggy.values().forEach(Service.Instance::close);
    }

    private Service.Instance bug(String bug) throws Exception {
        var instance = buggy.get(bug);
        if (instance == null) {
            instance = service().start(bug);
            buggy.put(bug, instance);
        }
        return instance;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"java", "python", "javascript", "go", "rust"})
    @Timeout(1200)
    void generated_suite_passes_repeatedly_and_catches_every_bug(String language) throws Exception {
        var only = System.getProperty("codegen.languages", "");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                only.isEmpty() || List.of(only.split(",")).contains(language), "-Dcodegen.languages=" + only);
        var project = dir.resolve(language);
        deleteTree(project);
        var result = TestGeneration.generate(
                model,
                GenerationOptions.of(language, project)
                        .withBaseUrl("http://127.0.0.1:1")
                        .withProjectName(service().name().toLowerCase(java.util.Locale.ROOT) + "-api-tests"));
        assertThat(result.plan().testCount()).isGreaterThanOrEqualTo(6);
        assertThat(result.plan().login()).as("the login is replayed").isNotNull();
        for (var file : result.files()) {
            var text = Files.readString(project.resolve(file));
            for (var secret : service().secrets.values()) {
                assertThat(text).as("%s holds no secret", file).doesNotContain(secret);
            }
            assertThat(text).as("%s holds no redacted value", file).doesNotContain("<redacted");
        }
        var readme = Files.readString(project.resolve("README.md"));
        service().secrets.keySet().forEach(name -> assertThat(readme).contains(name));
        for (int run = 1; run <= 3; run++) {
            var outcome = Toolchains.run(language, project, env(fresh));
            assertThat(outcome.ok())
                    .as("run %d of the %s suite against a fresh %s:\n%s", run, language, service(), outcome.tail(6000))
                    .isTrue();
        }
        for (var bug : BUGS) {
            var outcome = Toolchains.run(language, project, env(bug(bug)));
            assertThat(outcome.ok())
                    .as("the %s suite against %s with %s must fail:\n%s", language, service(), bug, outcome.tail(4000))
                    .isFalse();
            var out = outcome.output();
            switch (bug) {
                case "wrong_field" ->
                    assertThat(out)
                            .as("%s names the endpoint and the field", bug)
                            .contains("GET " + service().item())
                            .contains("$." + service().renamedField);
                case "wrong_status" ->
                    assertThat(out)
                            .as("%s names the endpoint and the status", bug)
                            .contains("POST " + service().collection)
                            .containsIgnoringCase("status");
                default -> {
                    assertThat(out)
                            .as("%s names the endpoint", bug)
                            .contains("GET " + service().item());
                    assertThat(service().updatedFields)
                            .as("%s names the field that was not stored:\n%s", bug, outcome.tail(4000))
                            .anyMatch(f -> out.contains("$." + f));
                }
            }
        }
    }

    private Map<String, String> env(Service.Instance instance) {
        var env = new HashMap<>(service().secrets);
        env.put("CHAOS_BASE_URL", instance.baseUrl());
        return env;
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
