package dev.chaostesting.protocols.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.chaostesting.capture.CaptureImport;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.testing.DebianPackages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real packets: tcpdump captures loopback traffic between the JDK's HTTP client and a small local HTTP server, and the
 * import must give back what the client sent and the server answered. Needs tcpdump and root; skipped (with the
 * reason shown) otherwise.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopbackTcpdumpTest {

    @TempDir
    Path dir;

    @Test
    void loopback_traffic_captured_by_tcpdump_imports_as_sent() throws Exception {
        var tcpdump = DebianPackages.require("tcpdump", "tcpdump", true).toString();

        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var answer = ("echo " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        var file = dir.resolve("lo.pcap");
        var capture = new ProcessBuilder(
                        tcpdump,
                        "-i",
                        "lo",
                        "-U",
                        "--immediate-mode",
                        "-Z",
                        "root",
                        "-w",
                        file.toString(),
                        "tcp port " + port)
                .redirectErrorStream(true)
                .start();
        try {
            awaitListening(capture);
            var client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var base = "http://127.0.0.1:" + port;
            var created = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/items"))
                            .POST(HttpRequest.BodyPublishers.ofString("first body"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            var read = client.send(
                    HttpRequest.newBuilder(URI.create(base + "/items/1?x=y")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.body()).isEqualTo("echo POST /items first body");
            assertThat(read.body()).isEqualTo("echo GET /items/1?x=y ");
            // Immediate mode writes each packet as it comes; leave a moment for the last ACKs.
            Thread.sleep(300);
        } finally {
            capture.destroy();
            capture.waitFor(10, TimeUnit.SECONDS);
            server.stop(0);
        }

        var interactions = new ArrayList<Interaction>();
        try (var in = Files.newInputStream(file)) {
            CaptureImport.read(in, file.toString(), CaptureOptions.defaults().onlyPorts(port), interactions::add);
        }

        assertThat(interactions).extracting(Interaction::protocol).containsOnly("http");
        assertThat(interactions).extracting(i -> i.httpRequest().method()).containsExactly("POST", "GET");
        assertThat(interactions).extracting(i -> i.httpRequest().target()).containsExactly("/items", "/items/1?x=y");
        assertThat(interactions).extracting(i -> i.httpRequest().body().text()).containsExactly("first body", "");
        assertThat(interactions).extracting(i -> i.httpResponse().status()).containsExactly(200, 200);
        assertThat(interactions)
                .extracting(i -> i.httpResponse().body().text())
                .containsExactly("echo POST /items first body", "echo GET /items/1?x=y ");
        assertThat(interactions).extracting(Interaction::server).containsOnly("127.0.0.1:" + port);
        assertThat(interactions).allSatisfy(i -> assertThat(i.durationMicros()).isNotNegative());
    }

    /** tcpdump says "listening on lo" once it captures; anything it printed is shown if it stops before that. */
    private static void awaitListening(Process capture) throws InterruptedException {
        var listening = new CountDownLatch(1);
        var output = new ArrayList<String>();
        var reader = new Thread(
                () -> {
                    try (var lines = new BufferedReader(
                            new InputStreamReader(capture.getInputStream(), StandardCharsets.UTF_8))) {
                        for (var line = lines.readLine(); line != null; line = lines.readLine()) {
                            synchronized (output) {
                                output.add(line);
                            }
                            if (line.contains("listening on")) {
                                listening.countDown();
                            }
                        }
                    } catch (IOException e) {
                        // The process ended; what it printed is in output.
                    }
                },
                "tcpdump-output");
        reader.setDaemon(true);
        reader.start();
        if (!listening.await(15, TimeUnit.SECONDS)) {
            List<String> printed;
            synchronized (output) {
                printed = List.copyOf(output);
            }
            throw new AssertionError("tcpdump did not start capturing within 15 s; it printed: " + printed);
        }
    }
}
