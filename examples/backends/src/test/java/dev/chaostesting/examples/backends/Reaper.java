package dev.chaostesting.examples.backends;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stops processes this JVM started: by {@link #stop} or, for what a failed test left, at JVM exit. */
final class Reaper {
    private static final List<ProcessHandle> LIVE = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::stopAll, "example-backends-reaper"));
    }

    private Reaper() {}

    static synchronized void register(Process process) {
        LIVE.add(process.toHandle());
    }

    static void stop(ProcessHandle handle) {
        var children = handle.descendants().toList();
        handle.destroy();
        try {
            handle.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the test that waits for the port or pid, if it matters
            }
        }
        children.forEach(ProcessHandle::destroyForcibly);
        synchronized (Reaper.class) {
            LIVE.remove(handle);
        }
    }

    private static void stopAll() {
        List<ProcessHandle> live;
        synchronized (Reaper.class) {
            live = new ArrayList<>(LIVE);
        }
        for (var handle : live) {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
        }
    }
}
