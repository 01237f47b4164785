package dev.chaostesting.internal.transparent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaostesting.internal.proxy.Transport;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The nftables rules of one transparent interceptor: NAT redirects of a port to the proxy's listening port, in chains
 * of its own inside the shared table {@code inet chaos_testing}. Each chain's name and each rule's comment carry the
 * owner's pid and an id, so that a later run can remove what a killed run left behind. Changes go through
 * {@code nft -f -} (one script is applied atomically) and reads through {@code nft -j}.
 */
public final class Nftables implements AutoCloseable {

    static final String TABLE = "chaos_testing";

    /** The packet mark of the proxy's own connections to the original destinations ("chas"): the rules skip it. */
    public static final int MARK = 0x63686173;

    /** {@code setsockopt(SOL_SOCKET, SO_MARK)}: set on the proxy's outgoing sockets so they are not redirected. */
    public static final ChannelOption<Integer> SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

    /** Internal: the nft binary to use, for tests that simulate its absence. */
    public static final String NFT_PROPERTY = "chaos.nft";

    private static final int CAP_NET_ADMIN = 12;
    private static final Pattern CHAIN_PID = Pattern.compile("^p(\\d+)_");
    private static final Pattern COMMENT_PID = Pattern.compile("\\bpid=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Threads of this JVM take this monitor, processes the file lock: reading then changing the table is one step. */
    private static final Object LOCK = new Object();

    private final Path nft;
    private final List<String> chains;
    private final String tag;
    private final int proxyPort;
    private final Thread shutdownHook;
    private boolean removed;

    private Nftables(Path nft, List<String> chains, String tag, int proxyPort) {
        this.nft = nft;
        this.chains = chains;
        this.tag = tag;
        this.proxyPort = proxyPort;
        // SIGINT or SIGTERM would otherwise leave the port redirected to a proxy that no longer listens.
        this.shutdownHook = new Thread(this::removeQuietly, "chaos-nftables-cleanup");
    }

    /**
     * Checks what transparent mode needs before anything is started, with one line saying what is missing.
     *
     * @return the nft binary
     */
    public static Path preflight() throws IOException {
        if (Transport.best() != Transport.EPOLL) {
            throw new IOException("transparent mode needs the native epoll transport (Linux, without"
                    + " -Dchaos.transport=nio) to read SO_ORIGINAL_DST: use the proxy mode here");
        }
        var nft = findNft();
        if (nft == null) {
            throw new IOException(
                    "transparent mode needs nftables: install it (apt-get install nftables) or use the proxy mode");
        }
        if (!hasNetAdmin()) {
            throw new IOException("transparent mode needs root or CAP_NET_ADMIN");
        }
        return nft;
    }

    /**
     * Redirects TCP connections for {@code port} (made on this host: {@code output}; arriving from elsewhere:
     * {@code prerouting}) to {@code proxyPort}, after removing rules left by dead processes.
     */
    public static Nftables redirect(Path nft, int port, int proxyPort) throws IOException {
        return install(nft, List.of(portRule(port, proxyPort)), List.of(portRule(port, proxyPort)), proxyPort);
    }

    /**
     * The rules of a process's transparent interception: connections to each of its listening ports (from this host or
     * elsewhere), and every TCP connection its sockets open ({@code cgroupMatch}, in the {@code output} hook only: a
     * process's own connections start on this host), go to {@code proxyPort}.
     */
    public static Nftables redirectProcess(Path nft, Set<Integer> ports, String cgroupMatch, int proxyPort)
            throws IOException {
        var output = new ArrayList<String>();
        var prerouting = new ArrayList<String>();
        for (int port : ports) {
            output.add(portRule(port, proxyPort));
            prerouting.add(portRule(port, proxyPort));
        }
        output.add(cgroupMatch + " meta l4proto tcp redirect to :" + proxyPort);
        return install(nft, output, prerouting, proxyPort);
    }

    /** Adds the redirect of one more port (a port the intercepted process started listening on later). */
    public void addPort(int port) throws IOException {
        var script = new StringBuilder();
        for (var chain : chains) {
            rule(script, chain, portRule(port, proxyPort), tag);
        }
        synchronized (LOCK) {
            try (var lock = lockFile()) {
                run(nft, script.toString());
            }
        }
    }

    /** IPv4 and IPv6 (the proxy reads SO_ORIGINAL_DST or IP6T_SO_ORIGINAL_DST accordingly). */
    private static String portRule(int port, int proxyPort) {
        return "meta l4proto tcp tcp dport " + port + " redirect to :" + proxyPort;
    }

    private static Nftables install(Path nft, List<String> output, List<String> prerouting, int proxyPort)
            throws IOException {
        long pid = ProcessHandle.current().pid();
        var id = UUID.randomUUID().toString().substring(0, 8);
        var tag = "chaos-testing pid=" + pid + " id=" + id;
        var chains = new ArrayList<String>();
        var script = new StringBuilder("add table inet " + TABLE + "\n");
        for (var hook : List.of("output", "prerouting")) {
            var chain = "p" + pid + "_" + id + "_" + hook;
            chains.add(chain);
            script.append("add chain inet ")
                    .append(TABLE)
                    .append(' ')
                    .append(chain)
                    .append(" { type nat hook ")
                    .append(hook)
                    .append(" priority -100; policy accept; }\n");
            // First: the proxy's own connection to the original destination must pass untouched, or it would loop.
            rule(script, chain, "meta mark 0x" + Integer.toHexString(MARK) + " return", tag);
            for (var r : hook.equals("output") ? output : prerouting) {
                rule(script, chain, r, tag);
            }
        }
        var rules = new Nftables(nft, chains, tag, proxyPort);
        synchronized (LOCK) {
            try (var lock = lockFile()) {
                removeStale(nft);
                run(nft, script.toString());
            }
        }
        Runtime.getRuntime().addShutdownHook(rules.shutdownHook);
        return rules;
    }

    /** Removes this interceptor's chains, and the table once no interceptor has chains in it. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or about to, and removal is idempotent
        }
        try {
            remove();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void removeQuietly() {
        try {
            remove();
        } catch (IOException | RuntimeException e) {
            System.err.println("chaos-testing: could not remove nftables rules: " + e.getMessage());
        }
    }

    private void remove() throws IOException {
        synchronized (LOCK) {
            if (removed) {
                return;
            }
            try (var lock = lockFile()) {
                var listing = list(nft);
                var present = chains(listing);
                var script = new StringBuilder();
                for (var chain : chains) {
                    if (present.remove(chain)) {
                        script.append("delete chain inet " + TABLE + " " + chain + "\n");
                    }
                }
                if (listing != null && present.isEmpty()) {
                    script.append("delete table inet " + TABLE + "\n");
                }
                if (script.length() > 0) {
                    run(nft, script.toString());
                }
                removed = true;
            }
        }
    }

    /** Deletes the chains whose owner (by chain name or rule comment) is a process that no longer exists. */
    private static void removeStale(Path nft) throws IOException {
        var listing = list(nft);
        if (listing == null) {
            return;
        }
        var all = new LinkedHashSet<String>();
        var stale = new LinkedHashSet<String>();
        for (var item : listing.path("nftables")) {
            if (item.has("chain")) {
                var name = item.get("chain").path("name").asText();
                all.add(name);
                if (deadOwner(CHAIN_PID.matcher(name))) {
                    stale.add(name);
                }
            } else if (item.has("rule")) {
                var rule = item.get("rule");
                if (deadOwner(COMMENT_PID.matcher(rule.path("comment").asText("")))) {
                    stale.add(rule.path("chain").asText());
                }
            }
        }
        if (stale.isEmpty()) {
            return;
        }
        var script = new StringBuilder();
        for (var chain : stale) {
            script.append("delete chain inet " + TABLE + " " + chain + "\n");
        }
        if (stale.containsAll(all)) {
            script.append("delete table inet " + TABLE + "\n");
        }
        run(nft, script.toString());
    }

    private static boolean deadOwner(Matcher m) {
        if (!m.find()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        return pid != ProcessHandle.current().pid()
                && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    }

    private static Set<String> chains(@Nullable JsonNode listing) {
        var names = new LinkedHashSet<String>();
        if (listing != null) {
            for (var item : listing.path("nftables")) {
                if (item.has("chain")) {
                    names.add(item.get("chain").path("name").asText());
                }
            }
        }
        return names;
    }

    /** The table as JSON, or null when it does not exist. */
    static @Nullable JsonNode list(Path nft) throws IOException {
        var result = exec(nft, null, "-j", "list", "table", "inet", TABLE);
        if (result.exit != 0) {
            if (result.output.contains("No such file or directory")) {
                return null;
            }
            throw new IOException("nft -j list table inet " + TABLE + " failed: " + result.output.trim());
        }
        return JSON.readTree(result.output);
    }

    private static void rule(StringBuilder script, String chain, String rule, String tag) {
        script.append("add rule inet ")
                .append(TABLE)
                .append(' ')
                .append(chain)
                .append(' ')
                .append(rule)
                .append(" comment \"")
                .append(tag)
                .append("\"\n");
    }

    private static void run(Path nft, String script) throws IOException {
        var result = exec(nft, script, "-f", "-");
        if (result.exit != 0) {
            throw new IOException("nft failed: " + result.output.trim() + "\nscript:\n" + script);
        }
    }

    private record Result(int exit, String output) {}

    private static Result exec(Path nft, @Nullable String stdin, String... args) throws IOException {
        var command = new ArrayList<String>();
        command.add(nft.toString());
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        // The output is small (one table), so reading it all before waiting cannot fill the pipe and stall.
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("nft did not finish in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running nft", e);
        }
        return new Result(process.exitValue(), output);
    }

    /** Serialises rule changes between processes: a lock file next to the other lock files of the host. */
    private static FileChannel lockFile() throws IOException {
        var dir = Files.isDirectory(Path.of("/run/lock"))
                ? Path.of("/run/lock")
                : Path.of(System.getProperty("java.io.tmpdir"));
        var channel = FileChannel.open(
                dir.resolve("chaos-testing-nftables.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        channel.lock(); // released when the channel closes
        return channel;
    }

    private static @Nullable Path findNft() {
        var configured = System.getProperty(NFT_PROPERTY);
        if (configured != null) {
            var path = Path.of(configured);
            return Files.isExecutable(path) ? path : null;
        }
        var dirs =
                new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (var dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nft"))) {
                return Path.of(dir, "nft");
            }
        }
        return null;
    }

    /** CAP_NET_ADMIN in the effective set (root has it unless a container dropped it). */
    private static boolean hasNetAdmin() {
        try {
            for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_NET_ADMIN)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux-like /proc: fall through to the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
