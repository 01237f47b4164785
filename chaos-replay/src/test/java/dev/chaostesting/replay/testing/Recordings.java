package dev.chaostesting.replay.testing;

import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.recording.RecordingWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;

/** Writes what interceptors recorded as one recording, as observing the service by pid would. */
public final class Recordings {

    private Recordings() {}

    /**
     * Merges the inbound interceptor's recording with the dependency interceptor's (outbound, each interaction naming
     * {@code dependency}) into a recording directory.
     */
    public static Path write(
            Path dir,
            RunningInterceptor inbound,
            long inboundCount,
            RunningInterceptor dependency,
            String dependencyName)
            throws IOException, InterruptedException {
        if (!inbound.recording().awaitCount(inboundCount, Duration.ofSeconds(10))) {
            throw new IllegalStateException(
                    "inbound recording has " + inbound.recording().count() + " interactions");
        }
        Thread.sleep(200); // the last outbound turn completes when the service speaks again or closes
        var all = new ArrayList<Interaction>();
        all.addAll(inbound.recording().interactions());
        for (var i : dependency.recording().interactions()) {
            all.add(i.newBuilder()
                    .direction(Direction.OUTBOUND)
                    .connection("d" + i.connection())
                    .attribute("dependency", dependencyName)
                    .build());
        }
        all.sort(Comparator.comparing(Interaction::startedAt));
        try (var writer = RecordingWriter.create(dir, RecordingInfo.started("proxy", "test", Map.of()))) {
            long n = 1;
            for (var i : all) {
                writer.append(i.newBuilder().sequence(n++).build());
            }
        }
        return dir;
    }
}
