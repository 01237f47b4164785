package dev.chaostesting.internal.transparent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The cgroup (v2) by which nftables recognises the sockets a process opens ({@code socket cgroupv2}). A process in the
 * root cgroup (a plain process on a host without systemd units, as here) is moved into a cgroup of our own, named
 * {@code chaos_testing_<our pid>_<its pid>}, and moved back on {@link #close()}; only sockets it opens after the move
 * carry the new cgroup, which is why connections already open are not redirected. A process already in a cgroup of its
 * own (a systemd service, a container) is matched where it is, together with the processes sharing that cgroup, and not
 * moved: its limits stay as they were.
 */
public final class ProcessCgroup implements AutoCloseable {

    /** nft resolves cgroup paths under this directory. */
    static final Path NFT_ROOT = Path.of("/sys/fs/cgroup");

    private static final String PREFIX = "chaos_testing_";
    private static final Pattern OURS = Pattern.compile("^" + PREFIX + "(\\d+)_(\\d+)$");

    private final long pid;
    private final Path mount;
    private final String path;
    private final @Nullable String movedFrom;
    private boolean closed;

    private ProcessCgroup(long pid, Path mount, String path, @Nullable String movedFrom) {
        this.pid = pid;
        this.mount = mount;
        this.path = path;
        this.movedFrom = movedFrom;
    }

    /**
     * Finds (or makes) the cgroup to match the process's new sockets by, after cleaning up what a killed run left.
     *
     * @throws IOException with one line to show: no cgroup v2, or one nft cannot name
     */
    public static ProcessCgroup of(long pid) throws IOException {
        var mount = cgroup2Mount();
        if (mount == null) {
            throw new IOException("redirecting a process's connections needs cgroup v2, which is not mounted here");
        }
        if (!mount.startsWith(NFT_ROOT)) {
            throw new IOException("cgroup v2 is mounted at " + mount
                    + ", where nft cannot name cgroups (it looks under " + NFT_ROOT + ")");
        }
        removeStale(mount);
        var current = cgroupOf(pid);
        if (!current.equals("/")) {
            return new ProcessCgroup(pid, mount, current, null);
        }
        var own = "/" + PREFIX + ProcessHandle.current().pid() + "_" + pid;
        var dir = mount.resolve(own.substring(1));
        Files.createDirectories(dir);
        try {
            write(dir.resolve("cgroup.procs"), pid);
        } catch (IOException e) {
            Files.deleteIfExists(dir);
            throw new IOException("cannot move process " + pid + " into cgroup " + dir + ": " + e.getMessage(), e);
        }
        return new ProcessCgroup(pid, mount, own, current);
    }

    /** The {@code socket cgroupv2} expression that matches sockets created in this cgroup or below it. */
    public String nftMatch() {
        var relative = NFT_ROOT.relativize(mount.resolve(path.substring(1))).toString();
        return "socket cgroupv2 level " + level() + " \"" + relative + "\"";
    }

    /** Depth in the cgroup v2 hierarchy: {@code /a/b} is at level 2. */
    int level() {
        return (int) Stream.of(path.split("/")).filter(s -> !s.isEmpty()).count();
    }

    /** The cgroup's path in the hierarchy, e.g. {@code /chaos_testing_12_34}. */
    public String path() {
        return path;
    }

    /** Whether the process was moved into a cgroup of ours (and is moved back on close). */
    public boolean moved() {
        return movedFrom != null;
    }

    /** Moves the process (and any child it started since) back where it was and removes our cgroup. */
    @Override
    public synchronized void close() throws IOException {
        if (closed || movedFrom == null) {
            closed = true;
            return;
        }
        closed = true;
        emptyAndRemove(mount.resolve(path.substring(1)), mount.resolve(movedFrom.substring(1)));
    }

    /** Our cgroups whose owner is gone: their processes go back to the root cgroup, and the cgroup is removed. */
    private static void removeStale(Path mount) throws IOException {
        List<Path> dirs;
        try (var list = Files.list(mount)) {
            dirs = list.filter(Files::isDirectory).toList();
        }
        for (var dir : dirs) {
            var m = OURS.matcher(dir.getFileName().toString());
            if (m.matches()) {
                long owner = Long.parseLong(m.group(1));
                if (owner != ProcessHandle.current().pid()
                        && ProcessHandle.of(owner).map(p -> !p.isAlive()).orElse(true)) {
                    emptyAndRemove(dir, mount);
                }
            }
        }
    }

    private static void emptyAndRemove(Path dir, Path destination) throws IOException {
        try {
            for (var line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    try {
                        write(destination.resolve("cgroup.procs"), Long.parseLong(line.strip()));
                    } catch (IOException e) {
                        // the process exited meanwhile
                    }
                }
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException e) {
            // already removed
        }
    }

    private static void write(Path procs, long pid) throws IOException {
        Files.writeString(procs, Long.toString(pid), StandardCharsets.US_ASCII);
    }

    /** The process's cgroup v2 path from {@code /proc/PID/cgroup} (the line {@code 0::/path}). */
    static String cgroupOf(long pid) throws IOException {
        try {
            for (var line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                if (line.startsWith("0::")) {
                    var path = line.substring(3).strip();
                    // A cgroup outside our view (another cgroup namespace) shows as /../...: nothing nft can name.
                    if (path.startsWith("/..")) {
                        throw new IOException("process " + pid + " is in a cgroup outside this one's view: " + path);
                    }
                    return path;
                }
            }
        } catch (NoSuchFileException e) {
            throw new IOException("no process with pid " + pid, e);
        }
        throw new IOException("process " + pid + " has no cgroup v2 membership");
    }

    /** Where cgroup v2 is mounted, from /proc/self/mountinfo, or null. */
    static @Nullable Path cgroup2Mount() throws IOException {
        for (var line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // ... mount-point ... - fstype source options
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            var after = line.substring(dash + 3).split(" ");
            if (after.length > 0 && after[0].equals("cgroup2")) {
                var fields = line.substring(0, dash).split(" ");
                if (fields.length > 4) {
                    return Path.of(fields[4].replace("\\040", " "));
                }
            }
        }
        return null;
    }
}
