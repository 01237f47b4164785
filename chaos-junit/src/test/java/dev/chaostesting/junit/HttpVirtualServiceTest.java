package dev.chaostesting.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recorded HTTP dependency answers again through MockWebServer, in order, with faults. */
class HttpVirtualServiceTest {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    record Answer(int status, String body) {}

    Answer call(URI base, String method, String path, String token, String body, Duration timeout) throws Exception {
        var builder = java.net.http.HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .method(method, body.isEmpty() ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (!token.isEmpty()) {
            builder.header("Authorization", "Bearer " + token);
        }
        var response = client.send(builder.build(), BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    Answer call(URI base, String method, String path, String token, String body) throws Exception {
        return call(base, method, path, token, body, Duration.ofSeconds(10));
    }

    static String book(String title) {
        return "{\"title\":\"" + title + "\",\"author\":\"Ann\",\"year\":2001}";
    }

    @Test
    void the_recorded_bookshop_answers_again_in_order_with_bodies_told_apart() throws Exception {
        var recorded = new ArrayList<Answer>();
        List<Interaction> interactions;
        try (var demo = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                var proxy = Interceptor.onPort(demo.port())
                        .protocol("http")
                        .record()
                        .start()) {
            var base = URI.create("http://127.0.0.1:" + proxy.port() + "/");
            var login = call(base, "POST", "/api/login", "", "{\"username\":\"alice\",\"password\":\"wonderland\"}");
            var m = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(login.body());
            assertThat(m.find()).isTrue();
            var token = m.group(1);
            recorded.add(call(base, "GET", "/api/books", token, ""));
            recorded.add(call(base, "POST", "/api/books", token, book("A")));
            recorded.add(call(base, "POST", "/api/books", token, book("B")));
            recorded.add(call(base, "POST", "/api/books", token, book("A")));
            recorded.add(call(base, "GET", "/api/books", token, ""));
            assertThat(proxy.recording().awaitCount(6, Duration.ofSeconds(10))).isTrue();
            interactions = proxy.recording().interactions();
        }
        assertThat(recorded).extracting(Answer::status).containsExactly(200, 201, 201, 409, 200);

        try (var virtual = HttpVirtualService.from(interactions).start()) {
            var base = virtual.url("/");
            // The same calls in another order: bodies pick the POSTs, order picks the GETs.
            assertThat(call(base, "POST", "/api/books", "t", book("B"))).isEqualTo(recorded.get(2));
            assertThat(call(base, "POST", "/api/books", "t", book("A"))).isEqualTo(recorded.get(1));
            assertThat(call(base, "POST", "/api/books", "t", book("A"))).isEqualTo(recorded.get(3));
            assertThat(call(base, "GET", "/api/books", "t", "")).isEqualTo(recorded.get(0));
            assertThat(call(base, "GET", "/api/books", "t", "")).isEqualTo(recorded.get(4));
            assertThat(call(base, "GET", "/api/books", "t", ""))
                    .as("the last answer repeats")
                    .isEqualTo(recorded.get(4));
            assertThat(recorded.get(0).body()).contains("\"total\":0");
            assertThat(recorded.get(4).body()).contains("\"total\":2");

            var missing = call(base, "DELETE", "/api/books/1", "t", "");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.body()).isEqualTo("no recorded exchange for DELETE /api/books/1\n");
            assertThat(virtual.unmatched()).containsExactly("DELETE /api/books/1");
            assertThat(virtual.requestCount()).isEqualTo(7);
        }
    }

    static Interaction exchange(String method, String target, int status, String body) {
        return Interaction.builder()
                .protocol("http")
                .request(HttpRequest.builder().method(method).target(target).build())
                .response(HttpResponse.builder()
                        .status(status)
                        .reason(status == 200 ? "OK" : "")
                        .headers(Headers.of("Content-Type", "text/plain", "Transfer-Encoding", "chunked"))
                        .body(Body.ofText(body))
                        .build())
                .build();
    }

    static final List<Interaction> SIMPLE = List.of(
            exchange("GET", "/health", 200, "ok"),
            exchange("GET", "/slow", 200, "late"),
            exchange("GET", "/gone", 200, "never seen"),
            Interaction.builder()
                    .protocol("http")
                    .request(HttpRequest.builder()
                            .method("POST")
                            .target("/reset")
                            .build())
                    .error("connection reset by the server")
                    .build());

    @Test
    void faults_answer_with_an_error_status_late_or_not_at_all() throws Exception {
        try (var virtual = HttpVirtualService.from(SIMPLE)
                .fault(HttpFault.status(503).on("GET", "/health").times(1))
                .fault(HttpFault.delay(Duration.ofMillis(400)).on("GET", "/slow"))
                .fault(HttpFault.disconnect().on("GET", "/gone"))
                .fault(HttpFault.noResponse().on("GET", "/hang"))
                .start()) {
            var base = virtual.url("/");
            assertThat(call(base, "GET", "/health", "", "")).isEqualTo(new Answer(503, ""));
            assertThat(call(base, "GET", "/health", "", "")).isEqualTo(new Answer(200, "ok"));

            long start = System.nanoTime();
            assertThat(call(base, "GET", "/slow", "", "")).isEqualTo(new Answer(200, "late"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

            assertThatThrownBy(() -> call(base, "GET", "/gone", "", "")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> call(base, "POST", "/reset", "", ""))
                    .as("a recorded exchange without a response")
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> call(base, "GET", "/hang", "", "", Duration.ofMillis(500)))
                    .isInstanceOf(HttpTimeoutException.class);
        }
    }

    @Test
    void a_har_file_is_enough_to_start_one(@TempDir Path dir) throws Exception {
        var har = dir.resolve("dependency.har");
        try (var out = Files.newOutputStream(har)) {
            Har.write(SIMPLE.iterator(), out);
        }
        try (var virtual = HttpVirtualService.fromFile(har).recordedTiming().start()) {
            assertThat(call(virtual.url("/"), "GET", "/health", "", "")).isEqualTo(new Answer(200, "ok"));
            assertThat(virtual.port()).isEqualTo(virtual.url("/").getPort());
        }
    }
}
