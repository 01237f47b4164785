package dev.chaostesting.replay.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The process listening on a TCP port, read from /proc (Linux). */
public final class ProcessFinder {

    private ProcessFinder() {}

    /**
     * The pid of the process listening on {@code port}.
     *
     * @throws IOException with one line when none is found
     */
    public static long listeningOn(int port) throws IOException {
        var inodes = new HashSet<String>();
        for (var table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            var file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (var line : Files.readAllLines(file)) {
                var f = line.strip().split("\\s+");
                if (f.length < 10 || !f[3].equals("0A")) { // 0A: LISTEN
                    continue;
                }
                var local = f[1];
                int colon = local.lastIndexOf(':');
                if (colon > 0 && Integer.parseInt(local.substring(colon + 1), 16) == port) {
                    inodes.add(f[9]);
                }
            }
        }
        if (inodes.isEmpty()) {
            throw new IOException("no process listens on port " + port + " (is the service running?)");
        }
        long found = find(inodes);
        if (found <= 0) {
            throw new IOException("cannot tell which process listens on port " + port
                    + " (its /proc entries are not readable: run as root, or give --pid)");
        }
        return found;
    }

    private static long find(Set<String> inodes) throws IOException {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(
                Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (var proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (var fd : fds) {
                        try {
                            var link = Files.readSymbolicLink(fd).toString();
                            if (link.startsWith("socket:[")
                                    && inodes.contains(
                                            link.substring(8, link.length() - 1).toLowerCase(Locale.ROOT))) {
                                return Long.parseLong(proc.getFileName().toString());
                            }
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // not ours to read, or gone
                }
            }
        }
        return -1;
    }
}
