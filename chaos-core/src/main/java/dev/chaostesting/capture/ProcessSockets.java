package dev.chaostesting.capture;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The TCP sockets of a process, read from /proc (Linux only, no tools needed): the ports it listens on (its inbound
 * side) and the servers it is connected to (its dependencies).
 *
 * @param pid the process
 * @param listeningPorts ports the process listens on
 * @param dependencies remote endpoints of the process's established connections that it opened (connections accepted
 *     on a listening port are its clients, not dependencies; connections to itself are left out)
 * @param outboundConnections those connections one by one, with the process's own end
 * @param networkNamespace the process's network namespace ({@code /proc/PID/ns/net}) when it is not ours (a container),
 *     else null; ports and addresses are then those of that namespace
 */
public record ProcessSockets(
        long pid,
        Set<Integer> listeningPorts,
        Set<InetSocketAddress> dependencies,
        List<Connection> outboundConnections,
        @Nullable Path networkNamespace) {

    /** One established connection the process opened: its own end and the server's. */
    public record Connection(InetSocketAddress local, InetSocketAddress remote) {
        public Connection {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
        }
    }

    private static final String LISTEN = "0A";
    private static final String ESTABLISHED = "01";

    public ProcessSockets {
        listeningPorts = Set.copyOf(listeningPorts);
        dependencies = Set.copyOf(dependencies);
        outboundConnections = List.copyOf(outboundConnections);
    }

    /** Whether the process lives in another network namespace than this JVM (a container). */
    public boolean inOtherNetworkNamespace() {
        return networkNamespace != null;
    }

    /**
     * Reads the process's sockets now.
     *
     * @throws IOException with one line to show: no such process, or a process without TCP sockets
     */
    public static ProcessSockets of(long pid) throws IOException {
        var proc = Path.of("/proc", Long.toString(pid));
        if (pid <= 0 || !Files.isDirectory(proc)) {
            throw new IOException("no process with pid " + pid);
        }
        try {
            // /proc/PID/net/tcp lists the sockets of the process's own network namespace, so a container's
            // sockets read the same way; only capturing them needs to enter that namespace.
            var theirs = Files.readSymbolicLink(proc.resolve("ns/net"));
            var ours = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
            var namespace = theirs.equals(ours) ? null : proc.resolve("ns/net");
            var inodes = socketInodes(proc.resolve("fd"));
            var rows = new ArrayList<Row>();
            rows.addAll(rows(proc.resolve("net/tcp"), inodes));
            rows.addAll(rows(proc.resolve("net/tcp6"), inodes));
            if (rows.isEmpty()) {
                throw new IOException("process " + pid + " has no TCP sockets: is it the right pid?");
            }
            return fromRows(pid, rows, namespace);
        } catch (NoSuchFileException e) {
            // It exited between two reads.
            throw new IOException("no process with pid " + pid, e);
        } catch (FileSystemException e) {
            // Reading another user's /proc entries needs root (or ptrace rights over the process).
            throw new IOException(
                    "cannot inspect process " + pid + ": " + e.getFile() + ": "
                            + (e instanceof AccessDeniedException || e.getReason() == null
                                    ? "permission denied"
                                    : e.getReason())
                            + " (run as root or as the process's user)",
                    e);
        }
    }

    /**
     * Listening ports, then established connections whose local port is not a listening port (so: opened by it) and
     * whose other end is not one of its own sockets (a process talking to itself has no dependency there).
     */
    static ProcessSockets fromRows(long pid, List<Row> rows) {
        return fromRows(pid, rows, null);
    }

    static ProcessSockets fromRows(long pid, List<Row> rows, @Nullable Path networkNamespace) {
        var listening = new TreeSet<Integer>();
        var ownEnds = new HashSet<InetSocketAddress>();
        for (var row : rows) {
            if (row.state.equals(LISTEN)) {
                listening.add(row.local.getPort());
            } else if (row.state.equals(ESTABLISHED)) {
                ownEnds.add(row.local);
            }
        }
        var dependencies = new LinkedHashSet<InetSocketAddress>();
        var connections = new ArrayList<Connection>();
        rows.stream()
                .filter(r -> r.state.equals(ESTABLISHED)
                        && !listening.contains(r.local.getPort())
                        && !ownEnds.contains(r.remote))
                .sorted(Comparator.comparing((Row r) -> r.remote.toString()).thenComparing(r -> r.local.getPort()))
                .forEach(r -> {
                    dependencies.add(r.remote);
                    connections.add(new Connection(r.local, r.remote));
                });
        return new ProcessSockets(pid, listening, dependencies, connections, networkNamespace);
    }

    /** The inodes of the process's sockets, from its fd links ({@code socket:[12345]}). */
    private static Set<String> socketInodes(Path fdDir) throws IOException {
        var inodes = new HashSet<String>();
        try (Stream<Path> fds = Files.list(fdDir)) {
            for (var fd : (Iterable<Path>) fds::iterator) {
                try {
                    var target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed between the listing and the read: not a socket we can use anyway
                }
            }
        }
        return inodes;
    }

    private static List<Row> rows(Path table, Set<String> inodes) throws IOException {
        if (!Files.exists(table)) {
            return List.of(); // no IPv6 in this kernel
        }
        var rows = new ArrayList<Row>();
        var lines = Files.readAllLines(table);
        for (var line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            var row = parse(line);
            if (row != null && inodes.contains(row.inode)) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** One line of /proc/net/tcp or tcp6, or null when it is not one (a kernel with another layout). */
    static @Nullable Row parse(String line) {
        var f = line.trim().split("\\s+");
        if (f.length < 10) {
            return null;
        }
        return new Row(address(f[1]), address(f[2]), f[3], f[9]);
    }

    /**
     * {@code 0100007F:1F90} is 127.0.0.1:8080: the address is the kernel's bytes printed as 32-bit words in host order
     * (little-endian on the machines we run on), the port in plain hex. IPv4-mapped IPv6 addresses come back as IPv4,
     * which is what tcpdump filters match on the wire.
     */
    static InetSocketAddress address(String hex) {
        int colon = hex.indexOf(':');
        var addr = hex.substring(0, colon);
        int port = Integer.parseInt(hex.substring(colon + 1), 16);
        var bytes = new byte[addr.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(addr.substring(at, at + 2), 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address: " + hex + " (expected 8 or 32 hex digits, a colon, a port)");
        }
    }

    /** A socket as /proc lists it: state in hex ({@code 0A} listen, {@code 01} established) and its inode. */
    record Row(InetSocketAddress local, InetSocketAddress remote, String state, String inode) {}
}
