package dev.chaostesting.cli;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.recording.Redaction;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "observe",
        description = {
            "Record the traffic of a service.",
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

    @Option(names = "--pid", paramLabel = "PID", description = "Observe a process by pid (not available yet).")
    Integer pid;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "The service's host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--mode",
            defaultValue = "proxy",
            description = "proxy (available now), capture or transparent (not yet).")
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

    @Option(names = "--protocol", description = "Decode as this protocol instead of detecting it (http, tcp).")
    String protocol;

    @Option(
            names = "--direction",
            defaultValue = "inbound",
            description = "inbound (the port is the observed service) or outbound (a dependency of it).")
    Direction direction;

    @Option(
            names = "--max-body",
            converter = Units.SizeConverter.class,
            defaultValue = "1MiB",
            description = "Most bytes of one body to record (default: ${DEFAULT-VALUE}).")
    int maxBody;

    @Option(
            names = "--no-redact",
            description = "Record secrets (Authorization, cookies, passwords, tokens) as they are.")
    boolean noRedact;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (pid != null) {
            throw new Errors.UserError(
                    "--pid is not available yet: find the service's port (e.g. 'ss -ltnp') and use --port with --mode=proxy");
        }
        if (mode != Mode.proxy) {
            throw new Errors.UserError(
                    "--mode=" + mode + " is not available yet: use --mode=proxy and point clients at the proxy");
        }
        if (port == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port is required");
        }
        var target = new InetSocketAddress(InetAddress.getByName(host), port);
        var dir = output != null
                ? output
                : Path.of("recordings", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        var config = Interceptor.forwardTo(target)
                .listenOn(listenAddress())
                .recordTo(dir)
                .direction(direction)
                .maxRecordedBodyBytes(maxBody)
                .redaction(noRedact ? Redaction.none() : Redaction.defaults());
        if (protocol != null) {
            config = config.protocol(protocol.toLowerCase(Locale.ROOT));
        }
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
            err.printf(
                    "point clients at %s:%d; %s%n",
                    running.address().getHostString(),
                    running.port(),
                    duration == null ? "Ctrl-C stops" : "stopping after " + duration.toSeconds() + "s");
            err.flush();
            progress(running, stopped, err);
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
    private void progress(RunningInterceptor running, CountDownLatch stopped, PrintWriter err)
            throws InterruptedException {
        boolean tty = System.console() != null;
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        long lastLine = 0;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || stopped.await(Math.min(TimeUnit.SECONDS.toNanos(1), left), TimeUnit.NANOSECONDS)) {
                return;
            }
            var s = running.stats();
            var line = String.format(
                    Locale.ROOT,
                    "connections %d (%d open)  interactions %d  in %s  out %s",
                    s.connections(),
                    s.activeConnections(),
                    s.interactions(),
                    Units.bytes(s.bytesFromClients()),
                    Units.bytes(s.bytesFromServers()));
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
