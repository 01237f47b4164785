package dev.chaostesting.cli;

import dev.chaostesting.recording.Har;
import dev.chaostesting.recording.JsonLines;
import dev.chaostesting.recording.Recording;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "export", description = "Write a recording as HAR 1.2 (HTTP only) or JSON Lines (every protocol).")
final class ExportCommand implements Callable<Integer> {

    enum Format {
        har,
        jsonl
    }

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "The recording directory.")
    Path input;

    @Option(names = "--format", required = true, description = "har or jsonl.")
    Format format;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE",
            description = "The file to write; - for standard output.")
    String output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var recording = Recording.open(input);
        long written;
        boolean stdout = output.equals("-");
        try (var stream = recording.stream();
                OutputStream out = stdout
                        ? new NonClosing(System.out)
                        : new BufferedOutputStream(Files.newOutputStream(Path.of(output)), 1 << 16)) {
            written =
                    format == Format.har ? Har.write(stream.iterator(), out) : JsonLines.write(stream.iterator(), out);
        }
        if (!stdout) {
            spec.commandLine().getErr().printf("wrote %d interactions to %s%n", written, output);
        }
        return 0;
    }

    /** Standard output must stay open for whatever prints after us. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
