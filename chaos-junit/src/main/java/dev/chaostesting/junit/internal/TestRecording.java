package dev.chaostesting.junit.internal;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.LiveRecording;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The part of a recording made since a test started: an interceptor shared by a class records every test, and each
 * test sees its own interactions. Interactions are numbered in the order they were stored, so those numbered above the
 * count at the start belong to the test.
 */
public final class TestRecording implements LiveRecording {

    private final LiveRecording whole;
    private final long offset;

    public TestRecording(LiveRecording whole, long offset) {
        this.whole = whole;
        this.offset = offset;
    }

    /** A view starting now. */
    public static LiveRecording startingNow(LiveRecording whole) {
        return new TestRecording(whole, whole.count());
    }

    @Override
    public List<Interaction> interactions() {
        var all = whole.interactions();
        if (offset == 0) {
            return all;
        }
        return all.stream().filter(i -> i.sequence() > offset).collect(Collectors.toUnmodifiableList());
    }

    @Override
    public long count() {
        return Math.max(0, whole.count() - offset);
    }

    @Override
    public long dropped() {
        return whole.dropped();
    }

    @Override
    public boolean awaitCount(long count, Duration timeout) throws InterruptedException {
        return whole.awaitCount(offset + count, timeout);
    }

    @Override
    public Optional<Path> directory() {
        return whole.directory();
    }

    @Override
    public String toString() {
        return "recording" + directory().map(d -> " " + d).orElse("") + (offset == 0 ? "" : " from #" + (offset + 1));
    }
}
