package dev.chaostesting.cli;

import dev.chaostesting.recording.Recording;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
                    + " unchanged and recorded.",
            "--mode=transparent: nftables redirects the port's connections (with --pid: also the connections the process"
                    + " opens) into the proxy; nothing changes for clients (needs nft and root)."
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
                    "Observe a process by pid: its listening ports (inbound) and its dependencies (outbound); with"
                            + " --mode=capture (passive) or --mode=transparent (through the proxy, for chaos).")
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

    @Option(
            names = "--close-existing",
            description = "With --pid --mode=transparent: reset the process's outbound connections that were open"
                    + " before, so it reconnects through the interceptor (else they are only reported).")
    boolean closeExisting;

    @Override
    public Integer call() throws Exception {
        String observed = null;
        if (port != null) {
            observed = (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        }
        try (var grpc = decoding.configureGrpc(observed, spec.commandLine().getErr())) {
            return observe();
        }
    }

    private Integer observe() throws Exception {
        if (mode == Mode.capture) {
            if (closeExisting) {
                throw new Errors.UserError("--close-existing works with --pid --mode=transparent only");
            }
            return new CaptureObservation(this).run();
        }
        if (mode == Mode.proxy && pid != null) {
            throw new Errors.UserError("--pid works with --mode=capture or --mode=transparent: a proxy needs --port");
        }
        if (pid == null && port == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port is required");
        }
        if (pid != null && port != null) {
            throw new Errors.UserError("--pid and --port exclude each other: --pid finds the process's ports itself");
        }
        if (closeExisting && pid == null) {
            throw new Errors.UserError("--close-existing works with --pid --mode=transparent only");
        }
        return new ProxyObservation(this).run();
    }

    /** Prints the summary table of the finished recording. */
    void printSummary(Path dir) throws java.io.IOException {
        var summary = new Summary();
        try (var stream = Recording.open(dir).stream()) {
            stream.forEach(summary::add);
        }
        summary.print(spec.commandLine().getOut());
    }

    Path outputDir() {
        return output != null
                ? output
                : Path.of("recordings", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    InetSocketAddress listenAddress() {
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
