package dev.chaostesting.cli;

import dev.chaostesting.Interceptor;
import dev.chaostesting.codegen.GenerationOptions;
import dev.chaostesting.codegen.SuiteRunner;
import dev.chaostesting.codegen.TestGeneration;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.examples.demo.InventoryService;
import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.learn.BehaviourModel;
import dev.chaostesting.learn.ModelJson;
import dev.chaostesting.learn.OpenApi;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.recording.RecordingWriter;
import dev.chaostesting.replay.ChaosOptions;
import dev.chaostesting.replay.ChaosReports;
import dev.chaostesting.replay.ChaosRun;
import dev.chaostesting.replay.FaultPlan;
import java.io.BufferedOutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        description = {
            "The whole product on a bundled example, with no set-up: a bookshop service and the stock service it"
                    + " depends on are observed through the interceptor (inbound and outbound), their behaviour is"
                    + " learned, test suites are generated and run, and a chaos run injects faults into the dependency"
                    + " and reports how the bookshop copes."
        })
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--output",
            defaultValue = "chaos-demo",
            paramLabel = "DIR",
            description = "Where to write everything (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--level",
            defaultValue = "moderate",
            description =
                    "The chaos level: mild, moderate or extreme, or none to skip the chaos run (default: ${DEFAULT-VALUE}).")
    String level;

    @Option(
            names = "--languages",
            defaultValue = "all",
            description = "Languages to generate tests in and run: all (those whose toolchain is here), none, or a list"
                    + " such as java,python (default: ${DEFAULT-VALUE}).")
    String languages;

    @Spec
    CommandSpec spec;

    private static final Map<String, String> PASSWORDS =
            Map.of("CHAOS_PASSWORD_ALICE", "wonderland", "CHAOS_PASSWORD_BOB", "builder");

    @Override
    public Integer call() throws Exception {
        if (!level.equals("none") && !FaultPlan.LEVELS.contains(level)) {
            throw new Errors.UserError(
                    "--level: '" + level + "' (expected one of: " + String.join(", ", FaultPlan.LEVELS) + ", none)");
        }
        var out = spec.commandLine().getOut();
        var stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        var run = output.resolve("run-" + stamp);
        var recordingDir = run.resolve("recording");
        Files.createDirectories(run);

        try (var inventory = InventoryService.start();
                var toInventory = Interceptor.onPort(inventory.port())
                        .direction(Direction.OUTBOUND)
                        .record()
                        .start();
                var service = DemoService.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        DemoService.Options.defaults()
                                .inventory(URI.create("http://127.0.0.1:" + toInventory.port())));
                var toService = Interceptor.onPort(service.port()).record().start()) {
            out.printf(
                    "1. started the example bookshop on %s and the stock service it depends on on %s%n",
                    service.baseUri(), inventory.baseUri());
            out.printf(
                    "   interceptors: clients -> 127.0.0.1:%d -> bookshop -> 127.0.0.1:%d -> stock service%n",
                    toService.port(), toInventory.port());

            var traffic = DemoTraffic.run(URI.create("http://127.0.0.1:" + toService.port()));
            out.printf(
                    "2. drove %d requests (log in, create, list, fetch, update, review, delete, errors)%n",
                    traffic.requests());
            if (!toService.recording().awaitCount(traffic.requests(), Duration.ofSeconds(10))) {
                throw new Errors.UserError("only " + toService.recording().count() + " of " + traffic.requests()
                        + " requests were recorded: the recorder fell behind");
            }
            if (!traffic.clean()) {
                out.println("   the service deviated from its documented behaviour: "
                        + String.join("; ", traffic.unexpected()));
            }
            long outbound = writeRecording(
                    recordingDir,
                    toService.recording().interactions(),
                    toInventory.recording().interactions());
            var recording = Recording.open(recordingDir);
            out.printf(
                    "%n3. recorded %d interactions (%d to the stock service) in %s:%n%n",
                    recording.info().interactions(), outbound, recordingDir);
            var summary = new Summary();
            try (var stream = recording.stream()) {
                stream.forEach(summary::add);
            }
            summary.print(out);
            var harFile = run.resolve("recording.har");
            try (var stream = recording.stream();
                    var file = new BufferedOutputStream(Files.newOutputStream(harFile))) {
                Har.write(stream.iterator(), file);
            }
            out.printf("   (also as HAR: %s; secrets such as the password and the token are redacted)%n", harFile);

            var model = BehaviourLearner.create().learn(recording);
            var modelFile = run.resolve("model.json");
            ModelJson.write(model, modelFile);
            OpenApi.write(model, "Demo bookshop (observed)", run.resolve("openapi.yaml"));
            printModel(out, model, modelFile, run.resolve("openapi.yaml"));

            int step = 5;
            var chosen = chosenLanguages();
            if (!chosen.isEmpty()) {
                out.printf(
                        "%n%d. generated test suites, run against the bookshop (CHAOS_BASE_URL=%s)%n",
                        step++, service.baseUri());
                out.flush();
                var work = output.resolve(".work");
                for (var language : chosen) {
                    var project = run.resolve("tests-" + language);
                    var generated = TestGeneration.generate(
                            model,
                            GenerationOptions.of(language, project)
                                    .withBaseUrl(service.baseUri().toString()));
                    var missing = SuiteRunner.missingToolchain(language);
                    if (missing != null) {
                        out.printf(
                                "   %-10s %3d tests in %s, not run: %s%n",
                                language, generated.plan().testCount(), project, missing);
                        continue;
                    }
                    var env = new java.util.HashMap<>(PASSWORDS);
                    env.put("CHAOS_BASE_URL", service.baseUri().toString());
                    // The functional tests; the generated chaos tests drive the control API ('chaos-testing serve')
                    // and are shown by the chaos run below instead.
                    var outcome = SuiteRunner.run(
                            language, project, env, work, Duration.ofMinutes(15), SuiteRunner.Selection.FUNCTIONAL);
                    out.printf(
                            "   %-10s %3d tests (+%d chaos tests) in %s: %s (%s, %d s)%n",
                            language,
                            generated.plan().testCount(),
                            generated.plan().chaos().size(),
                            project,
                            outcome.passed() ? "passed" : "FAILED",
                            String.join(" ", outcome.command()),
                            outcome.took().toSeconds());
                    if (!outcome.passed()) {
                        out.println(outcome.output().indent(6));
                    }
                    out.flush();
                }
            }
            if (!level.equals("none")) {
                var report = run.resolve("chaos-report");
                out.printf(
                        "%n%d. chaos at level '%s': the recorded traffic replayed while faults hit the stock"
                                + " service%n",
                        step, level);
                out.flush();
                var options = ChaosOptions.builder(recordingDir, service.baseUri())
                        .level(level)
                        .interceptors(toInventory)
                        .reportDirectory(report)
                        .environment(PASSWORDS)
                        .log(line -> {})
                        .build();
                var result = ChaosRun.run(options);
                out.println();
                out.print(ChaosReports.table(result));
                out.printf("   report: %s%n", report.resolve("report.html"));
            }
            out.printf("%nEverything is in %s. Next: point 'chaos-testing observe' at your own service.%n", run);
            out.flush();
        }
        return 0;
    }

    private List<String> chosenLanguages() {
        if (languages.equals("none")) {
            return List.of();
        }
        if (languages.equals("all")) {
            return SuiteRunner.languages();
        }
        var list = new ArrayList<String>();
        for (var l : languages.split(",")) {
            var name = l.strip();
            if (!SuiteRunner.languages().contains(name)) {
                throw new Errors.UserError("--languages: '" + name + "' (expected all, none, or some of: "
                        + String.join(", ", SuiteRunner.languages()) + ")");
            }
            list.add(name);
        }
        return list;
    }

    /** Both interceptors' interactions as one recording, in the order they started, numbered from 1. */
    private static long writeRecording(Path dir, List<Interaction> inbound, List<Interaction> outbound)
            throws java.io.IOException {
        var all = new ArrayList<Interaction>(inbound);
        all.addAll(outbound);
        all.sort(Comparator.comparing(Interaction::startedAt));
        var info = RecordingInfo.started("demo", "bookshop and its stock service", Map.of("mode", "proxy"));
        try (var writer = RecordingWriter.create(dir, info)) {
            long sequence = 0;
            for (var i : all) {
                writer.append(i.newBuilder().sequence(++sequence).build());
            }
        }
        return outbound.size();
    }

    private static void printModel(PrintWriter out, BehaviourModel model, Path modelFile, Path openapi) {
        out.printf(
                "%n4. learned %d endpoints, %d data flows and %d scenarios -> %s (OpenAPI: %s)%n",
                model.endpoints().size(),
                model.dataFlows().size(),
                model.scenarios().size(),
                modelFile,
                openapi);
        for (var e : model.endpoints()) {
            var statuses = new ArrayList<String>();
            e.responses().forEach(r -> statuses.add(String.valueOf(r.status())));
            out.printf("   %-6s %-32s %s%n", e.method(), e.path(), String.join(",", statuses));
            for (var d : e.dependencies()) {
                out.printf("          -> %s %s %s%n", d.protocol(), d.target(), d.operation());
            }
        }
    }
}
