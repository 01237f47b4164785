package dev.chaostesting.internal.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Finding tcpdump, the command line live capture runs, and reading what tcpdump says on stderr. */
public final class Tcpdump {

    /**
     * The system property naming the tcpdump executable to run instead of looking it up on the PATH. Tests point it at
     * a missing file to check what users see when tcpdump is not installed.
     */
    public static final String EXECUTABLE_PROPERTY = "chaostesting.tcpdump";

    public static final String NOT_INSTALLED =
            "tcpdump is not installed: install it (e.g. 'apt-get install tcpdump') or use --mode=proxy";
    public static final String NOT_PERMITTED =
            "capturing packets needs root or CAP_NET_RAW: run as root, or use --mode=proxy";

    private static final Pattern CAPTURED = Pattern.compile("(\\d+) packets? captured");
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets? received by filter");
    private static final Pattern DROPPED = Pattern.compile("(\\d+) packets? dropped by kernel");

    private Tcpdump() {}

    /**
     * The tcpdump to run: the {@value #EXECUTABLE_PROPERTY} property when set, else the first on the PATH or in the
     * sbin directories (Debian installs it in /usr/bin, others in /usr/sbin, which is not on every user's PATH).
     *
     * @throws IllegalStateException with {@link #NOT_INSTALLED} when there is none
     */
    public static String executable() {
        var configured = System.getProperty(EXECUTABLE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            if (!Files.isExecutable(Path.of(configured))) {
                throw new IllegalStateException(NOT_INSTALLED);
            }
            return configured;
        }
        var dirs = new ArrayList<String>(
                List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (var dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            var candidate = Path.of(dir, "tcpdump");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(NOT_INSTALLED);
    }

    /**
     * The command: raw packets ({@code -w -}, pcap on stdout) written packet by packet as tcpdump gets them ({@code -U}),
     * whole ({@code -s 0}), without name lookups ({@code -n}), through a 32 MiB kernel ring ({@code -B 32768}).
     *
     * <p>Not {@code --immediate-mode}: it gives every packet a ring slot as large as the snap length (256 KiB), so even
     * a 64 MiB ring holds a few hundred packets and loopback load dropped thousands per second (measured with
     * bench/capture.sh, tcpdump writing to /dev/null). Without it the kernel packs packets into blocks (TPACKET_V3) and
     * hands a block over when it is full or after {@link #BLOCK_TIMEOUT_MILLIS}, so packets arrive up to that late:
     * {@code LiveCapture.stop()} waits that long before stopping tcpdump, so the last block is not lost.
     */
    public static final long BLOCK_TIMEOUT_MILLIS = 1000;

    /**
     * The prefix that runs a command inside a network namespace: {@code nsenter} (util-linux), which needs root or
     * CAP_SYS_ADMIN.
     *
     * @throws IOException with one line to show when nsenter is missing
     */
    public static List<String> enter(Path networkNamespace) throws IOException {
        for (var dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            var nsenter = Path.of(dir, "nsenter");
            if (Files.isExecutable(nsenter)) {
                return List.of(nsenter.toString(), "--net=" + networkNamespace, "--");
            }
        }
        throw new IOException(
                "capturing in another network namespace needs nsenter: install it (apt-get install" + " util-linux)");
    }

    public static List<String> command(String executable, String networkInterface, String filter) {
        return List.of(executable, "-i", networkInterface, "-U", "-B", "32768", "-w", "-", "-s", "0", "-n", filter);
    }

    /**
     * The one line to show when tcpdump stopped before capturing: the permission message when that is the cause, else
     * tcpdump's own first line.
     */
    public static String failure(List<String> stderr, int exitCode) {
        for (var line : stderr) {
            var lower = line.toLowerCase(Locale.ROOT);
            if (lower.contains("operation not permitted") || lower.contains("you don't have permission")) {
                return NOT_PERMITTED;
            }
        }
        for (var line : stderr) {
            if (!line.isBlank()) {
                return "tcpdump stopped (exit code " + exitCode + "): " + line.strip();
            }
        }
        return "tcpdump stopped (exit code " + exitCode + ") without saying why";
    }

    /** The count tcpdump printed on stderr when it stopped, or -1 when it printed none (killed, or crashed). */
    public static long captured(List<String> stderr) {
        return find(CAPTURED, stderr);
    }

    public static long receivedByFilter(List<String> stderr) {
        return find(RECEIVED, stderr);
    }

    public static long droppedByKernel(List<String> stderr) {
        return find(DROPPED, stderr);
    }

    private static long find(Pattern pattern, List<String> lines) {
        for (var line : lines) {
            var m = pattern.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        return -1;
    }
}
