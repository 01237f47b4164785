package dev.chaostesting.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The bookshop's dependency in the demo: a small stock service over HTTP. {@code GET /stock/{bookId}} answers
 * {@code {"bookId": "...", "inStock": n}} (404 for a book it does not know), {@code PUT /stock/{bookId}} with
 * {@code {"inStock": n}} sets it (204). In memory; loopback only.
 */
public final class InventoryService implements AutoCloseable {

    private static final Pattern STOCK = Pattern.compile("^/stock/([A-Za-z0-9_-]{1,64})$");
    private static final Pattern IN_STOCK = Pattern.compile("\"inStock\"\\s*:\\s*(\\d{1,9})");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Integer> stock = new ConcurrentHashMap<>();

    private InventoryService(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts it on this address; port 0 picks a free port. */
    public static InventoryService start(InetSocketAddress address) throws IOException {
        var server = HttpServer.create(address, 128);
        var executor = Executors.newFixedThreadPool(4, r -> {
            var t = new Thread(r, "inventory-" + server.getAddress().getPort());
            t.setDaemon(true);
            return t;
        });
        var service = new InventoryService(server, executor);
        server.createContext("/", service::handle);
        server.setExecutor(executor);
        server.start();
        return service;
    }

    /** Starts it on a free loopback port. */
    public static InventoryService start() throws IOException {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var m = STOCK.matcher(exchange.getRequestURI().getPath());
            if (!m.matches()) {
                send(exchange, 404, "{\"error\":\"no_route\"}");
                return;
            }
            var id = m.group(1);
            switch (exchange.getRequestMethod()) {
                case "GET" -> {
                    var n = stock.get(id);
                    if (n == null) {
                        send(exchange, 404, "{\"error\":\"unknown_book\",\"bookId\":\"" + id + "\"}");
                    } else {
                        send(exchange, 200, "{\"bookId\":\"" + id + "\",\"inStock\":" + n + "}");
                    }
                }
                case "PUT" -> {
                    var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    var n = IN_STOCK.matcher(body);
                    if (!n.find()) {
                        send(exchange, 400, "{\"error\":\"inStock must be a whole number\"}");
                        return;
                    }
                    stock.put(id, Integer.parseInt(n.group(1)));
                    exchange.sendResponseHeaders(204, -1);
                }
                default -> send(exchange, 405, "{\"error\":\"method_not_allowed\"}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
