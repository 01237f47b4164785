package dev.chaostesting.cli;

import dev.chaostesting.replay.ChaosOptions;
import dev.chaostesting.replay.ChaosReports;
import dev.chaostesting.replay.ChaosRun;
import dev.chaostesting.replay.FaultPlan;
import dev.chaostesting.replay.Outcome;
import dev.chaostesting.replay.Rate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "chaos",
        description = {
            "Replay a recording's inbound traffic against the running service while faults are injected into its"
                    + " dependencies (and, at extreme, into its own connections); classify each endpoint x fault as"
                    + " unaffected, graceful, slow, hung, crashed, leaky or inconsistent; write reports (docs/chaos.md).",
            "Dependencies are reached through --proxy (the service was started pointing at those ports) or, without it,"
                    + " by transparent interception of the service's process (--pid, or the process listening on the"
                    + " target's port; needs root and nftables)."
        })
final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "The recording to replay.")
    Path input;

    @Option(
            names = "--target",
            required = true,
            paramLabel = "URL",
            description = "The running service, e.g. http://127.0.0.1:8080.")
    URI target;

    @Option(
            names = "--level",
            defaultValue = "moderate",
            description =
                    "mild, moderate or extreme (default: ${DEFAULT-VALUE}); fault plans in YAML, see docs/chaos.md.")
    String level;

    @Option(names = "--plan", paramLabel = "FILE", description = "Your own fault plan (YAML) instead of a level.")
    Path plan;

    @Option(names = "--pid", paramLabel = "PID", description = "The service's process, for transparent interception.")
    Long pid;

    @Option(
            names = "--proxy",
            paramLabel = "HOST:PORT=LISTEN",
            description = "A dependency and the loopback port the service uses for it instead (repeatable), e.g."
                    + " 127.0.0.1:5432=15432.")
    List<String> proxies = List.of();

    @Option(names = "--seed", description = "Seed of the faults' random decisions (default: random, reported).")
    Long seed;

    @Option(
            names = "--rate",
            defaultValue = "recorded",
            description = "recorded (default), a share of it (200%%) or requests per second (500).")
    String rate;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description = "Write report.txt, report.json, junit.xml and report.html here.")
    Path report;

    @Option(
            names = "--fail-on",
            paramLabel = "OUTCOMES",
            defaultValue = "",
            description = "Outcomes that make the exit code 3, e.g. hung,crashed (default: none).")
    String failOn;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Set<Outcome> failures = failOn.isBlank()
                ? Set.of()
                : Arrays.stream(failOn.split(","))
                        .map(String::strip)
                        .map(Outcome::parse)
                        .collect(Collectors.toSet());
        var b = ChaosOptions.builder(input, target).rate(Rate.parse(rate)).failOn(failures);
        if (plan != null) {
            try {
                b.plan(FaultPlan.read(plan));
            } catch (IOException e) {
                throw new Errors.UserError("cannot read the fault plan " + plan + ": " + e.getMessage());
            }
        } else {
            b.level(level);
        }
        if (pid != null) {
            b.pid(pid);
        }
        if (seed != null) {
            b.seed(seed);
        }
        if (report != null) {
            b.reportDirectory(report);
        }
        for (var p : proxies) {
            int eq = p.lastIndexOf('=');
            if (eq < 0) {
                throw new Errors.UserError(
                        "--proxy: '" + p + "' (expected HOST:PORT=LISTEN, e.g. 127.0.0.1:5432=15432)");
            }
            try {
                b.proxy(p.substring(0, eq), Integer.parseInt(p.substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw new Errors.UserError(
                        "--proxy: '" + p + "' (expected HOST:PORT=LISTEN, e.g. 127.0.0.1:5432=15432)");
            }
        }
        var err = spec.commandLine().getErr();
        b.log(line -> {
            err.println(line);
            err.flush();
        });
        var options = b.build();
        var result = ChaosRun.run(options);
        spec.commandLine().getOut().print(ChaosReports.table(result));
        if (report != null) {
            err.printf("reports in %s (report.html, report.json, junit.xml, report.txt)%n", report);
        }
        return result.exitCode(options.failOn());
    }
}
