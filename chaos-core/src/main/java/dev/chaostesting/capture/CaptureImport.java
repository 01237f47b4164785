package dev.chaostesting.capture;

import dev.chaostesting.internal.capture.CaptureCounters;
import dev.chaostesting.internal.capture.CaptureImporter;
import dev.chaostesting.internal.capture.MalformedCaptureException;
import dev.chaostesting.internal.capture.PacketSource;
import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.recording.RecordingWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a packet capture into interactions: reads pcap or pcapng (detected from the first bytes), reassembles every TCP
 * connection, and decodes it with the codecs on the class path exactly as the proxy decodes live traffic. Streams:
 * memory depends on the connections open at once, not on the size of the file. See docs/capture.md.
 */
public final class CaptureImport {

    private CaptureImport() {}

    /**
     * Imports a capture file into a new recording directory. Its manifest says {@code source: import}, the file as its
     * target, and {@code format: pcap} or {@code pcapng} in its details.
     *
     * @throws java.nio.file.FileAlreadyExistsException when the directory already holds a recording
     * @throws IOException when the file cannot be read or is not a capture, naming the file, the byte offset and the
     *     field ({@code api.pcap: pcap record at byte 1234: caplen 900000 (expected: <= snaplen 262144)}); the
     *     interactions read before the broken record are in the recording
     * @throws IllegalArgumentException when {@link CaptureOptions#protocol} names no known codec
     */
    public static CaptureSummary toRecording(Path captureFile, Path recordingDir, CaptureOptions options)
            throws IOException {
        var codecs = codecs(options);
        var name = captureFile.toString();
        try (var in = new BufferedInputStream(Files.newInputStream(captureFile), 1 << 16)) {
            var source = open(in, name);
            var info = RecordingInfo.started(
                    "import", captureFile.toAbsolutePath().toString(), Map.of("format", source.format()));
            try (var writer = RecordingWriter.create(recordingDir, info)) {
                return run(
                        source,
                        name,
                        options,
                        codecs,
                        interaction -> {
                            try {
                                writer.append(interaction);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        counters -> {});
            }
        }
    }

    /**
     * Reads a capture from a stream (a file, or {@code tcpdump -w -} as it writes) and hands each interaction to
     * {@code sink} as soon as it completes: numbered from 1 in the order they completed, secrets already redacted.
     * Connections still open when the stream ends are ended then.
     *
     * @param in pcap or pcapng; read to its end, not closed
     * @param name what to call the input in error messages, e.g. its file name
     */
    public static CaptureSummary read(
            InputStream in, String name, CaptureOptions options, Consumer<? super Interaction> sink)
            throws IOException {
        var codecs = codecs(options);
        return run(open(in, name), name, options, codecs, sink, counters -> {});
    }

    /**
     * {@link #read} for {@link LiveCapture}: {@code started} receives the import's counters once the stream's header is
     * read, so that a running capture can show how far it got while the stream is still being written.
     */
    static CaptureSummary read(
            InputStream in,
            String name,
            CaptureOptions options,
            Consumer<? super Interaction> sink,
            Consumer<CaptureCounters> started)
            throws IOException {
        var codecs = codecs(options);
        return run(open(in, name), name, options, codecs, sink, started);
    }

    /** Fails now, before any capture starts, when {@link CaptureOptions#protocol} names no known codec. */
    static void checkProtocol(CaptureOptions options) {
        codecs(options);
    }

    private static Codecs codecs(CaptureOptions options) {
        var codecs = Codecs.load();
        var protocol = options.protocol();
        if (protocol != null && !codecs.names().contains(protocol)) {
            throw new IllegalArgumentException(
                    "protocol: " + protocol + " (expected one of: " + String.join(", ", codecs.names()) + ")");
        }
        return codecs;
    }

    private static PacketSource open(InputStream in, String name) throws IOException {
        try {
            return PacketSource.open(in);
        } catch (MalformedCaptureException e) {
            throw named(name, e);
        }
    }

    private static CaptureSummary run(
            PacketSource source,
            String name,
            CaptureOptions options,
            Codecs codecs,
            Consumer<? super Interaction> sink,
            Consumer<CaptureCounters> started)
            throws IOException {
        var numbering = new Numbering(options, sink);
        var importer = new CaptureImporter(
                options,
                CaptureImporter.observing(codecs, options.protocol(), options.maxBodyBytes(), numbering::accept));
        started.accept(importer.counters());
        try {
            return importer.run(source).toSummary(source.format(), numbering.count);
        } catch (MalformedCaptureException e) {
            throw named(name, e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static IOException named(String name, MalformedCaptureException e) {
        return new IOException(name + ": " + e.getMessage(), e);
    }

    /** Numbers the interactions in the order they complete and redacts them before anyone sees them. */
    private static final class Numbering {
        private final CaptureOptions options;
        private final Consumer<? super Interaction> sink;
        private long count;

        Numbering(CaptureOptions options, Consumer<? super Interaction> sink) {
            this.options = options;
            this.sink = sink;
        }

        void accept(Interaction.Builder builder) {
            count++;
            sink.accept(options.redaction().apply(builder.sequence(count).build()));
        }
    }
}
