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
