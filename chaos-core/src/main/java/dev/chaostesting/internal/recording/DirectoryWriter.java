package dev.chaostesting.internal.recording;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends interactions to a recording directory, one JSON line each, rotating segments by size. Not thread-safe. The
 * manifest is written first (so a killed writer leaves a readable recording) and rewritten with the counts on close.
 */
public final class DirectoryWriter implements AutoCloseable {

    static final String SEGMENT_PREFIX = "interactions-";
    static final long DEFAULT_SEGMENT_BYTES = 256L * 1024 * 1024;

    /** Encoded lines are handed to the file in writes of about this size (and on {@link #flush()}). */
    private static final int WRITE_BYTES = 1 << 19;

    private final Path directory;
    private final long segmentBytes;
    private RecordingInfo info;
    private int segmentNumber;
    private long written;
    private long count;
    private OutputStream out;
    private final JsonLineEncoder encoder = new JsonLineEncoder();
    private boolean closed;

    public DirectoryWriter(Path directory, RecordingInfo info) throws IOException {
        this(directory, info, DEFAULT_SEGMENT_BYTES);
    }

    DirectoryWriter(Path directory, RecordingInfo info, long segmentBytes) throws IOException {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        this.info = info;
        Files.createDirectories(directory);
        if (Files.exists(directory.resolve(Manifest.FILE))) {
            throw new FileAlreadyExistsException(directory + " already holds a recording: choose another directory");
        }
        Manifest.write(directory, info);
        openSegment();
    }

    public Path directory() {
        return directory;
    }

    public long count() {
        return count;
    }

    /** Writes one interaction as one line. It reaches the file at the latest on {@link #flush()}. */
    public void append(Interaction interaction) throws IOException {
        if (closed) {
            throw new IOException("recording " + directory + " is closed");
        }
        if (written >= segmentBytes) {
            closeSegment();
            openSegment();
        }
        written += encoder.append(interaction);
        if (encoder.buffered() >= WRITE_BYTES) {
            encoder.writeTo(out);
        }
        count++;
    }

    /** Hands what was written to the operating system: it survives the process being killed. */
    public void flush() throws IOException {
        encoder.writeTo(out);
        out.flush();
    }

    /** Closes the segment and rewrites the manifest with the final counts. */
    public void close(long dropped) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        closeSegment();
        info = info.closed(count, dropped);
        Manifest.write(directory, info);
    }

    @Override
    public void close() throws IOException {
        close(0);
    }

    private void openSegment() throws IOException {
        segmentNumber++;
        var path = directory.resolve(String.format("%s%06d.jsonl", SEGMENT_PREFIX, segmentNumber));
        var file = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        out = file;
        written = 0;
    }

    private void closeSegment() throws IOException {
        try {
            encoder.writeTo(out);
        } finally {
            out.close();
        }
    }
}
