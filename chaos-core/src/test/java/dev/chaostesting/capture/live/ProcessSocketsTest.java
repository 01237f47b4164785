package dev.chaostesting.capture.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.capture.ProcessSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Discovery from /proc, on this JVM's own sockets and on processes chosen to fail. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcessSocketsTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void finds_listening_ports_and_outbound_connections_but_not_accepted_or_internal_ones() throws Exception {
        var loopback = InetAddress.getLoopbackAddress();
        try (var service = new ServerSocket(0, 50, loopback);
                var inboundClient = new Socket(loopback, service.getLocalPort());
                var accepted = service.accept()) {
            // The dependency must be another process's socket for it to count: a JVM talking to itself is not one.
            var other = startListener();
            try {
                int dependencyPort = awaitPort(other);
                try (var outbound = new Socket(loopback, dependencyPort)) {
                    var sockets = ProcessSockets.of(SELF);
                    assertThat(sockets.pid()).isEqualTo(SELF);
                    assertThat(sockets.listeningPorts()).contains(service.getLocalPort());
                    assertThat(sockets.listeningPorts()).doesNotContain(dependencyPort);
                    assertThat(sockets.dependencies()).contains(new InetSocketAddress(loopback, dependencyPort));
                    // The connection to our own service is internal, the accepted one is inbound.
                    assertThat(sockets.dependencies())
                            .doesNotContain(new InetSocketAddress(loopback, service.getLocalPort()))
                            .noneMatch(a -> a.getPort() == inboundClient.getLocalPort());
                }
            } finally {
                other.destroyForcibly();
            }
        }
    }

    @Test
    void a_missing_process_is_named() {
        assertThatThrownBy(() -> ProcessSockets.of(999_999_999L))
                .isInstanceOf(IOException.class)
                .hasMessage("no process with pid 999999999");
    }

    @Test
    void a_process_without_tcp_sockets_is_questioned() throws Exception {
        var sleeper = new ProcessBuilder("sleep", "20").start();
        try {
            assertThatThrownBy(() -> ProcessSockets.of(sleeper.pid()))
                    .isInstanceOf(IOException.class)
                    .hasMessage("process " + sleeper.pid() + " has no TCP sockets: is it the right pid?");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void a_process_in_another_network_namespace_is_read_in_its_namespace() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/unshare")), "unshare is not installed: no second namespace");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        // A new network namespace has only a loopback interface, down: bring it up, then listen on it.
        var script = "import socket, time\n"
                + "s = socket.socket()\n"
                + "s.bind(('127.0.0.1', 0))\n"
                + "s.listen()\n"
                + "print(s.getsockname()[1], flush=True)\n"
                + "time.sleep(20)\n";
        var isolated = new ProcessBuilder(
                        "/usr/bin/unshare", "--net", "sh", "-c", "ip link set lo up && exec python3 -c \"$0\"", script)
                .start();
        try {
            var line = new java.io.BufferedReader(new java.io.InputStreamReader(isolated.getInputStream())).readLine();
            if (line == null) {
                Assumptions.assumeTrue(
                        false,
                        "unshare --net failed (not root, or namespaces disabled): "
                                + new String(isolated.getErrorStream().readAllBytes()).strip());
            }
            int port = Integer.parseInt(line.strip());
            var sockets = ProcessSockets.of(isolated.pid());
            assertThat(sockets.listeningPorts()).containsExactly(port);
            assertThat(sockets.inOtherNetworkNamespace()).isTrue();
            assertThat(sockets.networkNamespace()).isEqualTo(Path.of("/proc", Long.toString(isolated.pid()), "ns/net"));
        } finally {
            isolated.destroyForcibly();
        }
    }

    /** A second JVM (about half a second to start): nc or python are not on every machine, java is. */
    private static Process startListener() throws IOException {
        return new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Listener.class.getName())
                .start();
    }

    private static int awaitPort(Process process) throws IOException {
        var line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream())).readLine();
        assertThat(line).as("listener printed its port").isNotNull();
        return Integer.parseInt(line.strip());
    }

    /** A listener in another process: prints its port, accepts connections until killed. */
    static final class Listener {
        public static void main(String[] args) throws IOException {
            try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                System.out.println(server.getLocalPort());
                System.out.flush();
                while (true) {
                    var s = server.accept();
                    new Thread(() -> {
                                try (s) {
                                    s.getInputStream().transferTo(s.getOutputStream());
                                } catch (IOException e) {
                                    // the peer went away
                                }
                            })
                            .start();
                }
            }
        }
    }
}
