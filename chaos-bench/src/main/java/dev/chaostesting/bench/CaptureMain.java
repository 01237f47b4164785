package dev.chaostesting.bench;

import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.capture.LiveCaptureSummary;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one passive capture ({@link LiveCapture}, tcpdump on an interface) until the process is killed, for
 * bench/capture.sh. Prints {@code listening <tcpdump-pid>} once tcpdump captures, and on SIGTERM stops the capture
 * (tcpdump flushes and reports its kernel drops) and prints one {@code stopped key=value ...} line with the counters.
 *
 * <pre>
 * java -cp chaos-bench.jar dev.chaostesting.bench.CaptureMain --port 8080 [--interface lo]
 * </pre>
 */
public final class CaptureMain {

    private CaptureMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = 0;
        var networkInterface = "lo";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--interface" -> networkInterface = args[i + 1];
                default -> {
                    System.err.println("unknown option " + args[i] + " (expected --port N [--interface lo])");
                    System.exit(2);
                }
            }
        }
        if (port < 1 || port > 65535) {
            System.err.println("--port is required (1..65535)");
            System.exit(2);
        }
        var http = new AtomicLong();
        var ok = new AtomicLong();
        var capture = LiveCapture.start(
                networkInterface,
                "tcp port " + port,
                CaptureOptions.defaults().onlyPorts(port),
                interaction -> count(interaction, http, ok));
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            String line;
            try {
                line = describe(capture.stop(), http.get(), ok.get());
            } catch (IOException | RuntimeException e) {
                line = "failed " + e;
            }
            System.out.println("stopped " + line);
            System.out.flush();
            stopped.countDown();
        }));
        long tcpdump = ProcessHandle.current()
                .children()
                .filter(p -> p.info().command().orElse("").endsWith("tcpdump"))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(-1);
        System.out.println("listening " + tcpdump + " " + capture.networkInterface() + " '" + capture.filter() + "'");
        System.out.flush();
        stopped.await();
    }

    private static void count(Interaction interaction, AtomicLong http, AtomicLong ok) {
        if (interaction.httpRequest() != null) {
            http.incrementAndGet();
            var response = interaction.httpResponse();
            if (response != null && response.status() == 200) {
                ok.incrementAndGet();
            }
        }
    }

    private static String describe(LiveCaptureSummary s, long http, long ok) {
        var c = s.capture();
        var os = ManagementFactory.getOperatingSystemMXBean();
        long cpuNanos = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
        return "interactions=" + c.interactions() + " http=" + http + " http200=" + ok + " packets=" + c.packets()
                + " tcpConnections=" + c.tcpConnections() + " payloadBytes=" + c.payloadBytes() + " gaps=" + c.gaps()
                + " missingBytes=" + c.missingBytes() + " truncated=" + c.truncated() + " captured="
                + s.packetsCaptured() + " receivedByFilter=" + s.packetsReceivedByFilter() + " droppedByKernel="
                + s.packetsDroppedByKernel() + " jvmCpuMs=" + cpuNanos / 1_000_000;
    }
}
