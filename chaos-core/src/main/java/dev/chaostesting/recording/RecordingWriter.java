package dev.chaostesting.recording;

import dev.chaostesting.internal.recording.DirectoryWriter;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a new recording directory. Each appended interaction is one line in a segment file; a process killed while
 * writing leaves a recording that reads back up to its last complete line. Not thread-safe.
 */
public final class RecordingWriter implements AutoCloseable {

    private final DirectoryWriter writer;

    private RecordingWriter(DirectoryWriter writer) {
        this.writer = writer;
    }

    /**
     * Creates the directory (if needed) and starts a recording in it.
     *
     * @throws java.nio.file.FileAlreadyExistsException when the directory already holds a recording
     */
    public static RecordingWriter create(Path directory, RecordingInfo info) throws IOException {
        return new RecordingWriter(new DirectoryWriter(directory, info));
    }

    /** Appends an interaction; its sequence number is kept as given. */
    public void append(Interaction interaction) throws IOException {
        writer.append(interaction);
    }

    /** Makes everything appended so far survive a crash of this process. */
    public void flush() throws IOException {
        writer.flush();
    }

    public long count() {
        return writer.count();
    }

    public Path directory() {
        return writer.directory();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
