package dev.chaostesting.internal.recording;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import java.io.BufferedOutputStream;
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

    private final Path directory;
    private final long segmentBytes;
    private RecordingInfo info;
    private int segmentNumber;
    private long written;
    private long count;
    private OutputStream out;
    private JsonGenerator generator;
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
        InteractionJson.write(interaction, generator);
        generator.flush();
        out.write('\n');
        count++;
    }

    /** Hands what was written to the operating system: it survives the process being killed. */
    public void flush() throws IOException {
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
        out = new CountingStream(new BufferedOutputStream(file, 1 << 16));
        generator = Json.lineGenerator(out);
        written = 0;
    }

    private void closeSegment() throws IOException {
        generator.close();
        out.close();
    }

    private final class CountingStream extends java.io.FilterOutputStream {
        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
        }
    }
}
