package dev.chaostesting.control.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The server's one handler: authenticates, checks the {@code Host}, routes, and turns every failure into a JSON error
 * with its status.
 */
public final class ControlApi implements HttpHandler {

    /** Answered without a token: they reveal nothing and let a client check that the server is up. */
    private static final Set<String> PUBLIC = Set.of("GET /openapi.json", "GET /v1/health");

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Router router;
    private final byte @Nullable [] tokenHash;

    public ControlApi(Interceptors interceptors, @Nullable String token) {
        this.router = Endpoints.router(interceptors);
        this.tokenHash = token == null ? null : sha256(token);
    }

    public Router router() {
        return router;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        var call = new Call(exchange, java.util.Map.of());
        try {
            var method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            var path = exchange.getRequestURI().getRawPath();
            if (!PUBLIC.contains(method + " " + path)) {
                authenticate(exchange);
            }
            var match = router.match(method, path);
            call = new Call(exchange, match.parameters());
            checkQuery(exchange, match.route());
            match.route().handler().handle(call);
            if (!call.answered()) {
                call.error(500, "the endpoint gave no answer");
            }
        } catch (ApiError e) {
            if (e.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"chaos-testing\"");
            }
            answerError(call, e.status(), e.getMessage());
        } catch (Router.MethodNotAllowed e) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", e.allowed));
            answerError(call, 405, "method not allowed: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // The core's validation (fault specs, ports, protocols) says in one line what was wrong.
            answerError(call, 400, e.getMessage());
        } catch (IOException e) {
            // Mostly a client that went away while a recording streamed; nothing can be answered then.
            answerError(call, 500, "I/O error: " + e.getMessage());
        } catch (RuntimeException e) {
            answerError(call, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            exchange.close();
        }
    }

    private static void answerError(Call call, int status, @Nullable String message) {
        if (call.answered()) {
            return;
        }
        try {
            call.error(status, message);
        } catch (IOException e) {
            // the client is gone
        }
    }

    private void authenticate(HttpExchange exchange) {
        if (tokenHash == null) {
            checkLoopbackHost(exchange.getRequestHeaders().getFirst("Host"));
            return;
        }
        var header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null) {
            throw new ApiError(401, "no token: send the header 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "Authorization: expected 'Bearer <token>'");
        }
        var given = sha256(header.substring(7).strip());
        // Hashes of equal length, compared in constant time: neither the token nor its length leaks through timing.
        if (!MessageDigest.isEqual(given, tokenHash)) {
            throw new ApiError(401, "wrong token");
        }
    }

    /**
     * Without a token, the server trusts whoever can reach loopback; a web page the user visits could still reach it
     * through a DNS name rebound to 127.0.0.1. Browsers send that name as {@code Host}, so only loopback names pass.
     */
    static void checkLoopbackHost(@Nullable String host) {
        if (host == null) {
            return;
        }
        var name = host.strip();
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            name = end < 0 ? name : name.substring(1, end);
        } else if (name.indexOf(':') == name.lastIndexOf(':') && name.indexOf(':') >= 0) {
            name = name.substring(0, name.indexOf(':'));
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return;
        }
        if (IPV4.matcher(name).matches() || name.contains(":")) {
            try {
                if (InetAddress.getByName(name).isLoopbackAddress()) {
                    return;
                }
            } catch (UnknownHostException e) {
                // refused below
            }
        }
        throw new ApiError(
                403,
                "Host: " + host + " is not a loopback name: use 127.0.0.1, or start the server with"
                        + " a token to accept other names");
    }

    private static void checkQuery(HttpExchange exchange, Router.Route route) {
        var raw = exchange.getRequestURI().getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return;
        }
        for (var pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            var name = eq < 0 ? pair : pair.substring(0, eq);
            if (!route.query().contains(name)) {
                throw new ApiError(
                        400,
                        "unknown query parameter '" + name + "' (expected: "
                                + (route.query().isEmpty() ? "none" : String.join(", ", new TreeSet<>(route.query())))
                                + ")");
            }
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
