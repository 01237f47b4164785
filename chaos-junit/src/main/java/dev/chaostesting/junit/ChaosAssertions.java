package dev.chaostesting.junit;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.LiveRecording;
import dev.chaostesting.recording.Recording;
import java.time.Duration;
import java.util.List;

/**
 * AssertJ assertions on recordings. Needs {@code org.assertj:assertj-core} on the test class path (the extension
 * itself does not).
 *
 * <pre>{@code
 * ChaosAssertions.assertThat(recording).hasInteractions(3).noErrors();
 * ChaosAssertions.assertThat(recording).httpRequests().anyMatch("GET", "/api/books/*");
 * ChaosAssertions.assertThat(recording).protocol("postgresql").sqlStatements().contains("SELECT 1");
 * }</pre>
 */
public final class ChaosAssertions {

    /** How long a live recording may take to become quiet before its interactions are read. */
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(5);

    private static final long QUIET_MILLIS = 150;

    private ChaosAssertions() {}

    /**
     * Checks a live recording. Interactions are stored a moment after their exchange, so the recording is read once no
     * new interaction arrived for 150 ms (at most 5 s).
     */
    public static RecordingAssert assertThat(LiveRecording recording) {
        settle(recording);
        return new RecordingAssert(recording.interactions(), "the recording");
    }

    /** Checks a recording on disk (all of it is read into memory). */
    public static RecordingAssert assertThat(Recording recording) {
        return new RecordingAssert(recording.interactions(), "the recording " + recording.directory());
    }

    /** Checks a list of interactions, e.g. read with {@code JsonLines} or {@code Har}. */
    public static RecordingAssert assertThatInteractions(List<Interaction> interactions) {
        return new RecordingAssert(interactions, "the interactions");
    }

    private static void settle(LiveRecording recording) {
        long deadline = System.nanoTime() + SETTLE_LIMIT.toNanos();
        long last = recording.count();
        long quietSince = System.nanoTime();
        try {
            while (System.nanoTime() < deadline) {
                Thread.sleep(25);
                long now = recording.count();
                if (now != last) {
                    last = now;
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= QUIET_MILLIS * 1_000_000) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
