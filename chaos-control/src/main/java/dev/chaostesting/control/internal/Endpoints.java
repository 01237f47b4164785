package dev.chaostesting.control.internal;

import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.FaultSpecs;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.JsonLines;
import dev.chaostesting.recording.LiveRecording;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.spi.ProtocolCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The handlers of every route. */
final class Endpoints {

    static final String JSON_LINES = "application/x-ndjson";

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final Interceptors interceptors;

    private Endpoints(Interceptors interceptors) {
        this.interceptors = interceptors;
    }

    static Router router(Interceptors interceptors) {
        var e = new Endpoints(interceptors);
        var since = Set.of("since", "min", "timeout");
        var sinceAndLimit = Set.of("since", "min", "timeout", "limit");
        return new Router(List.of(
                new Router.Route("GET", "/openapi.json", Set.of(), Endpoints::openApi),
                new Router.Route("GET", "/v1/health", Set.of(), e::health),
                new Router.Route("GET", "/v1/interceptors", Set.of(), e::list),
                new Router.Route("POST", "/v1/interceptors", Set.of(), e::create),
                new Router.Route("GET", "/v1/interceptors/{id}", Set.of(), e::get),
                new Router.Route("DELETE", "/v1/interceptors/{id}", Set.of(), e::delete),
                new Router.Route("GET", "/v1/interceptors/{id}/stats", Set.of(), e::stats),
                new Router.Route("GET", "/v1/interceptors/{id}/faults", Set.of(), e::faults),
                new Router.Route("POST", "/v1/interceptors/{id}/faults", Set.of(), e::inject),
                new Router.Route("DELETE", "/v1/interceptors/{id}/faults", Set.of(), e::clearFaults),
                new Router.Route("GET", "/v1/interceptors/{id}/faults/{faultId}", Set.of(), e::fault),
                new Router.Route("DELETE", "/v1/interceptors/{id}/faults/{faultId}", Set.of(), e::removeFault),
                new Router.Route("GET", "/v1/interceptors/{id}/recording", sinceAndLimit, e::recording),
                new Router.Route("GET", "/v1/interceptors/{id}/recording/summary", since, e::summary)));
    }

    private static void openApi(Call call) throws IOException {
        byte[] document;
        try (InputStream in = Endpoints.class.getResourceAsStream("/dev/chaostesting/control/openapi.json")) {
            if (in == null) {
                throw new ApiError(500, "openapi.json is missing from the class path");
            }
            document = in.readAllBytes();
        }
        call.json(200, Call.JSON.readTree(document));
    }

    private void health(Call call) throws IOException {
        var protocols = new TreeSet<String>();
        for (var codec : ServiceLoader.load(ProtocolCodec.class)) {
            protocols.add(codec.name());
        }
        protocols.add("tcp");
        var body = new LinkedHashMap<String, Object>();
        body.put("status", "ok");
        body.put("interceptors", interceptors.size());
        body.put("faultTypes", FaultSpecs.types());
        body.put("protocols", protocols);
        call.json(200, body);
    }

    private void list(Call call) throws IOException {
        var all = new ArrayList<Object>();
        for (var managed : interceptors.list()) {
            all.add(Views.interceptor(managed));
        }
        call.json(200, Map.of("interceptors", all));
    }

    private void create(Call call) throws IOException {
        var log = new RecentLines();
        var request = CreateRequest.parse(call.jsonObject(), log);
        dev.chaostesting.RunningInterceptor running;
        try {
            running = request.config().start();
        } catch (FileAlreadyExistsException e) {
            throw new ApiError(409, "recordTo: " + e.getMessage());
        } catch (IOException e) {
            if (addressInUse(e)) {
                throw new ApiError(409, "listen: " + e.getMessage() + " (choose another port, or 0 for a free one)");
            }
            throw new ApiError(500, "the interceptor could not start: " + e.getMessage());
        }
        Interceptors.Managed managed;
        try {
            managed = interceptors.add(request.mode(), running, log);
        } catch (RuntimeException e) {
            running.close();
            throw e;
        }
        try {
            interceptors.inject(managed, request.faults());
        } catch (RuntimeException e) {
            // Nothing is left running for a request that is refused.
            interceptors.delete(managed.id());
            throw e;
        }
        call.header("Location", "/v1/interceptors/" + managed.id());
        call.json(201, Views.interceptor(managed));
    }

    /** The JDK says so with a {@link BindException}, Netty's native transport with the errno's text. */
    private static boolean addressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private void get(Call call) throws IOException {
        call.json(200, Views.interceptor(interceptors.get(call.path("id"))));
    }

    private void delete(Call call) throws IOException {
        var managed = interceptors.delete(call.path("id"));
        call.json(200, Views.interceptor(managed));
    }

