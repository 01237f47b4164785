package dev.chaostesting.cli;

import dev.chaostesting.capture.CaptureRecorder;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.capture.LiveCaptureSummary;
import dev.chaostesting.capture.ProcessCapture;
import dev.chaostesting.capture.ProcessSockets;
import dev.chaostesting.model.Direction;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** {@code observe --mode=capture}: tcpdump records the packets where they already go. */
final class CaptureObservation {

    private final ObserveCommand c;

    CaptureObservation(ObserveCommand command) {
        this.c = command;
    }

    /**
     * Capture mode: tcpdump records the service's packets where they already go, so nothing changes for clients. With
     * {@code --pid} the process's endpoints are found in /proc and captured as they appear.
     */
    int run() throws Exception {
        if (c.port == null && c.pid == null) {
            throw new picocli.CommandLine.ParameterException(c.spec.commandLine(), "--port or --pid is required");
        }
        var options = c.decoding.captureOptions();
        var err = c.spec.commandLine().getErr();
        var dir = c.outputDir();
        // Discovery first: a wrong pid must fail before a recording directory is created.
        ProcessSockets sockets = null;
        if (c.pid != null) {
            try {
                sockets = ProcessSockets.of(c.pid);
            } catch (java.io.IOException e) {
                throw new Errors.UserError(e.getMessage());
            }
        }
        var serviceHost = InetAddress.getByName(c.host);
        // Inbound clients may come over any interface; an outbound loopback peer only ever crosses lo.
        var networkInterface =
                c.decoding.direction == Direction.OUTBOUND && serviceHost.isLoopbackAddress() ? "lo" : "any";
        var filter = c.decoding.direction == Direction.OUTBOUND
                ? "tcp and host " + serviceHost.getHostAddress() + " and port " + c.port
                : "tcp port " + c.port;
        var details = new LinkedHashMap<String, String>();
        details.put("mode", "capture");
        if (sockets != null) {
            details.put("pid", Long.toString(sockets.pid()));
            details.put("filter", "per endpoint of the process, discovered every second");
            details.put("interface", "any (inbound), lo or any (outbound)");
        } else {
            details.put("filter", filter);
            details.put("interface", networkInterface);
        }
        var target = sockets != null ? "pid " + c.pid : c.host + ":" + c.port;
        var stopped = new CountDownLatch(1);
        var done = new CountDownLatch(1);
        try (var recorder = CaptureRecorder.create(dir, target, details)) {
            ProcessCapture processCapture = null;
            LiveCapture portCapture = null;
            try {
                if (sockets != null) {
                    processCapture = ProcessCapture.start(c.pid, options, recorder, line -> {
                        err.println(line);
                        err.flush();
                    });
                } else {
                    portCapture =
                            LiveCapture.start(networkInterface, filter, options.onlyPorts(c.port), recorder::append);
                }
            } catch (java.io.IOException e) {
                throw new Errors.UserError(e.getMessage());
            }
            var hook = new Thread(
                    () -> {
                        stopped.countDown();
                        ObserveCommand.awaitQuietly(done);
                    },
                    "chaos-observe-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            var until = c.duration == null ? "Ctrl-C stops" : "stopping after " + c.duration.toSeconds() + "s";
            if (sockets != null) {
                err.printf(
                        "observing process %d (listening on %s, %d dependencies) by capturing packets -> recording to"
                                + " %s%n%s%n",
                        c.pid, sockets.listeningPorts(), sockets.dependencies().size(), dir, until);
            } else {
                err.printf(
                        "observing %s:%d by capturing packets on %s ('%s') -> recording to %s%n",
                        c.host, c.port, networkInterface, filter, dir);
                err.printf("nothing to change: point clients at %s:%d as before; %s%n", c.host, c.port, until);
            }
            err.flush();
            var pc = processCapture;
            var lc = portCapture;
            List<LiveCaptureSummary> summaries;
            try {
                c.progress(
                        () -> String.format(
                                Locale.ROOT,
                                "packets %d  connections %d  interactions %d  payload %s",
                                pc != null ? pc.packets() : lc.packets(),
                                pc != null ? pc.connections() : lc.connections(),
                                recorder.count(),
                                Units.bytes(pc != null ? pc.bytes() : lc.bytes())),
                        stopped,
                        err);
            } finally {
                // Also on failure: tcpdump must not outlive us.
                summaries = pc != null ? pc.stop() : List.of(lc.stop());
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook waits for us below
            }
            recorder.close();
            long connections = summaries.stream()
                    .mapToLong(x -> x.capture().tcpConnections())
                    .sum();
            long payload = summaries.stream()
                    .mapToLong(x -> x.capture().payloadBytes())
                    .sum();
            err.printf(
                    "%nrecorded %d interactions over %d connections (%s payload) to %s%n",
                    recorder.count(), connections, Units.bytes(payload), dir);
            for (var s : summaries) {
                err.printf(
                        "packets on %s '%s': %s captured, %s dropped by kernel%s%n",
                        s.networkInterface(),
                        s.filter(),
                        known(s.packetsCaptured()),
                        known(s.packetsDroppedByKernel()),
                        s.packetsDroppedByKernel() > 0 ? " (tcpdump could not keep up: that traffic is missing)" : "");
                if (!s.capture().complete()) {
                    err.println("  " + s.capture().describe());
                }
            }
            err.flush();
        } finally {
            done.countDown();
        }
        c.printSummary(dir);
        return 0;
    }

    private static String known(long count) {
        return count < 0 ? "unknown" : Long.toString(count);
    }
}
