package dev.chaostesting.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.recording.LiveRecording;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo bookshop, intercepted by the extension and checked with ChaosAssertions, passing and failing. */
class DemoServiceAssertionsTest {

    static DemoService demo;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        var client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        var request = java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body.isEmpty()
                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @ChaosTest
    @Intercept(target = "127.0.0.1:${demo.port}", name = "shop", protocol = "http")
    static class Bookshop {
        @Test
        void passes(@On("shop") LiveRecording recording, Chaos chaos) throws Exception {
            int port = chaos.interceptor("shop").port();
            assertThat(send(port, "GET", "/health", "").statusCode()).isEqualTo(200);
            assertThat(send(port, "POST", "/api/login", "{\"username\":\"alice\",\"password\":\"wonderland\"}")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(send(port, "GET", "/api/books/1", "").statusCode()).isEqualTo(401);

            ChaosAssertions.assertThat(recording)
                    .hasInteractions(3)
                    .noErrors()
                    .httpRequests()
                    .containsInOrder("GET /health", "POST /api/login")
                    .anyMatch("GET", "/api/books/*")
                    .noneMatch("DELETE", "/**")
                    .anyHasStatus(401)
                    .noServerErrors();
        }

        @Test
        void failsWithTheRecordedRequests(LiveRecording recording, RunningInterceptor proxy) throws Exception {
            send(proxy.port(), "GET", "/health", "");
            ChaosAssertions.assertThat(recording).httpRequests().anyMatch("DELETE", "/api/books/*");
        }

        @Test
        void failsOnCount(LiveRecording recording, RunningInterceptor proxy) throws Exception {
            send(proxy.port(), "GET", "/nowhere", "");
            ChaosAssertions.assertThat(recording).hasInteractions(2);
        }
    }

    @Test
    void assertions_pass_on_real_traffic_and_fail_with_the_recorded_requests_in_the_message() {
        var events = Kit.run(Bookshop.class, Map.of("demo.port", Integer.toString(demo.port())))
                .testEvents();
        events.assertStatistics(s -> s.succeeded(1).failed(2));
        events.assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("failsWithTheRecordedRequests"),
                                finishedWithFailure(
                                        instanceOf(AssertionError.class),
                                        message(m -> m.contains("to contain DELETE /api/books/* but it does not")
                                                && m.contains("http GET /health -> 200")))))
                .haveExactly(
                        1,
                        event(
                                test("failsOnCount"),
                                finishedWithFailure(
                                        instanceOf(AssertionError.class),
                                        message(m -> m.contains("to hold 2 interactions but it holds 1")
                                                && m.contains("http GET /nowhere -> 404")))));
    }
}
