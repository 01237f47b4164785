package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.JsonLines;
import dev.chaostesting.recording.Recording;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo bookshop behind an interceptor created through the API; its recording read back through the API. */
class RecordingThroughApiTest {

    private DemoService demo;
    private ControlServer server;
    private Api api;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @BeforeEach
    void start() throws IOException {
        demo = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server = ControlServer.start(ControlServer.Options.defaults().port(0));
        api = new Api(server);
    }

    @AfterEach
    void stop() {
        server.close();
        demo.close();
    }

    @Test
    void the_recording_streams_as_json_lines_and_since_reads_only_a_step() throws Exception {
        var interceptor = api.create(Map.of("target", "127.0.0.1:" + demo.port(), "protocol", "http"));
        var id = interceptor.path("id").asText();
        var proxy = URI.create("http://" + interceptor.path("address").asText());
        assertThat(interceptor.path("recording").path("enabled").asBoolean()).isTrue();
        assertThat(interceptor.path("recording").path("directory").isNull()).isTrue();

        assertThat(send(proxy, "GET", "/health", null).statusCode()).isEqualTo(200);
        var login = send(proxy, "POST", "/api/login", "{\"username\":\"alice\",\"password\":\"wonderland\"}");
        assertThat(login.statusCode()).isEqualTo(200);

        var first = lines(api.get("/v1/interceptors/" + id + "/recording?min=2&timeout=20s"));
        assertThat(first).hasSize(2);
        assertThat(first.get(0).httpRequest().target()).isEqualTo("/health");
        assertThat(first.get(0).httpResponse().status()).isEqualTo(200);
        assertThat(first.get(1).httpRequest().method()).isEqualTo("POST");
        // What the API exports is the redacted recording: the password never leaves the interceptor.
        assertThat(first.get(1).httpRequest().body().text())
                .doesNotContain("wonderland")
                .contains("<redacted>");

        // A test step: remember where the recording is, act, read only what the step did.
        long since = api.get("/v1/interceptors/" + id)
                .json()
                .path("recording")
                .path("lastSequence")
                .asLong();
        assertThat(since).isEqualTo(2);
        assertThat(send(proxy, "GET", "/api/books/0000", null).statusCode()).isEqualTo(401);
        var step = lines(api.get("/v1/interceptors/" + id + "/recording?min=1&since=" + since));
        assertThat(step).singleElement().satisfies(i -> {
            assertThat(i.sequence()).isEqualTo(3);
            assertThat(i.httpRequest().target()).isEqualTo("/api/books/0000");
            assertThat(i.httpResponse().status()).isEqualTo(401);
        });
        assertThat(lines(api.get("/v1/interceptors/" + id + "/recording?limit=1")))
                .hasSize(1);
        // Nothing new: an empty answer, after waiting at most the timeout.
        var nothing = api.get("/v1/interceptors/" + id + "/recording?since=3&min=1&timeout=200ms");
        assertThat(nothing.status()).isEqualTo(200);
        assertThat(nothing.raw().headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        assertThat(nothing.body()).isEmpty();

        var summary =
                api.get("/v1/interceptors/" + id + "/recording/summary?since=1").json();
        assertThat(summary.path("interactions").asInt()).isEqualTo(2);
        assertThat(summary.path("firstSequence").asInt()).isEqualTo(2);
        assertThat(summary.path("lastSequence").asInt()).isEqualTo(3);
        assertThat(summary.path("protocols").path("http").path("interactions").asInt())
                .isEqualTo(2);
        assertThat(summary.path("endpoints").toString())
                .contains("\"endpoint\":\"POST /api/login\"", "\"endpoint\":\"GET /api/books/{id}\"", "\"401\":1");

        var bad = api.get("/v1/interceptors/" + id + "/recording?since=-1");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("query parameter since=-1 (expected: a whole number >= 0)");
        assertThat(api.get("/v1/interceptors/" + id + "/recording?timeout=2h").status())
                .isEqualTo(400);
    }

    @Test
    void the_summary_of_a_whole_session_matches_what_the_client_saw() throws Exception {
        var id = api.create(Map.of("port", demo.port())).path("id").asText();
        var proxy = URI.create("http://127.0.0.1:"
                + api.get("/v1/interceptors/" + id).json().path("port").asInt());
        var session = DemoTraffic.run(proxy, http);
        assertThat(session.unexpected()).isEmpty();

        var recorded = lines(api.get("/v1/interceptors/" + id + "/recording?min=" + session.requests()));
        assertThat(recorded).hasSize(session.requests());
        var statuses = new TreeMap<Integer, Integer>();
        recorded.forEach(i -> statuses.merge(i.httpResponse().status(), 1, Integer::sum));
        assertThat(statuses).isEqualTo(session.byStatus());

        var summary = api.get("/v1/interceptors/" + id + "/recording/summary").json();
        assertThat(summary.path("interactions").asInt()).isEqualTo(session.requests());
        assertThat(summary.path("errors").asInt()).isZero();
        var fromSummary = new TreeMap<Integer, Integer>();
        summary.path("endpoints")
                .forEach(e -> e.path("statuses")
                        .properties()
                        .forEach(s -> fromSummary.merge(
                                Integer.parseInt(s.getKey()), s.getValue().asInt(), Integer::sum)));
        assertThat(fromSummary).isEqualTo(session.byStatus());
        assertThat(api.get("/v1/interceptors/" + id + "/stats")
                        .json()
                        .path("interactions")
                        .asInt())
                .isEqualTo(session.requests());
    }

    @Test
    void a_recording_directory_stays_after_the_interceptor_is_deleted(@TempDir Path dir) throws Exception {
        var target = dir.resolve("rec");
        var interceptor = api.create(Map.of("port", demo.port(), "recordTo", target.toString()));
        var id = interceptor.path("id").asText();
        assertThat(interceptor.path("recording").path("directory").asText()).isEqualTo(target.toString());
        var proxy = URI.create("http://" + interceptor.path("address").asText());
        for (int i = 0; i < 3; i++) {
            assertThat(send(proxy, "GET", "/health", null).statusCode()).isEqualTo(200);
        }
        // Streamed from the files while the interceptor runs.
        assertThat(lines(api.get("/v1/interceptors/" + id + "/recording?min=3")))
                .hasSize(3);

        var again = api.post("/v1/interceptors", Map.of("port", demo.port(), "recordTo", target.toString()));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).contains("already holds a recording");

        var deleted = api.delete("/v1/interceptors/" + id);
        assertThat(deleted.json().path("recording").path("directory").asText()).isEqualTo(target.toString());
        assertThatThrownBy(() -> new Socket(
                                InetAddress.getLoopbackAddress(),
                                interceptor.path("port").asInt())
                        .close())
                .isInstanceOf(ConnectException.class);
        assertThat(Files.isDirectory(target)).isTrue();
        var recording = Recording.open(target);
        assertThat(recording.info().interactions()).isEqualTo(3);
        assertThat(recording.interactions())
                .extracting(i -> i.httpRequest().target())
                .containsExactly("/health", "/health", "/health");
    }

    @Test
    void an_interceptor_that_does_not_record_says_so() {
        var id = api.create(Map.of("port", demo.port(), "record", false))
                .path("id")
                .asText();
        var answer = api.get("/v1/interceptors/" + id + "/recording");
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.error())
                .isEqualTo("interceptor " + id
                        + " does not record: create it with \"record\": true or \"recordTo\": \"<dir>\"");
        assertThat(api.get("/v1/interceptors/" + id + "/recording/summary").status())
                .isEqualTo(409);
    }

    private HttpResponse<String> send(URI base, String method, String path, String body) throws Exception {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Interaction> lines(Api.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        try (var stream = JsonLines.read(
                new ByteArrayInputStream(answer.body().getBytes(StandardCharsets.UTF_8)), "control API")) {
            return stream.toList();
        }
    }
}
