package dev.chaostesting.protocols.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.CaptureRecorder;
import dev.chaostesting.capture.ProcessCapture;
import dev.chaostesting.capture.ProcessSockets;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.testing.DebianPackages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Observing this test JVM by its pid: it listens on a port (inbound) and holds a connection to a server in another
 * process (a dependency), both found in /proc and captured; a port opened while observing is picked up too.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessCaptureTest {

    private static final long SELF = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @BeforeEach
    void tcpdump() {
        DebianPackages.require("tcpdump", "tcpdump", true);
    }

    @Test
    void inbound_and_outbound_traffic_of_a_pid_is_recorded_with_its_dependency() throws Exception {
        var service = LiveCaptureTest.echoServer();
        var dependencyProcess = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        DependencyServer.class.getName())
                .start();
        HttpServer later = null;
        var rec = dir.resolve("rec");
        try (var dependencyPortLine =
                new BufferedReader(new InputStreamReader(dependencyProcess.getInputStream(), StandardCharsets.UTF_8))) {
            int dependencyPort = Integer.parseInt(dependencyPortLine.readLine().strip());
            try (var toDependency = new Socket(InetAddress.getLoopbackAddress(), dependencyPort)) {
                var sockets = ProcessSockets.of(SELF);
                assertThat(sockets.listeningPorts())
                        .contains(service.getAddress().getPort());
                assertThat(sockets.dependencies())
                        .contains(new InetSocketAddress(InetAddress.getLoopbackAddress(), dependencyPort));

                var log = new ArrayList<String>();
                try (var recorder = CaptureRecorder.create(rec, "pid " + SELF, Map.of("mode", "capture"))) {
                    var capture = ProcessCapture.start(SELF, CaptureOptions.defaults(), recorder, line -> {
                        synchronized (log) {
                            log.add(line);
                        }
                    });
                    var client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .build();
                    var inbound = client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + service.getAddress().getPort() + "/in"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(inbound.body()).isEqualTo("echo GET /in ");
                    // The dependency connection was open before the capture started: its SYN is not captured.
                    var request = "GET /dep HTTP/1.1\r\nHost: dep\r\nContent-Length: 0\r\n\r\n";
                    toDependency.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    toDependency.getOutputStream().flush();
                    assertThat(readResponse(toDependency)).startsWith("HTTP/1.1 200");

                    later = LiveCaptureTest.echoServer();
                    int laterPort = later.getAddress().getPort();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!capture.inboundPorts().contains(laterPort) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(capture.inboundPorts()).contains(laterPort);
                    client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + laterPort + "/later"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    var summaries = capture.stop();
                    assertThat(summaries)
                            .allSatisfy(
                                    s -> assertThat(s.packetsDroppedByKernel()).isZero());
                }
                synchronized (log) {
                    assertThat(log).anySatisfy(line -> assertThat(line).contains("port " + dependencyPort));
                }
                var interactions = Recording.open(rec).interactions();
                assertThat(interactions)
                        .filteredOn(i -> i.direction() == Direction.INBOUND)
                        .extracting(i -> i.httpRequest().path())
                        .contains("/in", "/later");
                var outbound = interactions.stream()
                        .filter(i -> i.direction() == Direction.OUTBOUND)
                        .toList();
                assertThat(outbound).extracting(i -> i.httpRequest().path()).containsExactly("/dep");
                assertThat(outbound.get(0).attributes())
                        .containsEntry("dependency", "127.0.0.1:" + dependencyPort)
                        .containsEntry("dependencyProtocol", "http");
                assertThat(outbound.get(0).httpResponse().status()).isEqualTo(200);
                assertThat(interactions).extracting(Interaction::sequence).isEqualTo(sequence(interactions.size()));
            }
        } finally {
            service.stop(0);
            if (later != null) {
                later.stop(0);
            }
            dependencyProcess.destroyForcibly();
        }
    }

    private static List<Long> sequence(int n) {
        var list = new ArrayList<Long>();
        for (long i = 1; i <= n; i++) {
            list.add(i);
        }
        return list;
    }

    /** Reads one response with a Content-Length body from a raw socket. */
    private static String readResponse(Socket socket) throws IOException {
        var in = socket.getInputStream();
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (m.find()) {
            in.readNBytes(Integer.parseInt(m.group(1)));
        }
        return head.toString();
    }

    /** The dependency: an HTTP server in another process, which prints its port. */
    static final class DependencyServer {
        public static void main(String[] args) throws IOException {
            var server = LiveCaptureTest.echoServer();
            System.out.println(server.getAddress().getPort());
            System.out.flush();
        }
    }
}
