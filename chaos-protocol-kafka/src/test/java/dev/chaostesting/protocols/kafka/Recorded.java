package dev.chaostesting.protocols.kafka;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reading the fields of recorded Kafka interactions in tests. */
final class Recorded {

    private Recorded() {}

    static @Nullable Object request(Interaction i, String field) {
        return i.request() instanceof StructuredMessage m ? m.get(field) : null;
    }

    static @Nullable Object response(Interaction i, String field) {
        return i.response() instanceof StructuredMessage m ? m.get(field) : null;
    }

    static String apiKey(Interaction i) {
        return String.valueOf(request(i, "apiKey"));
    }

    /** Record values of a message's {@code topics} field, in order. */
    static List<String> values(@Nullable Object topics) {
        var out = new ArrayList<String>();
        if (topics instanceof List<?> list) {
            for (var t : list) {
                for (var p : (List<?>) ((Map<?, ?>) t).get("partitions")) {
                    if (p instanceof Map<?, ?> partition && partition.get("records") instanceof List<?> records) {
                        for (var r : records) {
                            var value = ((Map<?, ?>) r).get("value");
                            out.add(value instanceof Body b ? b.text() : String.valueOf(value));
                        }
                    }
                }
            }
        }
        return out;
    }

    static List<String> producedValues(List<Interaction> interactions) {
        var out = new ArrayList<String>();
        for (var i : interactions) {
            if (apiKey(i).equals("PRODUCE")) {
                out.addAll(values(request(i, "topics")));
            }
        }
        return out;
    }

    static List<String> fetchedValues(List<Interaction> interactions) {
        var out = new ArrayList<String>();
        for (var i : interactions) {
            if (apiKey(i).equals("FETCH")) {
                out.addAll(values(response(i, "topics")));
            }
        }
        return out;
    }
}
