package dev.chaostesting.junit;

import dev.chaostesting.junit.internal.Describe;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import dev.chaostesting.recording.JsonLines;
import dev.chaostesting.recording.LiveRecording;
import dev.chaostesting.recording.Recording;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP dependency virtualised from a recording: an OkHttp {@link MockWebServer} on loopback that answers each
 * request as the recorded dependency answered it, optionally with {@link HttpFault}s. Point the service under test at
 * {@link #url(String)} instead of the real dependency. Needs {@code com.squareup.okhttp3:mockwebserver3} on the test
 * class path.
 *
 * <p>Matching: a request gets the recorded exchange with the same method and target (path and query; failing that the
 * same path), the first one not used yet, in recording order, so a sequence of calls replays as recorded. When several
 * recorded exchanges match and their bodies differ, one with the same request body is preferred. Once all matching
 * exchanges were used the last one answers again. A recorded exchange that got no response (a reset, a timeout) is
 * replayed as a closed connection. A request nothing matches gets 404 with a body naming it (see
 * {@link Builder#unmatchedStatus}) and is listed by {@link #unmatched()}.
 *
 * <pre>{@code
 * try (var payments = HttpVirtualService.from(Recording.open(Path.of("rec/payments")))
 *         .fault(HttpFault.status(503).on("POST", "/charges").times(1))
 *         .start()) {
 *     var service = new OrderService(payments.url("/"));
 *     ...
 * }
 * }</pre>
 */
public final class HttpVirtualService implements AutoCloseable {

    private static final Set<String> FRAMING_HEADERS =
            Set.of("content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive");

    private final MockWebServer server;
    private final Replay replay;

    private HttpVirtualService(MockWebServer server, Replay replay) {
        this.server = server;
        this.replay = replay;
    }

    /** A virtual service answering as in these interactions (those that are not HTTP are ignored). */
    public static Builder from(List<Interaction> interactions) {
        return new Builder(interactions);
    }

    /** A virtual service answering as in this recording. */
    public static Builder from(Recording recording) {
        return new Builder(recording.interactions());
    }

    /** A virtual service answering as in what this live recording holds now. */
    public static Builder from(LiveRecording recording) {
        return new Builder(recording.interactions());
    }

    /** A virtual service answering as in a recording directory, a HAR file ({@code .har}) or JSON Lines file. */
    public static Builder fromFile(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return from(Recording.open(path));
        }
        var name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".har")) {
            return from(Har.read(path));
        }
        try (var lines = JsonLines.read(Files.newInputStream(path), path.toString())) {
            return from(lines.collect(Collectors.toList()));
        }
    }

    /** The port it listens on (loopback). */
    public int port() {
        return server.getPort();
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI url(String path) {
        return URI.create("http://" + server.getHostName() + ":" + port() + (path.startsWith("/") ? "" : "/") + path);
    }

    /** Requests answered so far, matched or not. */
    public int requestCount() {
        return server.getRequestCount();
    }

    /** The requests nothing in the recording matched, as {@code "METHOD target"}, in arrival order. */
    public List<String> unmatched() {
        return replay.unmatched();
    }

    /** Stops the server and closes its connections. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "HttpVirtualService[" + url("/") + ", " + replay.size() + " recorded exchanges]";
    }

    /** Configures a virtual service; {@link #start()} starts it. */
    public static final class Builder {
        private final List<Interaction> interactions;
        private final List<HttpFault> faults = new ArrayList<>();
        private boolean recordedTiming;
        private int unmatchedStatus = 404;
        private int port;

        private Builder(List<Interaction> interactions) {
            this.interactions = List.copyOf(interactions);
        }

        /** Adds a fault; the faults of a request apply in the order added. */
        public Builder fault(HttpFault fault) {
            faults.add(Objects.requireNonNull(fault, "fault"));
            return this;
        }

        /** Holds each response back for as long as the recorded one took to start (its time to first byte). */
        public Builder recordedTiming() {
            recordedTiming = true;
            return this;
        }

        /** The status of the answer to a request the recording does not hold (default 404). */
        public Builder unmatchedStatus(int status) {
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("unmatchedStatus: " + status + " (expected: 100..999)");
            }
            unmatchedStatus = status;
            return this;
        }

        /** Listens on this loopback port (default 0: any free port). */
        public Builder listenPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        public HttpVirtualService start() throws IOException {
            var replay = new Replay(interactions, faults, recordedTiming, unmatchedStatus);
            var server = new MockWebServer();
            server.setDispatcher(replay);
            server.start(InetAddress.getLoopbackAddress(), port);
            return new HttpVirtualService(server, replay);
        }
    }

    /** Picks the recorded exchange for each request and builds MockWebServer's answer. */
    private static final class Replay extends Dispatcher {
        private final List<Interaction> exchanges;
        private final boolean[] used;
        private final List<HttpFault> faults;
        private final int[] faultUses;
        private final boolean recordedTiming;
        private final int unmatchedStatus;
        private final List<String> unmatched = new ArrayList<>();

        Replay(List<Interaction> interactions, List<HttpFault> faults, boolean recordedTiming, int unmatchedStatus) {
            this.exchanges =
                    interactions.stream().filter(i -> i.httpRequest() != null).toList();
            this.used = new boolean[exchanges.size()];
            this.faults = List.copyOf(faults);
            this.faultUses = new int[faults.size()];
            this.recordedTiming = recordedTiming;
            this.unmatchedStatus = unmatchedStatus;
        }

        int size() {
            return exchanges.size();
        }

        synchronized List<String> unmatched() {
            return List.copyOf(unmatched);
        }

        @Override
        public synchronized MockResponse dispatch(RecordedRequest request) {
            var method = request.getMethod() == null ? "" : request.getMethod();
            var target = request.getTarget() == null ? "/" : request.getTarget();
            var body =
                    request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
            var exchange = pick(method, target, body);
            MockResponse.Builder answer;
            if (exchange == null) {
                unmatched.add(method + " " + target);
                answer = new MockResponse.Builder()
                        .code(unmatchedStatus)
                        .addHeader("Content-Type", "text/plain; charset=utf-8")
                        .body("no recorded exchange for " + method + " " + target + "\n");
            } else {
                answer = recorded(exchange);
            }
            applyFaults(answer, method, target);
            return answer.build();
        }

        private @Nullable Interaction pick(String method, String target, byte[] body) {
            var path = pathOf(target);
            var candidates = indexes(i -> method.equals(i.method()) && target.equals(i.target()));
            if (candidates.isEmpty()) {
                candidates = indexes(i -> method.equals(i.method()) && path.equals(i.path()));
            }
            if (candidates.isEmpty()) {
                return null;
            }
            var sameBody = candidates.stream()
                    .filter(n ->
                            Arrays.equals(exchanges.get(n).httpRequest().body().bytes(), body))
                    .toList();
            if (!sameBody.isEmpty() && sameBody.size() < candidates.size()) {
                candidates = sameBody;
            }
            for (int n : candidates) {
                if (!used[n]) {
                    used[n] = true;
                    return exchanges.get(n);
                }
            }
            return exchanges.get(candidates.get(candidates.size() - 1));
        }

        private List<Integer> indexes(java.util.function.Predicate<HttpRequest> test) {
            var out = new ArrayList<Integer>();
            for (int n = 0; n < exchanges.size(); n++) {
                if (test.test(exchanges.get(n).httpRequest())) {
                    out.add(n);
                }
            }
            return out;
        }

        private MockResponse.Builder recorded(Interaction exchange) {
            var answer = new MockResponse.Builder();
            HttpResponse response = exchange.httpResponse();
            if (response == null) {
                // Recorded without an answer (reset, timeout, cut): the client sees the connection end.
                return answer.onResponseStart(new SocketEffect.CloseSocket());
            }
            var reason = response.reason().isEmpty() ? "" : " " + response.reason();
            answer.status("HTTP/1.1 " + response.status() + reason);
            for (var header : response.headers().entries()) {
                if (!FRAMING_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    answer.addHeaderLenient(header.getKey(), header.getValue());
                }
            }
            answer.body(new Buffer().write(response.body().bytes()));
            if (recordedTiming && exchange.timeToFirstByteMicros() > 0) {
                answer.headersDelay(exchange.timeToFirstByteMicros(), TimeUnit.MICROSECONDS);
            }
            return answer;
        }

        private void applyFaults(MockResponse.Builder answer, String method, String target) {
            var path = pathOf(target);
            for (int n = 0; n < faults.size(); n++) {
                var f = faults.get(n);
                if ((f.method() != null && !f.method().equals(method))
                        || (f.path() != null
                                && !Describe.pathPattern(f.path()).matcher(path).matches())
                        || (f.times() > 0 && faultUses[n] >= f.times())) {
                    continue;
                }
                faultUses[n]++;
                switch (f.kind()) {
                    case STATUS -> answer.clearHeaders().code(f.status()).body("");
                    case DELAY -> answer.headersDelay(f.delay().toNanos(), TimeUnit.NANOSECONDS);
                    case DISCONNECT -> answer.onResponseStart(new SocketEffect.CloseSocket());
                    case NO_RESPONSE -> answer.onResponseStart(SocketEffect.Stall.INSTANCE);
                    case THROTTLE -> answer.throttleBody(f.bytesPerSecond(), 1, TimeUnit.SECONDS);
                }
            }
        }

        private static String pathOf(String target) {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }
}
