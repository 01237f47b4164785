package dev.chaostesting.recording;

import java.nio.file.Path;
import java.util.Map;

/** Runs in a child JVM for tests that kill a writer or bound a reader's heap. */
public final class RecordingChild {

    public static void main(String[] args) throws Exception {
        var dir = Path.of(args[1]);
        switch (args[0]) {
            case "write-forever" -> {
                var body = "x".repeat(Integer.parseInt(args[2]));
                try (var writer = RecordingWriter.create(dir, RecordingInfo.started("test", "child", Map.of()))) {
                    for (long i = 1; ; i++) {
                        writer.append(SampleInteractions.numbered(i, body));
                        if (i % 7 == 0) {
                            writer.flush();
                        }
                    }
                }
            }
            case "count" -> {
                long count = 0;
                long bodyBytes = 0;
                try (var stream = Recording.open(dir).stream()) {
                    for (var it = stream.iterator(); it.hasNext(); ) {
                        var i = it.next();
                        count++;
                        bodyBytes += i.httpResponse().body().size();
                    }
                }
                System.out.println(count + " " + bodyBytes);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
