package dev.chaostesting.cli;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** {@code observe --mode=proxy|transparent}: the traffic goes through our proxy (redirected to it in transparent mode). */
final class ProxyObservation {

    private final ObserveCommand c;

    ProxyObservation(ObserveCommand command) {
        this.c = command;
    }

    int run() throws Exception {
        var err = c.spec.commandLine().getErr();
        var dir = c.outputDir();
        Interceptor config;
        if (c.pid != null) {
            config = Interceptor.onProcess(c.pid).log(line -> {
                err.println(line);
                err.flush();
            });
            if (c.closeExisting) {
                config = config.closeExistingConnections();
            }
        } else {
            config = Interceptor.forwardTo(new InetSocketAddress(InetAddress.getByName(c.host), c.port));
            if (c.mode == ObserveCommand.Mode.transparent) {
                config = config.transparent();
            }
        }
        config = c.decoding.applyTo(config.listenOn(c.listenAddress()).recordTo(dir));

        var stopped = new CountDownLatch(1);
        var done = new CountDownLatch(1);
        RunningInterceptor started;
        try {
            started = config.start();
        } catch (java.io.IOException e) {
            // What transparent mode lacks, a pid that is wrong: one line, nothing recorded.
            throw new Errors.UserError(e.getMessage());
        }
        try (var running = started) {
            var hook = new Thread(
                    () -> {
                        stopped.countDown();
                        ObserveCommand.awaitQuietly(done);
                    },
                    "chaos-observe-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            var stop = c.duration == null ? "Ctrl-C stops" : "stopping after " + c.duration.toSeconds() + "s";
            if (c.pid != null) {
                err.printf(
                        "observing process %d through a proxy on %s:%d (nftables redirects; nothing to change for"
                                + " clients) -> recording to %s%n%s%n",
                        c.pid, running.address().getHostString(), running.port(), dir, stop);
            } else {
                err.printf(
                        "observing %s:%d through a proxy on %s:%d -> recording to %s%n",
                        c.host, c.port, running.address().getHostString(), running.port(), dir);
            }
            if (c.pid != null) {
                // said above
            } else if (c.mode == ObserveCommand.Mode.transparent) {
                err.printf("connections to port %d are redirected through it (nftables); %s%n", c.port, stop);
            } else {
                err.printf("point clients at %s:%d; %s%n", running.address().getHostString(), running.port(), stop);
            }
            err.flush();
            c.progress(
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
            c.printSummary(dir);
        } finally {
            done.countDown();
        }
        return 0;
    }
}
