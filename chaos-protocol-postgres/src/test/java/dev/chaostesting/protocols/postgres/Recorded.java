package dev.chaostesting.protocols.postgres;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.recording.JsonLines;
import dev.chaostesting.recording.LiveRecording;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Reading recorded PostgreSQL interactions in tests. */
final class Recorded {

    private Recorded() {}

    /** Waits until the recording stops growing (the connections closed and every interaction was recorded). */
    static List<Interaction> settle(LiveRecording recording) throws InterruptedException {
        long last = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            long now = recording.count();
            if (now == last && now > 0) {
                break;
            }
            last = now;
            Thread.sleep(700);
        }
        return recording.interactions();
    }

    static Map<String, Object> request(Interaction i) {
        return i.request() instanceof StructuredMessage m ? m.fields() : Map.of();
    }

    static Map<String, Object> response(Interaction i) {
        return i.response() instanceof StructuredMessage m ? m.fields() : Map.of();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static String sql(Interaction i) {
        return (String) request(i).get("sql");
    }

    static String errorCode(Interaction i) {
        return (String) map(response(i).get("error")).get("code");
    }

    /** The recording as its JSON Lines export. */
    static String jsonLines(List<Interaction> interactions) throws IOException {
        var out = new ByteArrayOutputStream();
        JsonLines.write(interactions.iterator(), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * What two recordings of the same traffic must agree on, whatever recorded it: per connection (in the order they
     * started), the sequence of request type, SQL, command tag and error code. Times, ports and ids are left out.
     */
    static List<String> signature(List<Interaction> interactions) {
        var byConnection = new LinkedHashMap<String, List<Interaction>>();
        interactions.stream()
                .sorted(Comparator.comparing(Interaction::startedAt))
                .forEach(i -> byConnection
                        .computeIfAbsent(i.connection(), k -> new ArrayList<>())
                        .add(i));
        var out = new ArrayList<String>();
        for (var connection : byConnection.values()) {
            out.add(connection.stream()
                    .sorted(Comparator.comparingLong(Interaction::sequence))
                    .map(i -> i.protocol() + " "
                            + request(i).getOrDefault("type", response(i).get("type")) + " "
                            + Objects.toString(sql(i), "") + " -> "
                            + response(i).get("commandTag") + " "
                            + Objects.toString(errorCode(i), "") + " " + Objects.toString(i.error(), ""))
                    .collect(Collectors.joining("\n  ")));
        }
        out.sort(null);
        return out;
    }
}
