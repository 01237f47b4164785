package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Headers;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the HAR fixtures under src/test/resources/har/. */
final class Fixtures {

    private Fixtures() {}

    static List<Interaction> read(String name) throws IOException {
        try (var in = Fixtures.class.getResourceAsStream("/har/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return Har.read(in);
        }
    }

    /** Header names in order, to check order and case without repeating every value. */
    static List<String> names(Headers headers) {
        var names = new ArrayList<String>();
        for (Map.Entry<String, String> e : headers.entries()) {
            names.add(e.getKey());
        }
        return names;
    }
}