    private void stats(Call call) throws IOException {
        call.json(200, Views.stats(interceptors.get(call.path("id"))));
    }

    private void faults(Call call) throws IOException {
        var managed = interceptors.get(call.path("id"));
        call.json(200, Map.of("faults", Views.faults(managed.faults())));
    }

    private void inject(Call call) throws IOException {
        var managed = interceptors.get(call.path("id"));
        var body = call.jsonBody();
        if (body instanceof Map<?, ?> map) {
            var injected = interceptors.inject(managed, List.of(fault(map, "fault")));
            call.header(
                    "Location",
                    "/v1/interceptors/" + managed.id() + "/faults/"
                            + injected.get(0).id());
            call.json(201, Views.fault(injected.get(0)));
        } else if (body instanceof List<?>) {
            var injected = interceptors.inject(managed, faultList(body, "faults"));
            call.json(201, Map.of("faults", Views.faults(injected)));
        } else {
            throw new ApiError(
                    400, "body: a JSON " + Call.kind(body) + " (expected a fault object or an array of them)");
        }
    }

    private void clearFaults(Call call) throws IOException {
        var managed = interceptors.get(call.path("id"));
        call.json(200, Map.of("removed", managed.clear()));
    }

    private void fault(Call call) throws IOException {
        var managed = interceptors.get(call.path("id"));
        var faultId = call.path("faultId");
        var fault = managed.fault(faultId)
                .orElseThrow(() -> new ApiError(404, "no fault '" + faultId + "' on interceptor " + managed.id()));
        call.json(200, Views.fault(fault));
    }

    private void removeFault(Call call) throws IOException {
        var managed = interceptors.get(call.path("id"));
        call.json(200, Views.fault(interceptors.removeFault(managed, call.path("faultId"))));
    }

    private void recording(Call call) throws IOException {
        var managed = interceptors.get(call.path("id"));
        var recording = recordingOf(managed);
        long since = call.longQuery("since", 0, 0);
        long limit = call.longQuery("limit", Long.MAX_VALUE, 1);
        awaitNew(call, recording, since);
        try (var stream = interactions(recording)
                        .filter(i -> i.sequence() > since)
                        .limit(limit);
                var out = call.stream(JSON_LINES)) {
            JsonLines.write(stream.iterator(), out);
        }
    }

    private void summary(Call call) throws IOException {
        var managed = interceptors.get(call.path("id"));
        var recording = recordingOf(managed);
        long since = call.longQuery("since", 0, 0);
        awaitNew(call, recording, since);
        var summary = new RecordingSummary(since);
        try (var stream = interactions(recording).filter(i -> i.sequence() > since)) {
            stream.forEach(summary::add);
        }
        call.json(200, summary.toJson(recording.dropped()));
    }

    private static LiveRecording recordingOf(Interceptors.Managed managed) {
        try {
            return managed.running().recording();
        } catch (IllegalStateException e) {
            throw new ApiError(
                    409,
                    "interceptor " + managed.id()
                            + " does not record: create it with \"record\": true or \"recordTo\": \"<dir>\"");
        }
    }

    /**
     * With {@code min}: waits (up to {@code timeout}) until that many interactions were recorded after {@code since}.
     * Sequences count dropped interactions too, so the count stored plus dropped is the last sequence given out.
     */
    private static void awaitNew(Call call, LiveRecording recording, long since) {
        long min = call.longQuery("min", 0, 0);
        var timeout = call.durationQuery("timeout", DEFAULT_WAIT, MAX_WAIT);
        if (min == 0) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (recording.count() + recording.dropped() - since < min) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                recording.awaitCount(recording.count() + 1, Duration.ofNanos(Math.min(left, 50_000_000L)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the control server is shutting down");
        }
    }

    /** Streams from the files when the recording is on disk, so a long recording is never loaded whole. */
    private static Stream<Interaction> interactions(LiveRecording recording) {
        var directory = recording.directory();
        if (directory.isEmpty()) {
            return recording.interactions().stream();
        }
        try {
            return Recording.open(directory.get()).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Fault fault(Map<?, ?> spec, String where) {
        try {
            return FaultSpecs.fromMap((Map<String, ?>) spec);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage());
        }
    }

    /** A JSON array of fault specs; a bad one is named by its position. */
    @SuppressWarnings("unchecked")
    static List<Fault> faultList(Object value, String field) {
        if (!(value instanceof List<?> list)) {
            throw new ApiError(400, field + ": a JSON " + Call.kind(value) + " (expected an array of faults)");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map)) {
                throw new ApiError(
                        400, field + "[" + i + "]: a JSON " + Call.kind(list.get(i)) + " (expected a fault object)");
            }
        }
        try {
            return FaultSpecs.fromList((List<? extends Map<String, ?>>) list);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, e.getMessage().replaceFirst("^faults\\[", field + "["));
        }
    }
}
