package dev.chaostesting.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The one handler behind every path: applies the artificial latency, routes, authenticates, turns exceptions into
 * error responses and always closes the exchange, which is what lets HttpServer reuse the connection.
 */
final class BookshopHandler implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(BookshopHandler.class.getName());

    /** Far above any legitimate book or review; stops a runaway client from filling the heap. */
    static final int MAX_BODY = 64 * 1024;

    private static final List<String> HEALTH = List.of("health");
    private static final List<String> LOGIN = List.of("api", "login");
    private static final String BEARER = "Bearer ";

    private final Clock clock;
    private final Duration latency;
    private final Sessions sessions;
    private final BookEndpoints books;
    private final IntConsumer statusListener;

    /** @param statusListener told the status of each response just before it is sent */
    BookshopHandler(Clock clock, Bug bug, Duration latency, @Nullable URI inventory, IntConsumer statusListener) {
        this.clock = clock;
        this.latency = latency;
        this.sessions = new Sessions(clock);
        this.books = new BookEndpoints(new BookStore(clock), bug, inventory == null ? null : new Inventory(inventory));
        this.statusListener = statusListener;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            pause();
            var response = respond(exchange);
            // Counted before any byte is sent, so a client that has read the response can rely on it being counted.
            statusListener.accept(response.status());
            ResponseWriter.send(exchange, response, UUID.randomUUID().toString(), clock.instant());
        } catch (IOException e) {
            // The client went away mid-exchange; there is nobody left to answer.
            LOG.log(Level.DEBUG, "exchange aborted: {0}", e.toString());
        } finally {
            exchange.close();
        }
    }

    private Response respond(HttpExchange exchange) throws IOException {
        try {
            return route(Request.read(exchange, MAX_BODY));
        } catch (ApiException e) {
            return e.response();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "request failed: " + exchange.getRequestMethod() + " " + exchange.getRequestURI(), e);
            return Response.json(500, Json.error("internal server error"));
        }
    }

    private Response route(Request request) {
        var segments = request.segments();
        if (segments.equals(HEALTH)) {
            request.allow("GET");
            return Response.json(200, Json.object().put("status", "ok"));
        }
        if (segments.equals(LOGIN)) {
            request.allow("POST");
            return login(request);
        }
        if (segments.size() >= 2
                && segments.get(0).equals("api")
                && segments.get(1).equals("books")) {
            // Before routing further, so probing for ids or methods reveals nothing without a token.
            authenticate(request);
            return books.handle(request, segments.subList(2, segments.size()));
        }
        throw ApiException.noRoute(request.path());
    }

    private Response login(Request request) {
        var body = request.json();
        var username = credential(body, "username");
        var password = credential(body, "password");
        var session = sessions.login(username, password)
                .orElseThrow(() -> ApiException.unauthorized("invalid username or password", false));
        var json = Json.object().put("token", session.token()).put("expiresAt", Json.timestamp(session.expiresAt()));
        // A bearer token must not end up in a shared cache.
        return Response.json(200, json).withHeader("Cache-Control", "no-store");
    }

    private static String credential(JsonNode body, String field) {
        var node = body.get(field);
        if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
            throw ApiException.badRequest(field + " is required", field);
        }
        return node.textValue();
    }

    private void authenticate(Request request) {
        var header = request.header("Authorization");
        if (header == null) {
            throw ApiException.unauthorized("missing bearer token", false);
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ApiException.unauthorized("Authorization must use the Bearer scheme", false);
        }
        var token = header.substring(BEARER.length()).strip();
        if (sessions.authenticate(token).isEmpty()) {
            throw ApiException.unauthorized("invalid or expired token", true);
        }
    }

    private void pause() {
        if (latency.isZero()) {
            return;
        }
        try {
            Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            // Interrupted by shutdown: answer without the delay and leave the flag for the pool to see.
            Thread.currentThread().interrupt();
        }
    }
}
