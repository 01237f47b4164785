package dev.chaostesting.cli;

import dev.chaostesting.Interceptor;
import dev.chaostesting.capture.CaptureRecorder;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.capture.LiveCaptureSummary;
import dev.chaostesting.capture.ProcessCapture;
import dev.chaostesting.capture.ProcessSockets;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Recording;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "observe",
        description = {
            "Record the traffic of a service.",
            "--mode=capture (default): tcpdump captures the service's packets (needs tcpdump and root or CAP_NET_RAW);"
                    + " nothing changes for clients. With --pid, the process's listening ports and the servers it is"
                    + " connected to are found in /proc and captured.",
            "--mode=proxy: clients connect to the listening address instead of the service's port; every byte is forwarded"
                    + " unchanged and recorded."
        })
final class ObserveCommand implements Callable<Integer> {

    enum Mode {
        proxy,
        capture,
        transparent
    }

    @Option(names = "--port", paramLabel = "PORT", description = "The port the observed service listens on.")
    Integer port;

    @Option(
            names = "--pid",
            paramLabel = "PID",
            description =
                    "Observe a process by pid: its listening ports (inbound) and its dependencies (outbound); capture mode only.")
    Integer pid;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "The service's host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--mode",
            defaultValue = "capture",
            description = "capture (default: passive, tcpdump), proxy (clients connect to the proxy), or transparent"
                    + " (nftables redirects the port's connections into the proxy; root).")
    Mode mode;

    @Option(
            names = "--listen",
            paramLabel = "[HOST:]PORT",
            description = "Where the proxy listens (default: a free port on 127.0.0.1).")
    String listen;

    @Option(
            names = "--duration",
            converter = Units.DurationConverter.class,
            description = "Stop after this long, e.g. 60s, 5m (default: until Ctrl-C).")
    Duration duration;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description = "The new recording directory (default: recordings/<time>).")
    Path output;

    @Mixin
    DecodingOptions decoding;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (mode == Mode.capture) {
            return observeByCapture();
        }
        if (pid != null) {
            throw new Errors.UserError("--pid works with --mode=capture only: drop --mode=" + mode + ", or use --port");
        }
        if (port == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port is required");
        }
        var target = new InetSocketAddress(InetAddress.getByName(host), port);
        var dir = outputDir();
        var config = Interceptor.forwardTo(target).listenOn(listenAddress()).recordTo(dir);
        if (mode == Mode.transparent) {
            config = config.transparent();
        }
        config = decoding.applyTo(config);
        var err = spec.commandLine().getErr();

        var stopped = new CountDownLatch(1);
        var done = new CountDownLatch(1);
        try (var running = config.start()) {
            var hook = new Thread(
                    () -> {
                        stopped.countDown();
                        awaitQuietly(done);
                    },
                    "chaos-observe-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            err.printf(
                    "observing %s:%d through a proxy on %s:%d -> recording to %s%n",
                    host, port, running.address().getHostString(), running.port(), dir);
            var stop = duration == null ? "Ctrl-C stops" : "stopping after " + duration.toSeconds() + "s";
            if (mode == Mode.transparent) {
                err.printf("connections to port %d are redirected through it (nftables); %s%n", port, stop);
            } else {
                err.printf("point clients at %s:%d; %s%n", running.address().getHostString(), running.port(), stop);
            }
            err.flush();
            progress(
                    () -> {
                        var s = running.stats();
                        return String.format(
                                Locale.ROOT,
                                "connections %d (%d open)  interactions %d  in %s  out %s",
                                s.connections(),
                                s.activeConnections(),
                                s.interactions(),
                                Units.bytes(s.bytesFromClients()),
                                Units.bytes(s.bytesFromServers()));
                    },
                    stopped,
                    err);
            running.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook waits for us below
            }
            var stats = running.stats();
            err.printf(
                    "%nrecorded %d interactions over %d connections (%s in, %s out)%s to %s%n",
                    stats.interactions(),
                    stats.connections(),
                    Units.bytes(stats.bytesFromClients()),
                    Units.bytes(stats.bytesFromServers()),
                    stats.dropped() > 0 ? ", " + stats.dropped() + " dropped" : "",
                    dir);
            var summary = new Summary();
            try (var stream = Recording.open(dir).stream()) {
                stream.forEach(summary::add);
            }
            summary.print(spec.commandLine().getOut());
        } finally {
            done.countDown();
        }
        return 0;
    }

    /**
     * Capture mode: tcpdump records the service's packets where they already go, so nothing changes for clients. With
     * {@code --pid} the process's endpoints are found in /proc and captured as they appear.
     */
    private int observeByCapture() throws Exception {
        if (port == null && pid == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port or --pid is required");
        }
        var options = decoding.captureOptions();
        var err = spec.commandLine().getErr();
        var dir = outputDir();
        // Discovery first: a wrong pid must fail before a recording directory is created.
        ProcessSockets sockets = null;
        if (pid != null) {
            try {
                sockets = ProcessSockets.of(pid);
            } catch (java.io.IOException e) {
                throw new Errors.UserError(e.getMessage());
            }
        }
        var serviceHost = InetAddress.getByName(host);
        // Inbound clients may come over any interface; an outbound loopback peer only ever crosses lo.
        var networkInterface =
                decoding.direction == Direction.OUTBOUND && serviceHost.isLoopbackAddress() ? "lo" : "any";
        var filter = decoding.direction == Direction.OUTBOUND
                ? "tcp and host " + serviceHost.getHostAddress() + " and port " + port
                : "tcp port " + port;
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
        var target = sockets != null ? "pid " + pid : host + ":" + port;
        var stopped = new CountDownLatch(1);
        var done = new CountDownLatch(1);
        try (var recorder = CaptureRecorder.create(dir, target, details)) {
            ProcessCapture processCapture = null;
            LiveCapture portCapture = null;
            try {
                if (sockets != null) {
                    processCapture = ProcessCapture.start(pid, options, recorder, line -> {
                        err.println(line);
                        err.flush();
                    });
                } else {
                    portCapture =
                            LiveCapture.start(networkInterface, filter, options.onlyPorts(port), recorder::append);
                }
            } catch (java.io.IOException e) {
                throw new Errors.UserError(e.getMessage());
            }
            var hook = new Thread(
                    () -> {
                        stopped.countDown();
                        awaitQuietly(done);
                    },
                    "chaos-observe-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            var until = duration == null ? "Ctrl-C stops" : "stopping after " + duration.toSeconds() + "s";
            if (sockets != null) {
                err.printf(
                        "observing process %d (listening on %s, %d dependencies) by capturing packets -> recording to"
                                + " %s%n%s%n",
                        pid, sockets.listeningPorts(), sockets.dependencies().size(), dir, until);
            } else {
                err.printf(
                        "observing %s:%d by capturing packets on %s ('%s') -> recording to %s%n",
                        host, port, networkInterface, filter, dir);
                err.printf("nothing to change: point clients at %s:%d as before; %s%n", host, port, until);
            }
            err.flush();
            var pc = processCapture;
            var lc = portCapture;
            List<LiveCaptureSummary> summaries;
            try {
                progress(
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
        var summary = new Summary();
        try (var stream = Recording.open(dir).stream()) {
            stream.forEach(summary::add);
        }
        summary.print(spec.commandLine().getOut());
        return 0;
    }

    private static String known(long count) {
        return count < 0 ? "unknown" : Long.toString(count);
    }

    Path outputDir() {
        return output != null
                ? output
                : Path.of("recordings", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    private InetSocketAddress listenAddress() {
        if (listen == null) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        }
        int colon = listen.lastIndexOf(':');
        try {
            if (colon < 0) {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(listen));
            }
            var h = listen.substring(0, colon).replace("[", "").replace("]", "");
            return new InetSocketAddress(InetAddress.getByName(h), Integer.parseInt(listen.substring(colon + 1)));
        } catch (NumberFormatException | java.net.UnknownHostException e) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--listen: '" + listen + "' (expected PORT or HOST:PORT)");
        }
    }

    /** Prints live counts until the duration ends or the process is asked to stop. */
    void progress(Supplier<String> status, CountDownLatch stopped, PrintWriter err) throws InterruptedException {
        boolean tty = System.console() != null;
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        long lastLine = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopped.await(Math.min(TimeUnit.SECONDS.toNanos(1), left), TimeUnit.NANOSECONDS)) {
                return;
            }
            var line = status.get();
            if (tty) {
                err.print("\r" + line + "   ");
                err.flush();
            } else if (System.nanoTime() - lastLine >= TimeUnit.SECONDS.toNanos(5)) {
                err.println(line);
                err.flush();
                lastLine = System.nanoTime();
            }
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
