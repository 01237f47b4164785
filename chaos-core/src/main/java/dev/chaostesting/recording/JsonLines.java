package dev.chaostesting.recording;

import dev.chaostesting.internal.recording.InteractionJson;
import dev.chaostesting.internal.recording.Json;
import dev.chaostesting.internal.recording.JsonLinesReader;
import dev.chaostesting.model.Interaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * JSON Lines export and import: one interaction per line, every protocol, fields documented in
 * docs/recording-format.md. Both directions stream.
 */
public final class JsonLines {

    private JsonLines() {}

    /** Writes each interaction as one line; returns how many. The stream is flushed, not closed. */
    public static long write(Iterator<Interaction> interactions, OutputStream out) throws IOException {
        long count = 0;
        try (var generator = Json.lineGenerator(out)) {
            while (interactions.hasNext()) {
                InteractionJson.write(interactions.next(), generator);
                generator.writeRaw('\n');
                count++;
            }
        }
        out.flush();
        return count;
    }

    /**
     * Reads interactions line by line. A last line cut short is skipped (a writer killed mid-line); any other bad line
     * fails the stream with an {@link UncheckedIOException} naming the line. Closing the stream closes {@code in}.
     */
    public static Stream<Interaction> read(InputStream in, String sourceName) {
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        var iterator = new JsonLinesReader(reader, sourceName);
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(() -> {
                    try {
                        reader.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
