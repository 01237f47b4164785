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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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

    /**
     * A service in a network namespace of its own (as in a container): its sockets are read from /proc as usual, and
     * tcpdump runs inside that namespace, where the traffic is.
     */
    @Test
    void a_process_in_another_network_namespace_is_captured_inside_it() throws Exception {
        DebianPackages.require("ip", "iproute2", true);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        var namespace = "chaos_test_" + SELF;
        run("ip", "netns", "add", namespace);
        Process service = null;
        try {
            run("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
            var script = "import http.server, socketserver\n"
                    + "class H(http.server.BaseHTTPRequestHandler):\n"
                    + "    def do_GET(self):\n"
                    + "        body = ('inside ' + self.path).encode()\n"
                    + "        self.send_response(200)\n"
                    + "        self.send_header('Content-Length', str(len(body)))\n"
                    + "        self.end_headers()\n"
                    + "        self.wfile.write(body)\n"
                    + "s = socketserver.TCPServer(('127.0.0.1', 0), H)\n"
                    + "print(s.server_address[1], flush=True)\n"
                    + "s.serve_forever()\n";
            service = new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c", script).start();
            int port = Integer.parseInt(
                    new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))
                            .readLine()
                            .strip());
            var rec = dir.resolve("rec");
            try (var recorder = CaptureRecorder.create(rec, "pid " + service.pid(), Map.of("mode", "capture"))) {
                var log = new ArrayList<String>();
                var capture = ProcessCapture.start(service.pid(), CaptureOptions.defaults(), recorder, log::add);
                assertThat(capture.inboundPorts()).containsExactly(port);
                // The client must be in that namespace too: its loopback is not ours.
                var client = "import urllib.request\n" + "print(urllib.request.urlopen('http://127.0.0.1:" + port
                        + "/in-namespace').read().decode())\n";
                assertThat(run("ip", "netns", "exec", namespace, "python3", "-c", client))
                        .isEqualTo("inside /in-namespace");
                capture.stop();
                assertThat(log).anySatisfy(line -> assertThat(line).contains("network namespace of process"));
            }
            var interactions = Recording.open(rec).interactions();
            assertThat(interactions).hasSize(1);
            assertThat(interactions.get(0).direction()).isEqualTo(Direction.INBOUND);
            assertThat(interactions.get(0).httpRequest().path()).isEqualTo("/in-namespace");
            assertThat(interactions.get(0).httpResponse().body().textIfValid()).isEqualTo("inside /in-namespace");
        } finally {
            if (service != null) {
                service.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            run("ip", "netns", "delete", namespace);
        }
    }

    /** Runs a command to its end and returns what it printed; fails the test when it fails. */
    private static String run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + ": " + output)
                .isZero();
        return output;
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
