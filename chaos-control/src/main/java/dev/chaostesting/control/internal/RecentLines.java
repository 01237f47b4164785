package dev.chaostesting.control.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/** The last lines an interceptor logged (redirects installed, new ports of a process), bounded. */
final class RecentLines implements Consumer<String> {

    private static final int MAX = 100;

    private final ArrayDeque<String> lines = new ArrayDeque<>();

    @Override
    public synchronized void accept(String line) {
        if (lines.size() == MAX) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
