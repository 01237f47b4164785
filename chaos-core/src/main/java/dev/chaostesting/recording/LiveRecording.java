package dev.chaostesting.recording;

import dev.chaostesting.model.Interaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The recording of a running interceptor, readable while traffic flows. Interactions are stored by a background
 * recorder, so one appears here a moment after its exchange completed: use {@link #awaitCount} in tests.
 */
public interface LiveRecording {

    /** Everything recorded so far, in order. For a recording written to disk this reads the files. */
    List<Interaction> interactions();

    /** How many interactions have been stored so far. */
    long count();

    /** Interactions the recorder could not keep up with and had to drop (reported, never hidden). */
    long dropped();

    /** Waits until at least {@code count} interactions are stored; false on timeout. */
    boolean awaitCount(long count, Duration timeout) throws InterruptedException;

    /** The directory the recording is written to, when it is written to disk. */
    Optional<Path> directory();
}
