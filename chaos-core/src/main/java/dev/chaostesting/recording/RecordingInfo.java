package dev.chaostesting.recording;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a recording says about itself in its {@code recording.json} manifest.
 *
 * @param formatVersion the version of the directory format the recording was written in
 * @param createdAt when recording started
 * @param createdBy the tool and version that wrote it, e.g. {@code chaos-testing 0.1.0}
 * @param source how the traffic was obtained: {@code proxy}, {@code capture}, {@code import}...
 * @param target what was observed, e.g. {@code 127.0.0.1:8080}, or the imported file
 * @param closedAt when recording ended, or null while it is still being written (or when the writer was killed)
 * @param interactions how many interactions the writer wrote, or -1 when it did not close normally
 * @param dropped interactions the recorder could not keep up with and dropped (never hidden)
 * @param details further facts about the source, e.g. {@code listen=127.0.0.1:40112}
 */
public record RecordingInfo(
        int formatVersion,
        Instant createdAt,
        String createdBy,
        String source,
        String target,
        @Nullable Instant closedAt,
        long interactions,
        long dropped,
        Map<String, String> details) {

    /** The directory format version this library writes, and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    public RecordingInfo {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** The manifest of a new recording, started now. */
    public static RecordingInfo started(String source, String target, Map<String, String> details) {
        return new RecordingInfo(FORMAT_VERSION, Instant.now(), Version.TOOL, source, target, null, -1, 0, details);
    }

    /** This manifest, closed now with the given counts. */
    public RecordingInfo closed(long interactionCount, long droppedCount) {
        return new RecordingInfo(
                formatVersion,
                createdAt,
                createdBy,
                source,
                target,
                Instant.now(),
                interactionCount,
                droppedCount,
                details);
    }
}
