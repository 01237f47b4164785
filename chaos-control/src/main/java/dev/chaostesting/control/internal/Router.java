package dev.chaostesting.control.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The routing table: method and path template (OpenAPI style, {@code /v1/interceptors/{id}}) to handler. The table is
 * data, so a test compares it with the OpenAPI document both ways.
 */
public final class Router {

    /** What answers one route. */
    @FunctionalInterface
    public interface Handler {
        void handle(Call call) throws IOException;
    }

    /**
     * One route.
     *
     * @param method the HTTP method
     * @param template the path template, parameters in braces
     * @param query the query parameters it accepts (others are refused, so a misspelt one is not silently ignored)
     * @param handler what answers it
     */
    public record Route(String method, String template, Set<String> query, Handler handler) {
        public Route {
            query = Set.copyOf(query);
        }
    }

    /** A matched request: the route and the values of its path parameters. */
    record Match(Route route, Map<String, String> parameters) {}

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~-]+");

    private final List<Route> routes;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * The route for this request.
     *
     * @throws ApiError 404 when no template matches the path, 405 (with the allowed methods) when one matches but not
     *     with this method
     */
    Match match(String method, String path) {
        var allowed = new TreeSet<String>();
        var segments = split(path);
        for (var route : routes) {
            var parameters = parameters(split(route.template()), segments);
            if (parameters == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return new Match(route, parameters);
            }
            allowed.add(route.method());
        }
        if (allowed.isEmpty()) {
            throw new ApiError(404, "no such endpoint: " + method + " " + path + " (see GET /openapi.json)");
        }
        throw new MethodNotAllowed(method + " " + path + " (allowed: " + String.join(", ", allowed) + ")", allowed);
    }

    /** 405, with the methods the path accepts for the {@code Allow} header. */
    static final class MethodNotAllowed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Set<String> allowed;

        MethodNotAllowed(String message, Set<String> allowed) {
            super(message, null, false, false);
            this.allowed = allowed;
        }
    }

    private static List<String> split(String path) {
        var out = new ArrayList<String>();
        for (var part : path.split("/")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static @Nullable Map<String, String> parameters(List<String> template, List<String> path) {
        if (template.size() != path.size()) {
            return null;
        }
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < template.size(); i++) {
            var t = template.get(i);
            var p = path.get(i);
            if (t.startsWith("{") && t.endsWith("}")) {
                if (!SEGMENT.matcher(p).matches()) {
                    return null;
                }
                out.put(t.substring(1, t.length() - 1), p);
            } else if (!t.equals(p)) {
                return null;
            }
        }
        return out;
    }
}
