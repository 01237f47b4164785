package dev.chaostesting.internal.recording;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/** Reads a recording directory: the manifest, then each segment in order, streaming. */
public final class DirectoryReader {

    private DirectoryReader() {}

    public static RecordingInfo readInfo(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new java.nio.file.NoSuchFileException(directory + " is not a recording directory");
        }
        return Manifest.read(directory);
    }

    public static List<Path> segments(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            var list = files.filter(p -> {
                        var name = p.getFileName().toString();
                        return name.startsWith(DirectoryWriter.SEGMENT_PREFIX) && name.endsWith(".jsonl");
                    })
                    .sorted()
                    .toList();
            return list.isEmpty() ? Collections.emptyList() : list;
        }
    }

    /**
     * The interactions of all segments, lazily. Not {@code flatMap}: its iterator buffers a whole inner stream, which
     * would load a whole segment into memory.
     */
    public static Stream<Interaction> stream(Path directory) {
        List<Path> segments;
        try {
            segments = segments(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var iterator = new SegmentIterator(segments);
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(iterator::close);
    }

    private static final class SegmentIterator implements Iterator<Interaction> {
        private final Iterator<Path> segments;
        private @Nullable BufferedReader reader;
        private @Nullable JsonLinesReader lines;

        SegmentIterator(List<Path> segments) {
            this.segments = segments.iterator();
        }

        @Override
        public boolean hasNext() {
            while (lines == null || !lines.hasNext()) {
                close();
                if (!segments.hasNext()) {
                    return false;
                }
                var segment = segments.next();
                try {
                    reader = Files.newBufferedReader(segment, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                lines = new JsonLinesReader(reader, segment.toString());
            }
            return true;
        }

        @Override
        public Interaction next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return lines.next();
        }

        void close() {
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    reader = null;
                    lines = null;
                }
            }
        }
    }
}
