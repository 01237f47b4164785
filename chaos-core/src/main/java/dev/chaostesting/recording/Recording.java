package dev.chaostesting.recording;

import dev.chaostesting.internal.recording.DirectoryReader;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A recording on disk: a directory holding a manifest and JSON Lines segments (see docs/recording-format.md).
 * Reading streams: a recording of any size is read one interaction at a time.
 */
public final class Recording {

    private final Path directory;
    private final RecordingInfo info;

    private Recording(Path directory, RecordingInfo info) {
        this.directory = directory;
        this.info = info;
    }

    /**
     * Opens a recording directory for reading.
     *
     * @throws IOException when the directory is not a recording, or was written in a newer format
     */
    public static Recording open(Path directory) throws IOException {
        return new Recording(directory, DirectoryReader.readInfo(directory));
    }

    public Path directory() {
        return directory;
    }

    public RecordingInfo info() {
        return info;
    }

    /**
     * The interactions in recording order, read lazily. Close the stream (try-with-resources) to release the files. A
     * record cut short at the end of a segment (the writer was killed mid-write) is skipped; everything before it reads.
     *
     * @throws UncheckedIOException when a segment cannot be read
     */
    public Stream<Interaction> stream() {
        return DirectoryReader.stream(directory);
    }

    /** All interactions in memory: convenient for small recordings and tests. */
    public List<Interaction> interactions() {
        try (var s = stream()) {
            return s.collect(Collectors.toList());
        }
    }

    /** Counts the interactions by reading them all. */
    public long count() {
        try (var s = stream()) {
            return s.count();
        }
    }

    @Override
    public String toString() {
        return "Recording[" + directory + ", " + info.source() + " " + info.target() + "]";
    }

    static Recording opened(Path directory) {
        try {
            return open(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
