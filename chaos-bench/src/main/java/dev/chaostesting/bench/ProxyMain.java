package dev.chaostesting.bench;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * Runs one interceptor until the process is killed, for bench/proxy.sh. Prints {@code listening <port>} once it
 * accepts, so the script can wait for that line instead of guessing a delay, and its counters when it stops (SIGTERM),
 * so the script can check that the recording proxy really decoded and stored the traffic it was sent.
 *
 * <pre>
 * java -cp chaos-bench.jar dev.chaostesting.bench.ProxyMain --target 8080 [--listen 0] [--io-threads 1]
 *     [--record DIR] [--protocol http]
 * </pre>
 */
public final class ProxyMain {

    private ProxyMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) { // a usage error: say what is wrong, no stack trace
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        var config = Interceptor.onPort(options.target).listenOn(options.listen).ioThreads(options.ioThreads);
        if (options.recordTo != null) {
            config = config.recordTo(options.recordTo);
        }
        if (options.protocol != null) {
            config = config.protocol(options.protocol);
        }
        var running = config.start();
        var stopped = new CountDownLatch(1);
        // The shutdown hook closes the interceptor so the recording is completed on disk, then reports the counters.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            System.out.println("stopped " + describe(running));
            System.out.flush();
            stopped.countDown();
        }));
        System.out.println("listening " + running.port() + " " + running + " ioThreads=" + options.ioThreads
                + " recording=" + (options.recordTo == null ? "off" : options.recordTo)
                // -Dchaos.faults=off runs the proxy without the fault engine (bench/faults.sh measures its cost).
                + " faults=" + ("off".equals(System.getProperty("chaos.faults")) ? "off" : "engine"));
        System.out.flush();
        stopped.await();
    }

    private static String describe(RunningInterceptor running) {
        var s = running.stats();
        return "connections=" + s.connections() + " bytesFromClients=" + s.bytesFromClients() + " bytesFromServers="
                + s.bytesFromServers() + " interactions=" + s.interactions() + " dropped=" + s.dropped();
    }

    private record Options(
            int target,
            int listen,
            int ioThreads,
            @Nullable Path recordTo,
            @Nullable String protocol) {

        static Options parse(String[] args) {
            Integer target = null;
            int listen = 0;
            int ioThreads = 1;
            Path recordTo = null;
            String protocol = null;
            for (int i = 0; i < args.length; i++) {
                var name = args[i];
                if (i + 1 >= args.length) {
                    throw usage("missing value for " + name);
                }
                var value = args[++i];
                switch (name) {
                    case "--target" -> target = Integer.parseInt(value);
                    case "--listen" -> listen = Integer.parseInt(value);
                    case "--io-threads" -> ioThreads = Integer.parseInt(value);
                    case "--record" -> recordTo = value.equals("off") ? null : Path.of(value);
                    case "--protocol" -> protocol = value;
                    default -> throw usage("unknown option " + name);
                }
            }
            if (target == null) {
                throw usage("--target is required");
            }
            return new Options(target, listen, ioThreads, recordTo, protocol);
        }

        private static IllegalArgumentException usage(String problem) {
            return new IllegalArgumentException(problem + "; usage: ProxyMain --target PORT [--listen PORT]"
                    + " [--io-threads N] [--record DIR|off] [--protocol NAME]");
        }
    }
}
