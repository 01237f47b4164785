package dev.chaostesting.bench;

import dev.chaostesting.capture.CaptureImport;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.CaptureSummary;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Times the pcap import on one thread, for bench/capture.sh: {@link CaptureImport#read} into a sink that only counts
 * (decoding alone), then {@link CaptureImport#toRecording} into a fresh directory (decoding plus writing the
 * recording), each {@code --rounds} times after one untimed warm-up pass of each; the best round is kept. Throughput is
 * pcap bytes per second of wall time and per second of this thread's CPU time (= per core).
 *
 * <pre>
 * java -cp chaos-bench.jar dev.chaostesting.bench.CaptureImportBench --pcap FILE --port 8080 --dir WORK [--rounds 3]
 * </pre>
 *
 * Prints one {@code RESULT mode=... } line per mode for scripts.
 */
public final class CaptureImportBench {

    private CaptureImportBench() {}

    private record Timing(long wallNanos, long cpuNanos, CaptureSummary summary) {}

    public static void main(String[] args) throws IOException {
        Path pcap = null;
        Path dir = null;
        int port = 0;
        int rounds = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--pcap" -> pcap = Path.of(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (pcap == null || dir == null || port < 1 || rounds < 1) {
            System.err.println("usage: --pcap FILE --port N --dir WORK [--rounds 3]");
            System.exit(2);
            return;
        }
        var options = CaptureOptions.defaults().onlyPorts(port);
        long size = Files.size(pcap);
        var threads = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "pcap %s: %d bytes (%.1f MB)%n", pcap, size, size / 1e6);
        for (var mode : new String[] {"read-null-sink", "toRecording"}) {
            run(mode, pcap, dir, options, threads); // warm-up: JIT, page cache
            Timing best = null;
            for (int r = 0; r < rounds; r++) {
                var t = run(mode, pcap, dir, options, threads);
                System.out.printf(
                        Locale.ROOT,
                        "%s round %d: %.3f s wall, %.3f s CPU%n",
                        mode,
                        r + 1,
                        t.wallNanos / 1e9,
                        t.cpuNanos / 1e9);
                if (best == null || t.wallNanos < best.wallNanos) {
                    best = t;
                }
            }
            var s = best.summary;
            System.out.println(mode + ": " + s.describe());
            System.out.printf(
                    Locale.ROOT,
                    "RESULT mode=%s bytes=%d wall_s=%.3f cpu_s=%.3f mb_per_s=%.1f mb_per_cpu_s=%.1f packets=%d"
                            + " packets_per_s=%.0f interactions=%d interactions_per_s=%.0f%n",
                    mode,
                    size,
                    best.wallNanos / 1e9,
                    best.cpuNanos / 1e9,
                    size / 1e6 / (best.wallNanos / 1e9),
                    size / 1e6 / (best.cpuNanos / 1e9),
                    s.packets(),
                    s.packets() / (best.wallNanos / 1e9),
                    s.interactions(),
                    s.interactions() / (best.wallNanos / 1e9));
        }
    }

    private static Timing run(String mode, Path pcap, Path dir, CaptureOptions options, ThreadMXBean threads)
            throws IOException {
        var recording = dir.resolve("import-recording");
        delete(recording);
        var count = new AtomicLong();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        CaptureSummary summary;
        if (mode.equals("toRecording")) {
            summary = CaptureImport.toRecording(pcap, recording, options);
        } else {
            try (var in = new BufferedInputStream(Files.newInputStream(pcap), 1 << 16)) {
                summary = CaptureImport.read(in, pcap.getFileName().toString(), options, i -> count.incrementAndGet());
            }
        }
        long wall = System.nanoTime() - t0;
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        delete(recording);
        return new Timing(wall, cpu, summary);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (var p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
