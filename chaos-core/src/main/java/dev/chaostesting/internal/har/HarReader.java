package dev.chaostesting.internal.har;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.internal.recording.Json;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * Reads a HAR file entry by entry: the file is one JSON object that can be far larger than memory, so only
 * {@code log.entries} is walked, one entry tree at a time, and everything else is skipped unread.
 */
public final class HarReader {

    private final String name;
    private final Consumer<? super Interaction> sink;
    private long count;
    private boolean sawEntries;

    private HarReader(String name, Consumer<? super Interaction> sink) {
        this.name = name;
        this.sink = sink;
    }

    /**
     * Hands each entry to {@code sink} as an interaction, in file order, and returns how many. Does not close
     * {@code in}.
     *
     * @param name what to call the input in error messages, e.g. its file name
     * @throws IOException when the input is not a HAR file or an entry cannot be read; the message names the input and
     *     the entry
     */
    public static long read(InputStream in, String name, Consumer<? super Interaction> sink) throws IOException {
        var reader = new HarReader(name, sink);
        try (var p = Json.MAPPER.createParser(in)) {
            p.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            var first = p.nextToken();
            if (first == null) {
                throw new IOException(name + " is not a HAR file: it is empty");
            }
            if (first == JsonToken.START_OBJECT) {
                reader.root(p);
            }
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            var where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            var detail = String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ");
            throw new IOException(name + " is not a HAR file: not valid JSON" + where + " (" + detail + ")", e);
        }
        if (!reader.sawEntries) {
            throw new IOException(name + " is not a HAR file: no log.entries");
        }
        return reader.count;
    }

    private void root(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var field = p.currentName();
            if (p.nextToken() == JsonToken.START_OBJECT && field.equals("log")) {
                log(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private void log(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            var field = p.currentName();
            if (p.nextToken() == JsonToken.START_ARRAY && field.equals("entries")) {
                sawEntries = true;
                entries(p);
            } else {
                p.skipChildren();
            }
        }
    }

    private void entries(JsonParser p) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            var index = count;
            JsonNode entry = Json.MAPPER.readTree(p);
            if (entry == null || !entry.isObject()) {
                throw new IOException(name + ": log.entries[" + index + "] is not an object");
            }
            Interaction interaction;
            try {
                interaction = HarEntryReader.read(entry, index);
            } catch (IllegalArgumentException e) {
                // the model's own checks (status range, body size...) reject what the entry says; name the entry
                throw new IOException(name + ": log.entries[" + index + "]: " + e.getMessage(), e);
            }
            count++;
            sink.accept(interaction);
        }
    }
}
