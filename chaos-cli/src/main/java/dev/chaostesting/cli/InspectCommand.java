package dev.chaostesting.cli;

import dev.chaostesting.recording.Recording;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "inspect", description = "Summarise a recording: endpoints, status codes, counts, latency p50/p99.")
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "The recording directory.")
    Path input;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var recording = Recording.open(input);
        var out = spec.commandLine().getOut();
        var info = recording.info();
        out.printf(
                "%s: %s of %s, started %s%s%n",
                input,
                info.source(),
                info.target(),
                info.createdAt(),
                info.closedAt() == null ? " (not closed: the recorder was stopped abruptly)" : "");
        var summary = new Summary();
        try (var stream = recording.stream()) {
            stream.forEach(summary::add);
        }
        summary.print(out);
        if (info.dropped() > 0) {
            out.printf(
                    "%d interactions were dropped while recording (the recorder could not keep up)%n", info.dropped());
        }
        return 0;
    }
}
