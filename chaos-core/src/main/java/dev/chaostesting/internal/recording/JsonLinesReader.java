package dev.chaostesting.internal.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chaostesting.model.Interaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Iterates the interactions of a JSON Lines stream, one line at a time. Blank lines are skipped. A last line that does
 * not parse is a record cut short by a killed writer and is skipped; a bad line elsewhere is an error naming its line.
 */
public final class JsonLinesReader implements Iterator<Interaction> {

    private final BufferedReader reader;
    private final String source;
    private long lineNumber;
    private @Nullable String pending;
    private @Nullable Interaction next;
    private boolean started;

    public JsonLinesReader(BufferedReader reader, String source) {
        this.reader = reader;
        this.source = source;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        try {
            if (!started) {
                started = true;
                pending = nextLine();
            }
            while (pending != null) {
                var line = pending;
                long number = lineNumber;
                pending = nextLine();
                try {
                    next = InteractionJson.read(Json.MAPPER.readTree(line));
                    return true;
                } catch (JsonProcessingException | RuntimeException e) {
                    if (pending != null) {
                        throw new UncheckedIOException(new IOException(
                                source + " line " + number + ": not a valid interaction (" + firstLine(e) + ")"));
                    }
                    // The last line was cut short: the writer stopped mid-record.
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Interaction next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        var result = next;
        next = null;
        return result;
    }

    private @Nullable String nextLine() throws IOException {
        String line;
        do {
            line = reader.readLine();
            lineNumber++;
        } while (line != null && line.isBlank());
        return line;
    }

    private static String firstLine(Exception e) {
        var message = String.valueOf(e.getMessage());
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
