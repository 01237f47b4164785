package dev.chaostesting.cli;

import dev.chaostesting.learn.ApiSpec;
import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.learn.ModelJson;
import dev.chaostesting.learn.OpenApi;
import dev.chaostesting.recording.Recording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "learn",
        description = {
            "Learn the observed service's behaviour from a recording: endpoints and their templates, body schemas,"
                    + " dynamic values, data flow between requests, scenarios, latency and dependencies per endpoint.",
            "Writes model.json (the input of 'generate'); optionally an OpenAPI 3.1 document."
        })
final class LearnCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "The recording directory.")
    Path input;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            defaultValue = "model.json",
            description = "Where to write the model (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--openapi",
            paramLabel = "FILE",
            description = "Your own OpenAPI document (3.0 or 3.1, JSON or YAML): its path templates and operation ids"
                    + " are used where they match.")
    Path openapi;

    @Option(
            names = "--export-openapi",
            paramLabel = "FILE",
            description = "Also write the learned API as OpenAPI 3.1 (YAML when the name ends in .yaml or .yml).")
    Path exportOpenapi;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(input)) {
            throw new Errors.UserError("no recording at " + input + ": give the directory 'observe' or 'import' wrote");
        }
        var learner = BehaviourLearner.create();
        if (openapi != null) {
            try {
                learner = learner.withSpec(ApiSpec.read(openapi));
            } catch (IOException e) {
                throw new Errors.UserError("cannot read the OpenAPI document " + openapi + ": " + e.getMessage());
            }
        }
        var model = learner.learn(Recording.open(input));
        ModelJson.write(model, output);
        var out = spec.commandLine().getOut();
        out.printf(
                "learned %d endpoints, %d data flows and %d scenarios from %d interactions -> %s%n",
                model.endpoints().size(),
                model.dataFlows().size(),
                model.scenarios().size(),
                model.interactions(),
                output);
        for (var endpoint : model.endpoints()) {
            out.printf(
                    "  %-7s %-40s %6d samples  p50 %s%n",
                    endpoint.method(),
                    endpoint.path(),
                    endpoint.samples(),
                    Units.millis(endpoint.latency().p50Micros()));
        }
        if (exportOpenapi != null) {
            OpenApi.write(model, "API observed by chaos-testing", exportOpenapi);
            out.printf("OpenAPI 3.1 -> %s%n", exportOpenapi);
        }
        return 0;
    }
}
