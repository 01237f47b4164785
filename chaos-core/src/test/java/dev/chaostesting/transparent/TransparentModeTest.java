package dev.chaostesting.transparent;

import static dev.chaostesting.testing.TcpServers.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.testing.DebianPackages;
import dev.chaostesting.testing.TcpServers;
import io.netty.channel.epoll.Epoll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransparentModeTest {

    private static final String OWN_PID = "pid=" + ProcessHandle.current().pid() + " ";

    private Path nft;

    @BeforeEach
    void needs_root_nft_and_epoll() {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll is not available: transparent mode needs it");
        nft = DebianPackages.require("nft", "nftables", true);
    }

    /** Echoes what it reads and remembers the port each connection came from. */
    private static TcpServers.Server echoServer(ConcurrentLinkedQueue<Integer> peers) throws IOException {
        return TcpServers.start(s -> {
            peers.add(s.getPort());
            var in = s.getInputStream();
            var out = s.getOutputStream();
            var buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        });
    }

    /** An unmodified client: it connects to the server's own port and knows nothing of the proxy. */
    private static void assertEchoed(int port, ConcurrentLinkedQueue<Integer> peers) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            var message = "hello through the redirect\n".getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(message);
            assertThat(readExactly(socket.getInputStream(), message.length)).isEqualTo(message);
            // Without interception the server would see the client's own port; through the proxy, the proxy's.
            assertThat(peers).isNotEmpty().doesNotContain(socket.getLocalPort());
        }
    }

    private String listing() throws Exception {
        var process = new ProcessBuilder(nft.toString(), "-j", "list", "table", "inet", "chaos_testing")
                .redirectErrorStream(true)
                .start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    @Test
    void an_ipv6_client_is_intercepted_and_reaches_the_ipv6_destination() throws Exception {
        var v6 = InetAddress.getByName("::1");
        try (var server = new java.net.ServerSocket()) {
            try {
                server.bind(new java.net.InetSocketAddress(v6, 0));
            } catch (IOException e) {
                Assumptions.assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            }
            var accepted = new java.util.concurrent.CompletableFuture<java.net.InetSocketAddress>();
            var serving = new Thread(() -> {
                try (var s = server.accept()) {
                    accepted.complete((java.net.InetSocketAddress) s.getRemoteSocketAddress());
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException e) {
                    accepted.completeExceptionally(e);
                }
            });
            serving.start();
            try (var interceptor = Interceptor.onPort(server.getLocalPort())
                    .transparent()
                    .record()
                    .start()) {
                try (var client = new Socket(v6, server.getLocalPort())) {
                    client.setSoTimeout(10_000);
                    var message = "over ipv6\n".getBytes(StandardCharsets.US_ASCII);
                    client.getOutputStream().write(message);
                    assertThat(readExactly(client.getInputStream(), message.length))
                            .isEqualTo(message);
                    // Through the proxy: the server sees the proxy's socket, not the client's.
                    assertThat(accepted.get(10, TimeUnit.SECONDS).getPort()).isNotEqualTo(client.getLocalPort());
                }
                assertThat(interceptor.recording().awaitCount(1, Duration.ofSeconds(10)))
                        .isTrue();
                assertThat(interceptor.recording().interactions().get(0).server())
                        .isEqualTo("[0:0:0:0:0:0:0:1]:" + server.getLocalPort());
            }
        }
    }

    /**
     * A client on another host (here: in a network namespace of the test's own, over a veth pair) is redirected in
     * the prerouting hook to a proxy that listens on the interface it arrives on.
     */
    @Test
    void a_client_from_another_interface_is_intercepted() throws Exception {
        DebianPackages.require("ip", "iproute2", true);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 is not installed");
        var ns = "chaos_tp_" + ProcessHandle.current().pid();
        var hostSide = "ctp" + (ProcessHandle.current().pid() % 100000) + "h";
        var nsSide = "ctp" + (ProcessHandle.current().pid() % 100000) + "n";
        var hostAddress = "10.213.77.1";
        run("ip", "netns", "add", ns);
        try {
            run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide, "netns", ns);
            run("ip", "addr", "add", hostAddress + "/24", "dev", hostSide);
            run("ip", "link", "set", hostSide, "up");
            run("ip", "netns", "exec", ns, "ip", "addr", "add", "10.213.77.2/24", "dev", nsSide);
            run("ip", "netns", "exec", ns, "ip", "link", "set", nsSide, "up");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            var peers = new ConcurrentLinkedQueue<Integer>();
            try (var server = new java.net.ServerSocket()) {
                server.bind(new java.net.InetSocketAddress(InetAddress.getByName(hostAddress), 0));
                var serving = new Thread(() -> {
                    try (var s = server.accept()) {
                        peers.add(s.getPort());
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException e) {
                        // the assertions tell
                    }
                });
                serving.start();
                var target = new java.net.InetSocketAddress(InetAddress.getByName(hostAddress), server.getLocalPort());
                try (var interceptor = Interceptor.forwardTo(target)
                        .listenOn(new java.net.InetSocketAddress(InetAddress.getByName(hostAddress), 0))
                        .transparent()
                        .record()
                        .start()) {
                    var client = "import socket\n"
                            + "s = socket.create_connection(('" + hostAddress + "', " + server.getLocalPort()
                            + "), timeout=10)\n"
                            + "s.sendall(b'from the other side')\n"
                            + "s.shutdown(socket.SHUT_WR)\n"
                            + "print(s.recv(100).decode())\n";
                    assertThat(run("ip", "netns", "exec", ns, "python3", "-c", client))
                            .isEqualTo("from the other side");
                    assertThat(interceptor.recording().awaitCount(1, Duration.ofSeconds(10)))
                            .isTrue();
                    var recorded = interceptor.recording().interactions().get(0);
                    assertThat(recorded.client()).startsWith("10.213.77.2:");
                    assertThat(recorded.server()).isEqualTo(hostAddress + ":" + server.getLocalPort());
                    assertThat(interceptor.stats().connections()).isEqualTo(1);
                }
            }
        } finally {
            runQuietly("ip", "link", "delete", hostSide);
            runQuietly("ip", "netns", "delete", ns);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + ": " + output)
                .isZero();
        return output;
    }

    private static void runQuietly(String... command) {
        try {
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // cleanup: nothing more to do
        }
    }

    /** A client still connected when the interceptor closes sees its connection end, not hang on a dead one. */
    @Test
    void closing_the_interceptor_ends_the_connections_it_redirected() throws Exception {
        var peers = new ConcurrentLinkedQueue<Integer>();
        try (var server = echoServer(peers)) {
            var interceptor = Interceptor.onPort(server.port()).transparent().start();
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                assertThat(socket.getInputStream().read()).isEqualTo('x');
                interceptor.close();
                int next;
                try {
                    next = socket.getInputStream().read();
                } catch (java.net.SocketException e) {
                    next = -1; // a reset ends it too
                }
                assertThat(next).isEqualTo(-1);
            } finally {
                interceptor.close();
            }
        }
    }

    @Test
    void a_client_of_the_original_port_is_intercepted_and_recorded() throws Exception {
        var peers = new ConcurrentLinkedQueue<Integer>();
        try (var server = echoServer(peers);
                var interceptor =
                        Interceptor.onPort(server.port()).transparent().record().start()) {
            assertThat(listing()).contains(OWN_PID).contains("redirect");
            assertEchoed(server.port(), peers);

            assertThat(interceptor.recording().awaitCount(1, Duration.ofSeconds(10)))
                    .isTrue();
            var recorded = interceptor.recording().interactions().get(0);
            assertThat(recorded.server()).isEqualTo("127.0.0.1:" + server.port());
            assertThat(recorded.requestBytes()).isEqualTo(27);
            assertThat(interceptor.stats().connections()).isEqualTo(1);
        }
    }

    @Test
    void close_removes_the_rules() throws Exception {
        try (var server = TcpServers.echo()) {
            var interceptor = Interceptor.onPort(server.port()).transparent().start();
            assertThat(listing()).contains(OWN_PID);
            interceptor.close();
            assertThat(listing()).doesNotContain(OWN_PID);

            // And the port is no longer redirected: a client reaches the server directly.
            var peers = new ConcurrentLinkedQueue<Integer>();
            try (var direct = echoServer(peers);
                    var socket = new Socket(InetAddress.getLoopbackAddress(), direct.port())) {
                socket.getOutputStream().write('x');
                assertThat(socket.getInputStream().read()).isEqualTo('x');
                assertThat(peers).containsExactly(socket.getLocalPort());
            }
        }
    }

    @Test
    void rules_of_a_killed_run_are_removed_at_the_next_start() throws Exception {
        var peers = new ConcurrentLinkedQueue<Integer>();
        try (var server = echoServer(peers)) {
            var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            var child = new ProcessBuilder(List.of(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            TransparentChild.class.getName(),
                            String.valueOf(server.port())))
                    .redirectErrorStream(true)
                    .start();
            var childPid = "pid=" + child.pid() + " ";
            try {
                var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = lines.readLine()) != null && !line.startsWith("ready")) {
                    System.out.println("child: " + line);
                }
                assertThat(line).as("the child's interceptor started").startsWith("ready");
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook runs
                child.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(listing()).as("the killed run's rules are left").contains(childPid);

            try (var interceptor =
                    Interceptor.onPort(server.port()).transparent().record().start()) {
                assertThat(listing()).doesNotContain(childPid).contains(OWN_PID);
                assertEchoed(server.port(), peers);
                assertThat(interceptor.recording().awaitCount(1, Duration.ofSeconds(10)))
                        .isTrue();
            }
            assertThat(listing()).doesNotContain(childPid).doesNotContain(OWN_PID);
        }
    }

    @Test
    void start_says_what_is_missing() {
        var config = Interceptor.onPort(9).transparent();
        System.setProperty("chaos.nft", "/nonexistent/nft");
        try {
            assertThatThrownBy(config::start)
                    .isInstanceOf(IOException.class)
                    .hasMessage(
                            "transparent mode needs nftables: install it (apt-get install nftables) or use the proxy mode");
        } finally {
            System.clearProperty("chaos.nft");
        }
        System.setProperty("chaos.transport", "nio");
        try {
            assertThatThrownBy(config::start)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("transparent mode needs the native epoll transport");
        } finally {
            System.clearProperty("chaos.transport");
        }
    }
}
