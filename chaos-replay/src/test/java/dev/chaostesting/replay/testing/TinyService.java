package dev.chaostesting.replay.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A small JSON service over {@link KeyValueStore}, run as its own process, whose way of handling store failures is
 * chosen by its mode:
 *
 * <ul>
 *   <li>{@code graceful}: 1 s store timeouts; a store failure answers 503 {@code {"error":"unavailable"}}.
 *   <li>{@code leaky}: as graceful, but a store failure answers 500 with the Java stack trace.
 *   <li>{@code hung}: no store timeouts at all: a store that never answers holds the request forever.
 *   <li>{@code crash}: the process exits when the store connection fails.
 *   <li>{@code cache}: updates go to an in-process cache before the store and reads prefer the cache, so an update
 *       that failed (500) is visible afterwards.
 * </ul>
 *
 * Endpoints: {@code POST /login}, {@code POST /items}, {@code GET /items/{id}}, {@code PUT /items/{id}},
 * {@code GET /health}. Arguments: port, store {@code host:port}, mode. The login password is {@code APP_PASSWORD}.
 */
public final class TinyService {

    private static final Pattern ITEM = Pattern.compile("/items/(\\d+)");
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");

    private final String storeHost;
    private final int storePort;
    private final String mode;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> cache = new ConcurrentHashMap<>();
    private Socket store;
    private BufferedReader storeIn;

    private TinyService(String storeHost, int storePort, String mode) {
        this.storeHost = storeHost;
        this.storePort = storePort;
        this.mode = mode;
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        var store = args[1].split(":");
        var service = new TinyService(store[0], Integer.parseInt(store[1]), args[2]);
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", service::handle);
        server.start();
    }

    private synchronized String call(String command) throws IOException {
        try {
            if (store == null) {
                var s = new Socket();
                boolean timeouts = !mode.equals("hung");
                s.connect(new InetSocketAddress(storeHost, storePort), timeouts ? 1000 : 0);
                s.setSoTimeout(timeouts ? 1000 : 0);
                s.setTcpNoDelay(true);
                store = s;
                storeIn = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            }
            store.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            var line = storeIn.readLine();
            if (line == null) {
                throw new IOException("store closed the connection");
            }
            return line;
        } catch (IOException e) {
            if (store != null) {
                store.close();
                store = null;
            }
            if (mode.equals("crash")) {
                System.err.println("lost the store: " + e);
                Runtime.getRuntime().halt(3);
            }
            throw e;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            var path = ex.getRequestURI().getPath();
            var method = ex.getRequestMethod();
            var body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (path.equals("/health")) {
                send(ex, 200, "{\"status\":\"ok\"}");
                return;
            }
            if (path.equals("/login") && method.equals("POST")) {
                if (body.contains("\"password\":\"" + System.getenv().getOrDefault("APP_PASSWORD", "secret") + "\"")) {
                    var token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
                    tokens.add(token);
                    send(ex, 200, "{\"token\":\"" + token + "\"}");
                } else {
                    send(ex, 401, "{\"error\":\"invalid_credentials\"}");
                }
                return;
            }
            var auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
                send(ex, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            try {
                var m = ITEM.matcher(path);
                if (path.equals("/items") && method.equals("POST")) {
                    var id = call("NEXT").substring(4);
                    var item = item(id, body);
                    call("SET item:" + id + " " + item);
                    ex.getResponseHeaders().set("Location", "/items/" + id);
                    send(ex, 201, item);
                } else if (m.matches() && method.equals("GET")) {
                    var cached = mode.equals("cache") ? cache.get(m.group(1)) : null;
                    var v = cached != null ? "VAL " + cached : call("GET item:" + m.group(1));
                    if (v.equals("NIL")) {
                        send(ex, 404, "{\"error\":\"not_found\"}");
                    } else {
                        send(ex, 200, v.substring(4));
                    }
                } else if (m.matches() && method.equals("PUT")) {
                    var item = item(m.group(1), body);
                    if (mode.equals("cache")) {
                        cache.put(m.group(1), item);
                    }
                    call("SET item:" + m.group(1) + " " + item);
                    send(ex, 200, item);
                } else {
                    send(ex, 404, "{\"error\":\"not_found\"}");
                }
            } catch (IOException e) {
                if (mode.equals("leaky")) {
                    var trace = new StringWriter();
                    e.printStackTrace(new PrintWriter(trace));
                    send(
                            ex,
                            500,
                            "{\"error\":\""
                                    + trace.toString()
                                            .replace("\\", "\\\\")
                                            .replace("\"", "'")
                                            .replace("\n", "\\n")
                                            .replace("\t", "\\t")
                                    + "\"}");
                } else if (mode.equals("cache")) {
                    send(ex, 500, "{\"error\":\"internal\"}");
                } else {
                    send(ex, 503, "{\"error\":\"unavailable\"}");
                }
            }
        }
    }

    private static String item(String id, String body) {
        var m = NAME.matcher(body);
        return "{\"id\":" + id + ",\"name\":\"" + (m.find() ? m.group(1) : "") + "\"}";
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        var bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
