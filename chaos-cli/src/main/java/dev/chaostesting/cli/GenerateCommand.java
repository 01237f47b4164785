package dev.chaostesting.cli;

import dev.chaostesting.codegen.GenerationOptions;
import dev.chaostesting.codegen.SuiteRunner;
import dev.chaostesting.codegen.TestGeneration;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Recording;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "generate",
        description = {
            "Generate a runnable test suite from a recording (or a model.json from 'learn'): JUnit 5 (java), pytest"
                    + " (python), node:test (javascript), Go testing (go) or cargo tests (rust).",
            "The tests read the service's address from CHAOS_BASE_URL and secrets from environment variables named in"
                    + " the generated README; no secret seen in the traffic is written into the code."
        })
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "DIR|FILE", description = "A recording or a model.json.")
    Path input;

    @Option(names = "--language", required = true, description = "java, python, javascript, go or rust.")
    String language;

    @Option(names = "--framework", description = "The language's framework (default: its usual one).")
    String framework;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The new test project's directory.")
    Path output;

    @Option(
            names = "--base-url",
            paramLabel = "URL",
            description = "The default address the tests call (default: the recorded service's address).")
    String baseUrl;

    @Option(
            names = "--run",
            description = "Run the generated suite right away against --base-url (or CHAOS_BASE_URL), with its standard"
                    + " command; exit code 3 when a test fails.")
    boolean run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(input)) {
            throw new Errors.UserError("no recording or model at " + input);
        }
        var model = TestGeneration.loadModel(input);
        var url = baseUrl != null ? baseUrl : recordedAddress(input);
        var options =
                GenerationOptions.of(language, output).withFramework(framework).withBaseUrl(url);
        var result = TestGeneration.generate(model, options);
        var out = spec.commandLine().getOut();
        out.printf(
                "generated %d tests (%s, %s) in %s: %d files%n",
                result.plan().testCount(),
                result.language(),
                result.framework(),
                output,
                result.files().size());
        out.printf(
                "base URL: %s (CHAOS_BASE_URL overrides it); see %s for the environment variables%n",
                options.effectiveBaseUrl(), output.resolve("README.md"));
        if (!run) {
            return 0;
        }
        var env = new HashMap<String, String>();
        env.put("CHAOS_BASE_URL", System.getenv().getOrDefault("CHAOS_BASE_URL", options.effectiveBaseUrl()));
        var outcome =
                SuiteRunner.run(result.language(), output, env, output.resolve(".chaos-work"), Duration.ofMinutes(15));
        if (outcome.skipped() != null) {
            throw new Errors.UserError("cannot run the suite: " + outcome.skipped());
        }
        out.println(outcome.output());
        out.printf(
                "%s: %s in %d s%n",
                String.join(" ", outcome.command()),
                outcome.passed() ? "passed" : "FAILED",
                outcome.took().toSeconds());
        return outcome.passed() ? 0 : 3;
    }

    /** http://host:port of the recording's first inbound interaction, when the input is a recording. */
    static @org.jspecify.annotations.Nullable String recordedAddress(Path input) {
        if (!Files.isDirectory(input) || !Files.exists(input.resolve("recording.json"))) {
            return null;
        }
        try (var stream = Recording.open(input).stream()) {
            return stream.filter(i -> i.direction() == Direction.INBOUND)
                    .findFirst()
                    .map(i -> "http://" + i.server())
                    .orElse(null);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
