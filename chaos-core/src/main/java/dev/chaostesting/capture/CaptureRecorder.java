package dev.chaostesting.capture;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.recording.RecordingWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One recording fed by several live captures at once (a service's inbound port and each of its dependencies): appends
 * are serialized, and each interaction is renumbered in the order it was appended so the recording's sequence numbers
 * stay unique and increasing whichever capture it came from. Thread-safe.
 */
public final class CaptureRecorder implements AutoCloseable {

    private final RecordingWriter writer;
    private long sequence;

    private CaptureRecorder(RecordingWriter writer) {
        this.writer = writer;
    }

    /**
     * Starts a recording whose manifest says {@code source: capture}.
     *
     * @param target what is observed, e.g. {@code 127.0.0.1:8080} or {@code pid 4242}
     * @param details e.g. {@code mode=capture}, {@code filter}, {@code interface}
     * @throws java.nio.file.FileAlreadyExistsException when the directory already holds a recording
     */
    public static CaptureRecorder create(Path directory, String target, Map<String, String> details)
            throws IOException {
        return new CaptureRecorder(
                RecordingWriter.create(directory, RecordingInfo.started("capture", target, details)));
    }

    /**
     * Appends the interaction with the next sequence number.
     *
     * @throws UncheckedIOException when the recording cannot be written; it ends the capture that fed it
     */
    public synchronized void append(Interaction interaction) {
        sequence++;
        try {
            writer.append(interaction.newBuilder().sequence(sequence).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Interactions appended so far. */
    public synchronized long count() {
        return sequence;
    }

    public Path directory() {
        return writer.directory();
    }

    /** Makes what was appended so far survive a crash of this process. */
    public synchronized void flush() throws IOException {
        writer.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
