package dev.chaostesting.internal.recording;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one configured Jackson mapper used for recordings and exports. */
public final class Json {

    /** Long bodies are written as one string; the default cap of 20 M characters would refuse large recordings. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxDocumentLength(-1)
                        .build());
    }

    private Json() {}

    /** A generator for JSON Lines: no separator between root values, the caller writes the newlines. */
    public static JsonGenerator lineGenerator(java.io.OutputStream out) throws java.io.IOException {
        var generator = MAPPER.getFactory().createGenerator(out);
        generator.setRootValueSeparator(null);
        // Flushing the generator after each record must not flush the file: the writer does that once per batch.
        generator.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
        return generator;
    }
}
