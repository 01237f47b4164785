package dev.chaostesting.internal.recording;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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

    public static Stream<Interaction> stream(Path directory) {
        List<Path> segments;
        try {
            segments = segments(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return segments.stream().flatMap(DirectoryReader::streamSegment);
    }

    private static Stream<Interaction> streamSegment(Path segment) {
        try {
            var reader = Files.newBufferedReader(segment, StandardCharsets.UTF_8);
            var iterator = new JsonLinesReader(reader, segment.toString());
            return StreamSupport.stream(
                            Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL),
                            false)
                    .onClose(() -> {
                        try {
                            reader.close();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
