package dev.chaostesting.control;

import com.sun.net.httpserver.HttpServer;
import dev.chaostesting.control.internal.ControlApi;
import dev.chaostesting.control.internal.Interceptors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The control API: an HTTP/JSON server through which tests written in any language create interceptors, inject and
 * remove faults, and read recordings. Endpoints and formats: docs/control-api.md, and the OpenAPI document served at
 * {@code /openapi.json}.
 *
 * <pre>{@code
 * try (var server = ControlServer.start(ControlServer.Options.defaults().token(System.getenv("CHAOS_TOKEN")))) {
 *     System.out.println("control API on " + server.baseUri());
 *     server.awaitClose();
 * }
 * }</pre>
 *
 * <p>It listens on loopback unless told otherwise, and refuses any other address unless a token is set: the API
 * opens ports and writes recordings, so only the local user, or a client holding the token, may drive it. Closing the
 * server closes every interceptor it started.
 */
public final class ControlServer implements AutoCloseable {

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and body separately; with Nagle's algorithm on, each small JSON
        // answer on a keep-alive connection would wait for the client's delayed ACK (about 40 ms on Linux). Read once
        // by the JDK, when the first server of the JVM is created; an explicit setting is left alone.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    /**
     * How the server runs. Immutable; every method returns a new value.
     *
     * @param listen the address to listen on (default {@code 127.0.0.1:7070}; port 0 picks a free port)
     * @param token the bearer token clients must send ({@code Authorization: Bearer <token>}), or null for none
     * @param threads how many requests are handled at once (default 32); long reads of a recording hold one each
     */
    public record Options(
            InetSocketAddress listen, @Nullable String token, int threads) {

        /** The default port of the control API. */
        public static final int DEFAULT_PORT = 7070;

        public Options {
            Objects.requireNonNull(listen, "listen");
            if (token != null && token.isBlank()) {
                throw new IllegalArgumentException("token: empty (expected: a secret of at least 16 characters)");
            }
            if (token != null && token.length() < 16) {
                throw new IllegalArgumentException("token: " + token.length()
                        + " characters (expected: at least 16, e.g. from `openssl rand -hex 16`)");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
            }
        }

        /** Loopback port 7070, no token, 32 threads. */
        public static Options defaults() {
            return new Options(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT), null, 32);
        }

        public Options listen(InetSocketAddress address) {
            return new Options(address, token, threads);
        }

        /**
         * Listens on an address written as on a command line: {@code 127.0.0.1:7070}, {@code [::1]:7070}, {@code :7070}
         * or {@code 7070} (both loopback).
         *
         * @throws IllegalArgumentException naming what was wrong
         */
        public Options listen(String address) {
            var text = address.strip();
            int colon = text.lastIndexOf(':');
            var host = colon < 0 ? "" : text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new IllegalArgumentException(
                        "listen: '" + address + "' (expected host:port, with an IPv6 address in brackets)");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("listen: '" + address + "' (expected a port from 0 to 65535)");
            }
            var socketAddress = host.isEmpty()
                    ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                    : new InetSocketAddress(host, port);
            if (socketAddress.isUnresolved()) {
                throw new IllegalArgumentException("listen: host '" + host + "' does not resolve");
            }
            return listen(socketAddress);
        }

        /** Listens on this port of the loopback address (0: a free port). */
        public Options port(int port) {
            return listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }

        /** Requires this bearer token on every request (null or empty: none). */
        public Options token(@Nullable String value) {
            return new Options(listen, value == null || value.isEmpty() ? null : value, threads);
        }

        public Options threads(int count) {
            return new Options(listen, token, count);
        }

        @Override
        public String toString() {
            // Never print the token.
            return "Options[listen=" + listen + ", token=" + (token == null ? "none" : "set") + ", threads=" + threads
                    + "]";
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final Interceptors interceptors;
    private final Object closeLock = new Object();
    private boolean closed;

    private ControlServer(HttpServer http, ExecutorService executor, Interceptors interceptors) {
        this.http = http;
        this.executor = executor;
        this.interceptors = interceptors;
    }

    /**
     * Starts the server.
     *
     * @throws IllegalArgumentException when the address is not loopback and no token is set (the message says what to
     *     do)
     * @throws IOException when the address cannot be bound
     */
    public static ControlServer start(Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        var address = options.listen().getAddress();
        if (address == null) {
            throw new IllegalArgumentException("listen: " + options.listen().getHostString() + " does not resolve");
        }
        if (!address.isLoopbackAddress() && options.token() == null) {
            throw new IllegalArgumentException("listen: " + address.getHostAddress()
                    + " is not a loopback address: set a token (--token or CHAOS_TOKEN) to accept other hosts");
        }
        var interceptors = new Interceptors();
        var api = new ControlApi(interceptors, options.token());
        var http = HttpServer.create(options.listen(), 128);
        var number = new AtomicInteger();
        var executor = Executors.newFixedThreadPool(options.threads(), r -> {
            var t = new Thread(r, "chaos-control-" + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.createContext("/", api);
        http.setExecutor(executor);
        http.start();
        return new ControlServer(http, executor, interceptors);
    }

    /** The address the server listens on (with the actual port when port 0 was asked for). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** {@code http://host:port}, the base of every endpoint. */
    public URI baseUri() {
        var a = address().getAddress();
        var host = a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return URI.create("http://" + host + ":" + address().getPort());
    }

    /** How many interceptors are running now. */
    public int interceptorCount() {
        return interceptors.size();
    }

    /** Blocks until {@link #close()} is called (from another thread or a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        synchronized (closeLock) {
            while (!closed) {
                closeLock.wait();
            }
        }
    }

    /** Stops the server and closes every interceptor it started; recording directories stay on disk. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            closeLock.notifyAll();
        }
        http.stop(0);
        interceptors.closeAll();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ControlServer[" + baseUri() + "]";
    }
}
