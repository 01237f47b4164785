package dev.chaostesting.cli;

import dev.chaostesting.capture.CaptureImport;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import dev.chaostesting.recording.JsonLines;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.recording.RecordingWriter;
import dev.chaostesting.recording.Redaction;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "import",
        description = "Turn a HAR file (from any tool), a JSON Lines export or a packet capture (pcap, pcapng) into a"
                + " recording.")
final class ImportCommand implements Callable<Integer> {

    enum Format {
        auto,
        har,
        jsonl,
        pcap
    }

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE",
            description = "A .har, .jsonl, .pcap or .pcapng file.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "The new recording directory.")
    Path output;

    @Option(
            names = "--format",
            defaultValue = "auto",
            description = "auto (by file name), har, jsonl or pcap (pcap or pcapng, told apart by content).")
    Format format;

    @Option(
            names = "--port",
            split = ",",
            paramLabel = "PORT",
            description = "pcap: only connections with this port at either end (repeatable).")
    int[] ports;

    @Mixin
    DecodingOptions decoding;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var chosen = format == Format.auto ? byName(input) : format;
        if (!Files.isRegularFile(input)) {
            throw new Errors.UserError("no such file: " + input);
        }
        var redaction = decoding.redaction();
        if (chosen == Format.pcap) {
            try (var grpc = decoding.configureGrpc(null, spec.commandLine().getErr())) {
                return importCapture();
            }
        }
        if (decoding.grpcDescriptorSets != null || decoding.grpcReflection != null) {
            throw new Errors.UserError("--grpc-descriptor-set and --grpc-reflection apply to packet captures only"
                    + " (a " + chosen + " file holds decoded interactions)");
        }
        var info = RecordingInfo.started("import", input.toAbsolutePath().toString(), Map.of("format", chosen.name()));
        long count;
        try (var writer = RecordingWriter.create(output, info);
                var in = new BufferedInputStream(Files.newInputStream(input), 1 << 16)) {
            var sink = new Sink(writer, redaction);
            if (chosen == Format.har) {
                Har.read(in, input.toString(), sink::accept);
            } else {
                try (var stream = JsonLines.read(in, input.toString())) {
                    stream.forEach(sink::accept);
                }
            }
            count = writer.count();
        }
        spec.commandLine().getErr().printf("imported %d interactions into %s%n", count, output);
        return 0;
    }

    private int importCapture() throws IOException {
        var options = decoding.captureOptions();
        if (ports != null) {
            options = options.onlyPorts(ports);
        }
        var summary = CaptureImport.toRecording(input, output, options);
        var err = spec.commandLine().getErr();
        err.printf("imported %d interactions into %s%n%s%n", summary.interactions(), output, summary.describe());
        if (!summary.complete()) {
            err.printf(
                    "warning: the capture missed %d bytes in %d gaps and %d truncated packets;"
                            + " the exchanges affected carry an error or are recorded as raw tcp%n",
                    summary.missingBytes(), summary.gaps(), summary.truncated());
        }
        if (summary.tcpConnections() == 0) {
            err.println("warning: no TCP connections found"
                    + (summary.unsupportedLinkTypes().isEmpty()
                            ? ""
                            : " (unsupported link types " + summary.unsupportedLinkTypes() + ")"));
        }
        return 0;
    }

    private static Format byName(Path file) {
        var name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".har") || name.endsWith(".har.json")) {
            return Format.har;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Format.jsonl;
        }
        if (name.endsWith(".pcap") || name.endsWith(".pcapng") || name.endsWith(".cap")) {
            return Format.pcap;
        }
        throw new Errors.UserError("cannot tell the format of " + file
                + " from its name: add --format=har, --format=jsonl or --format=pcap");
    }

    /** Numbers the interactions in file order and redacts them on the way in. */
    private static final class Sink {
        private final RecordingWriter writer;
        private final Redaction redaction;
        private long sequence;

        Sink(RecordingWriter writer, Redaction redaction) {
            this.writer = writer;
            this.redaction = redaction;
        }

        void accept(Interaction interaction) {
            try {
                writer.append(redaction.apply(
                        interaction.newBuilder().sequence(++sequence).build()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
