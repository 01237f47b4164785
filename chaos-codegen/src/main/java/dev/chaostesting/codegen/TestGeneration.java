package dev.chaostesting.codegen;

import dev.chaostesting.codegen.plan.TestPlan;
import dev.chaostesting.codegen.plan.TestPlanner;
import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.learn.BehaviourModel;
import dev.chaostesting.learn.ModelJson;
import dev.chaostesting.recording.Recording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The entry point: plans the tests of a model once and renders them in one language.
 *
 * <pre>{@code
 * var result = TestGeneration.generate(ModelJson.read(Path.of("model.json")),
 *         GenerationOptions.of("python", Path.of("tests-py")).withBaseUrl("http://127.0.0.1:8080"));
 * result.files();   // conftest.py, support.py, test_books.py, README.md, requirements.txt ...
 * }</pre>
 */
public final class TestGeneration {
    private TestGeneration() {}

    /**
     * What was generated.
     *
     * @param language the generator's language
     * @param framework the framework used
     * @param files the files written, relative to the output directory
     * @param plan the plan that was rendered
     */
    public record Result(String language, String framework, List<String> files, TestPlan plan) {
        public Result {
            files = List.copyOf(files);
        }
    }

    /** Generators on the class path, by language. */
    public static Map<String, TestGenerator> generators() {
        var map = new TreeMap<String, TestGenerator>();
        for (var g : ServiceLoader.load(TestGenerator.class, TestGeneration.class.getClassLoader())) {
            map.putIfAbsent(g.language(), g);
        }
        return map;
    }

    /**
     * The model to generate from: {@code input} is a {@code model.json} file, a directory holding one, or a recording
     * directory, which is learned from.
     */
    public static BehaviourModel loadModel(Path input) throws IOException {
        if (Files.isRegularFile(input)) {
            return ModelJson.read(input);
        }
        var json = input.resolve("model.json");
        if (Files.isRegularFile(json)) {
            return ModelJson.read(json);
        }
        return BehaviourLearner.create().learn(Recording.open(input));
    }

    /** The plan for a model, as every generator receives it. */
    public static TestPlan plan(BehaviourModel model, GenerationOptions options) {
        return TestPlanner.plan(model, options.projectName(), options.effectiveBaseUrl());
    }

    /**
     * Plans and writes the tests of {@code model}.
     *
     * @throws IllegalArgumentException for an unknown language or framework (the message lists the known ones)
     */
    public static Result generate(BehaviourModel model, GenerationOptions options) throws IOException {
        var generators = generators();
        var language = options.language().toLowerCase(Locale.ROOT);
        if (language.equals("js") || language.equals("node")) {
            language = "javascript";
        }
        var generator = generators.get(language);
        if (generator == null) {
            throw new IllegalArgumentException(
                    "unknown language '" + options.language() + "', expected one of: " + generators.keySet());
        }
        var framework = options.framework() == null
                ? generator.frameworks().get(0)
                : options.framework().toLowerCase(Locale.ROOT);
        if (!generator.frameworks().contains(framework)) {
            throw new IllegalArgumentException("unknown framework '" + options.framework() + "' for " + language
                    + ", expected one of: " + generator.frameworks());
        }
        var plan = plan(model, options);
        Files.createDirectories(options.output());
        var files = new ArrayList<>(generator.generate(plan, options.withFramework(framework)));
        return new Result(language, framework, files, plan);
    }
}
