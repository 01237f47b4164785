package dev.chaostesting.protocols.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.CaptureRecorder;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.testing.DebianPackages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Live capture of real loopback HTTP traffic into a recording, on both interface choices. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LiveCaptureTest {

    @TempDir
    Path dir;

    @BeforeEach
    void tcpdump() {
        DebianPackages.require("tcpdump", "tcpdump", true);
    }

    static HttpServer echoServer() throws java.io.IOException {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var answer = ("echo " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(
                    exchange.getRequestURI().getPath().equals("/missing") ? 404 : 200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void every_request_sent_during_the_capture_is_recorded_inbound_on_any() throws Exception {
        capturesEveryRequest("any");
    }

    @Test
    void every_request_sent_during_the_capture_is_recorded_inbound_on_lo() throws Exception {
        capturesEveryRequest("lo");
    }

    private void capturesEveryRequest(String networkInterface) throws Exception {
        var server = echoServer();
        int port = server.getAddress().getPort();
        var rec = dir.resolve("rec-" + networkInterface);
        try (var recorder = CaptureRecorder.create(rec, "127.0.0.1:" + port, Map.of("mode", "capture"))) {
            var capture = LiveCapture.start(
                    networkInterface,
                    "tcp port " + port,
                    CaptureOptions.defaults().onlyPorts(port),
                    recorder::append);
            var client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var base = "http://127.0.0.1:" + port;
            client.send(
                    HttpRequest.newBuilder(URI.create(base + "/items"))
                            .POST(HttpRequest.BodyPublishers.ofString("first"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            client.send(
                    HttpRequest.newBuilder(URI.create(base + "/items/1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            client.send(
                    HttpRequest.newBuilder(URI.create(base + "/missing")).build(),
                    HttpResponse.BodyHandlers.ofString());
            var summary = capture.stop();
            assertThat(summary.packetsCaptured()).isPositive();
            assertThat(summary.packetsDroppedByKernel()).isZero();
            assertThat(summary.capture().interactions()).isEqualTo(3);
            assertThat(capture.interactions()).isEqualTo(3);
            assertThat(capture.packets()).isPositive();
        } finally {
            server.stop(0);
        }
        var interactions = Recording.open(rec).interactions();
        assertThat(interactions).extracting(i -> i.httpRequest().method()).containsExactly("POST", "GET", "GET");
        assertThat(interactions)
                .extracting(i -> i.httpRequest().path())
                .containsExactly("/items", "/items/1", "/missing");
        assertThat(interactions).extracting(i -> i.httpResponse().status()).containsExactly(200, 200, 404);
        assertThat(interactions).extracting(Interaction::direction).containsOnly(Direction.INBOUND);
        assertThat(interactions).extracting(Interaction::sequence).containsExactly(1L, 2L, 3L);
        assertThat(Recording.open(rec).info().source()).isEqualTo("capture");
    }
}
