package dev.chaostesting.examples.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The demo bookshop: a JSON REST service on the JDK's {@link HttpServer} with in-memory storage, started in-process
 * by the demo and by tests. See the module README for the endpoints.
 *
 * <pre>{@code
 * try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
 *         DemoService.Options.defaults().bug(Bug.WRONG_STATUS))) {
 *     DemoTraffic.run(service.baseUri());
 * }
 * }</pre>
 */
public final class DemoService implements AutoCloseable {
    /** Pending connections the kernel may queue; the JDK default of 50 is tight for a burst of new clients. */
    private static final int BACKLOG = 128;

    private static final int DEFAULT_PORT = 8080;

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // HttpServer writes a response's headers and body separately; with Nagle's algorithm on, the body then waits
        // for the client's delayed ACK (about 40 ms on Linux) on every keep-alive response. The JDK reads this
        // property once, when the first HttpServer in the JVM is created; an explicit setting is left alone.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    /**
     * How the service runs.
     *
     * @param bug the regression to exhibit, {@link Bug#NONE} for correct behaviour
     * @param latency added before handling each request, to make timeouts and slow backends demonstrable
     * @param threads size of the fixed pool handling requests; idle keep-alive connections do not hold a thread
     */
    public record Options(
            Bug bug,
            Duration latency,
            int threads,
            @Nullable URI inventory) {
        public static final int DEFAULT_THREADS = 8;

        public Options {
            Objects.requireNonNull(bug, "bug");
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative: " + latency);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1: " + threads);
            }
        }

        /** Correct behaviour, no added latency, {@value #DEFAULT_THREADS} threads. */
        public static Options defaults() {
            return new Options(Bug.NONE, Duration.ZERO, DEFAULT_THREADS, null);
        }

        /**
         * Options from {@code DEMO_BUG} (see {@link Bug#parse}) and {@code DEMO_LATENCY_MS}, defaults otherwise.
         *
         * @throws IllegalArgumentException when a variable is set to something unusable
         */
        public static Options fromEnvironment(Map<String, String> environment) {
            var options = defaults().bug(Bug.parse(environment.get("DEMO_BUG")));
            var inventory = environment.get("DEMO_INVENTORY");
            if (inventory != null && !inventory.isBlank()) {
                options = options.inventory(URI.create(inventory.strip()));
            }
            var latency = environment.get("DEMO_LATENCY_MS");
            if (latency == null || latency.isBlank()) {
                return options;
            }
            try {
                return options.latency(Duration.ofMillis(Long.parseLong(latency.strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("DEMO_LATENCY_MS must be a number of milliseconds: " + latency, e);
            }
        }

        public Options bug(Bug bug) {
            return new Options(bug, latency, threads, inventory);
        }

        public Options latency(Duration latency) {
            return new Options(bug, latency, threads, inventory);
        }

        public Options threads(int threads) {
            return new Options(bug, latency, threads, inventory);
        }

        /**
         * A stock service ({@link InventoryService}) the bookshop depends on: a book's {@code GET} then says how many
         * copies are in stock, a create sets it, and when the inventory fails the bookshop answers 503. Off by default.
         */
        public Options inventory(@Nullable URI baseUri) {
            return new Options(bug, latency, threads, baseUri);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Options options;
    private final Map<Integer, LongAdder> statusCounts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DemoService(
            HttpServer server, ExecutorService executor, Options options, Map<Integer, LongAdder> statusCounts) {
        this.server = server;
        this.executor = executor;
        this.options = options;
        this.statusCounts = statusCounts;
    }

    /** Starts a correct service; port 0 picks a free port. */
    public static DemoService start(InetSocketAddress address) throws IOException {
        return start(address, Options.defaults());
    }

    /** Starts a service with the given options; port 0 picks a free port. */
    public static DemoService start(InetSocketAddress address, Options options) throws IOException {
        var statusCounts = new ConcurrentHashMap<Integer, LongAdder>();
        var handler = new BookshopHandler(
                Clock.systemUTC(),
                options.bug(),
                options.latency(),
                options.inventory(),
                status -> statusCounts
                        .computeIfAbsent(status, s -> new LongAdder())
                        .increment());
        var server = HttpServer.create(address, BACKLOG);
        var executor = Executors.newFixedThreadPool(
                options.threads(), threadFactory(server.getAddress().getPort()));
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
        return new DemoService(server, executor, options, statusCounts);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} without a trailing slash; a wildcard bind is reached through loopback. */
    public URI baseUri() {
        var address = server.getAddress().getAddress();
        var host = address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
        try {
            return new URI("http", null, host.getHostAddress(), port(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unusable bound address " + address, e);
        }
    }

    public Options options() {
        return options;
    }

    /** Responses sent so far by status code, ascending: lets a client check what it saw against what was served. */
    public SortedMap<Integer, Long> statusCounts() {
        var snapshot = new TreeMap<Integer, Long>();
        statusCounts.forEach((status, count) -> snapshot.put(status, count.sum()));
        return snapshot;
    }

    /** Total responses sent so far. */
    public long requestCount() {
        return statusCounts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Stops accepting, drops open connections and stops the handler threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /**
     * Runs the service until the JVM is stopped. Arguments: {@code [port]}, default {@value #DEFAULT_PORT}.
     * Environment: {@code DEMO_BUG}, {@code DEMO_LATENCY_MS}, {@code DEMO_HOST} (bind address, default loopback, since
     * the demo users have published passwords).
     */
    public static void main(String[] args) {
        try {
            var port = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_PORT;
            var options = Options.fromEnvironment(System.getenv());
            var host = System.getenv("DEMO_HOST");
            var address = host == null || host.isBlank()
                    ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                    : new InetSocketAddress(host.strip(), port);
            var service = start(address, options);
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "demo-service-shutdown"));
            System.out.println("Demo bookshop listening on " + service.baseUri() + " (bug: "
                    + options.bug().name().toLowerCase(Locale.ROOT) + ")");
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: a bad port or environment variable.
            System.err.println("usage: DemoService [port]  (" + e.getMessage() + ")");
            System.exit(2);
        } catch (IOException e) {
            // Typically the port is taken; a one-line reason beats a stack trace for someone running the demo.
            System.err.println("cannot start the demo service: " + e);
            System.exit(1);
        }
    }

    private static ThreadFactory threadFactory(int port) {
        var counter = new AtomicInteger();
        return runnable -> {
            var thread = new Thread(runnable, "demo-service-" + port + "-" + counter.incrementAndGet());
            // Daemon: a test that forgets close() must not keep the JVM alive.
            thread.setDaemon(true);
            return thread;
        };
    }
}
