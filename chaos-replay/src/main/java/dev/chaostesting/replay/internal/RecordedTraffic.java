package dev.chaostesting.replay.internal;

import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Recording;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The inbound HTTP requests of a recording, in the order they were sent, and the dependencies it names. */
public record RecordedTraffic(List<ReplayRequest> requests, List<String> dependencies, EndpointTemplates templates) {

    /** Not sent again: they describe one connection or are recomputed by the client. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "content-length",
            "host",
            "expect",
            "proxy-authorization",
            "proxy-authenticate");

    public RecordedTraffic {
        requests = List.copyOf(requests);
        dependencies = List.copyOf(dependencies);
    }

    /**
     * Reads a recording directory as a stream: at most {@code maxRequests} inbound HTTP requests are kept (the first
     * ones), and the dependencies of the whole recording.
     */
    public static RecordedTraffic read(Path directory, int maxRequests) throws IOException {
        var deps = new TreeSet<String>();
        var inbound = new ArrayList<Interaction>();
        try (var stream = Recording.open(directory).stream()) {
            stream.forEach(i -> collect(i, deps, inbound, maxRequests));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return of(deps, inbound);
    }

    public static RecordedTraffic of(List<Interaction> interactions) {
        var deps = new TreeSet<String>();
        var inbound = new ArrayList<Interaction>();
        interactions.forEach(i -> collect(i, deps, inbound, Integer.MAX_VALUE));
        return of(deps, inbound);
    }

    private static void collect(Interaction i, Set<String> deps, List<Interaction> inbound, int max) {
        if (i.direction() == Direction.OUTBOUND) {
            deps.add(i.attributes().getOrDefault("dependency", i.server()));
        } else if (i.httpRequest() != null && inbound.size() < max) {
            inbound.add(i);
        }
    }

    private static RecordedTraffic of(Set<String> deps, List<Interaction> inbound) {
        inbound.sort(Comparator.comparing(Interaction::startedAt).thenComparingLong(Interaction::sequence));
        var templates = EndpointTemplates.learn(inbound);
        var requests = new ArrayList<ReplayRequest>();
        var first = inbound.isEmpty() ? null : inbound.get(0).startedAt();
        for (var i : inbound) {
            var r = i.httpRequest();
            var headers = new ArrayList<Map.Entry<String, String>>();
            var connectionTokens = r.headers().all("Connection").stream()
                    .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                    .map(s -> s.strip().toLowerCase(Locale.ROOT))
                    .toList();
            for (var h : r.headers().entries()) {
                var name = h.getKey().toLowerCase(Locale.ROOT);
                if (!HOP_BY_HOP.contains(name) && !connectionTokens.contains(name)) {
                    headers.add(new AbstractMap.SimpleImmutableEntry<>(h.getKey(), h.getValue()));
                }
            }
            var response = i.httpResponse();
            String responseText = null;
            String location = null;
            if (response != null) {
                responseText = response.body().textIfValid();
                location = response.headers().first("Location").orElse(null);
            }
            requests.add(new ReplayRequest(
                    requests.size(),
                    r.method(),
                    r.target(),
                    headers,
                    r.body().bytes(),
                    templates.endpoint(r.method(), r.path()),
                    Duration.between(first, i.startedAt()).toNanos(),
                    response == null ? -1 : response.status(),
                    responseText,
                    location));
        }
        return new RecordedTraffic(requests, new ArrayList<>(deps), templates);
    }
}
