package dev.chaostesting.bench;

import dev.chaostesting.capture.CaptureImport;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.CaptureSummary;
import dev.chaostesting.model.Interaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Decode throughput of one codec on a captured corpus, for bench/codecs.sh: the pcap is read into memory, then
 * {@link CaptureImport#read} decodes it (all codecs on the class path, detection included) into a sink that only counts
 * interactions per protocol. After {@code --warmup} seconds of untimed passes, {@code --rounds} timed rounds each
 * repeat the file for at least {@code --round-seconds}; the best round is kept. Figures are per second of wall time and
 * per second of this thread's CPU time (one thread: per core).
 *
 * <pre>
 * java -cp chaos-bench.jar dev.chaostesting.bench.CodecCorpusBench --pcap FILE --port N --expect postgresql
 *     [--warmup 5] [--rounds 3] [--round-seconds 1]
 * </pre>
 *
 * Prints the interactions per protocol of one pass and one {@code RESULT ...} line for scripts; {@code messages} are
 * the interactions of the {@code --expect}ed protocol in one pass.
 */
public final class CodecCorpusBench {

    private CodecCorpusBench() {}

    /** Counts interactions per protocol. Not thread-safe: the import calls it from one thread. */
    static final class CountingSink implements Consumer<Interaction> {
        final Map<String, Long> byProtocol = new TreeMap<>();
        long total;

        @Override
        public void accept(Interaction interaction) {
            total++;
            byProtocol.merge(interaction.protocol(), 1L, Long::sum);
        }
    }

    static CaptureSummary decode(byte[] pcap, CaptureOptions options, CountingSink sink) throws IOException {
        return CaptureImport.read(new ByteArrayInputStream(pcap), "corpus", options, sink);
    }

    public static void main(String[] args) throws IOException {
        Path pcap = null;
        int port = 0;
        String expect = null;
        double warmup = 5;
        int rounds = 3;
        double roundSeconds = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            var v = args[i + 1];
            switch (args[i]) {
                case "--pcap" -> pcap = Path.of(v);
                case "--port" -> port = Integer.parseInt(v);
                case "--expect" -> expect = v;
                case "--warmup" -> warmup = Double.parseDouble(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--round-seconds" -> roundSeconds = Double.parseDouble(v);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (pcap == null || port < 1 || expect == null || rounds < 1) {
            System.err.println(
                    "usage: --pcap FILE --port N --expect PROTOCOL [--warmup 5] [--rounds 3]" + " [--round-seconds 1]");
            System.exit(2);
            return;
        }
        var bytes = Files.readAllBytes(pcap);
        var options = CaptureOptions.defaults().onlyPorts(port);
        var threads = ManagementFactory.getThreadMXBean();

        var first = new CountingSink();
        var summary = decode(bytes, options, first);
        System.out.println("corpus " + pcap + ": " + bytes.length + " bytes; " + summary.describe());
        System.out.println("interactions by protocol: " + first.byProtocol);
        long messages = first.byProtocol.getOrDefault(expect, 0L);

        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        do {
            decode(bytes, options, new CountingSink());
        } while (System.nanoTime() < warmEnd);

        long bestWall = Long.MAX_VALUE;
        long bestCpu = 0;
        long bestPasses = 0;
        for (int r = 0; r < rounds; r++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long passes = 0;
            long until = t0 + (long) (roundSeconds * 1e9);
            do {
                var sink = new CountingSink();
                decode(bytes, options, sink);
                if (sink.total != first.total) { // the import is deterministic: a different count is a bug
                    throw new IllegalStateException("pass gave " + sink.total + " interactions, first " + first.total);
                }
                passes++;
            } while (System.nanoTime() < until);
            long wall = System.nanoTime() - t0;
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %d passes, %.3f s wall, %.3f s CPU, %.1f MB per CPU s%n",
                    r + 1,
                    passes,
                    wall / 1e9,
                    cpu / 1e9,
                    passes * bytes.length / 1e6 / (cpu / 1e9));
            if (wall / (double) passes < bestWall / (double) Math.max(1, bestPasses)) {
                bestWall = wall;
                bestCpu = cpu;
                bestPasses = passes;
            }
        }
        double wallPerPass = bestWall / 1e9 / bestPasses;
        double cpuPerPass = bestCpu / 1e9 / bestPasses;
        System.out.printf(
                Locale.ROOT,
                "RESULT protocol=%s pcap_bytes=%d payload_bytes=%d packets=%d interactions=%d messages=%d"
                        + " wall_s_per_pass=%.6f cpu_s_per_pass=%.6f mb_per_s=%.1f mb_per_cpu_s=%.1f"
                        + " payload_mb_per_cpu_s=%.1f messages_per_cpu_s=%.0f gaps=%d complete=%s by_protocol=%s%n",
                expect,
                bytes.length,
                summary.payloadBytes(),
                summary.packets(),
                first.total,
                messages,
                wallPerPass,
                cpuPerPass,
                bytes.length / 1e6 / wallPerPass,
                bytes.length / 1e6 / cpuPerPass,
                summary.payloadBytes() / 1e6 / cpuPerPass,
                messages / cpuPerPass,
                summary.gaps(),
                summary.complete(),
                first.byProtocol.toString().replace(" ", ""));
    }
}
