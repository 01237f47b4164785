package dev.chaostesting.transparent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.testing.DebianPackages;
import dev.chaostesting.testing.TcpServers;
import io.netty.channel.epoll.Epoll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transparent interception of another process by its pid: a child JVM that serves a line protocol and calls a
 * dependency for each request. Its clients and its dependency connections go through the proxy without it knowing.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessInterceptionTest {

    private Process child;
    private final BlockingQueue<String> childLines = new LinkedBlockingQueue<>();

    @BeforeEach
    void needs_root_nft_epoll_and_cgroup2() throws IOException {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll is not available: transparent mode needs it");
        DebianPackages.require("nft", "nftables", true);
        DebianPackages.require("ss", "iproute2", true);
        Assumptions.assumeTrue(
                Files.readString(Path.of("/proc/self/mountinfo")).contains(" - cgroup2 "), "cgroup v2 is not mounted");
    }

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The dependency: answers each line with "dep:" and the line. */
    private static TcpServers.Server dependency() throws IOException {
        return TcpServers.start(s -> {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            var out = s.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                out.write(("dep:" + line + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        });
    }

    private int startService(int dependencyPort) throws IOException, InterruptedException {
        child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Service.class.getName(),
                        Integer.toString(dependencyPort))
                .redirectErrorStream(true)
                .start();
        var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        var pump = new Thread(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    childLines.add(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
        pump.setDaemon(true);
        pump.start();
        var first = childLines.poll(30, TimeUnit.SECONDS);
        assertThat(first).as("the service's first line").startsWith("port ");
        assertThat(childLines.poll(10, TimeUnit.SECONDS)).isEqualTo("persistent connection open");
        return Integer.parseInt(first.substring(5));
    }

    private static String call(int port, String what) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((what + "\n").getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void inbound_and_new_outbound_connections_of_a_process_are_intercepted_and_labelled() throws Exception {
        try (var dep = dependency()) {
            int port = startService(dep.port());
            var log = new ArrayList<String>();
            List<Interaction> interactions;
            try (var interceptor = Interceptor.onProcess(child.pid())
                    .record()
                    .closeExistingConnections()
                    .log(line -> {
                        synchronized (log) {
                            log.add(line);
                        }
                    })
                    .start()) {
                assertThat(interceptor.interceptedPorts()).containsExactly(port);
                // The connection the service had open before was reset, so its pool would reconnect through us.
                assertThat(childLines.poll(10, TimeUnit.SECONDS)).isEqualTo("persistent connection closed");
                synchronized (log) {
                    assertThat(log).anySatisfy(l -> assertThat(l).startsWith("closed already open connection"));
                }
                var cgroup = Files.readString(Path.of("/proc", Long.toString(child.pid()), "cgroup"));
                assertThat(cgroup)
                        .contains("0::/chaos_testing_" + ProcessHandle.current().pid() + "_" + child.pid());

                assertThat(call(port, "hello")).isEqualTo("service:dep:hello");
                assertThat(call(port, "again")).isEqualTo("service:dep:again");
                interactions = awaitInteractions(interceptor, 4);
            }
            // Undone on close: the process is back in its cgroup and our chains are gone.
            var cgroup = Files.readString(Path.of("/proc", Long.toString(child.pid()), "cgroup"));
            assertThat(cgroup).contains("0::/\n");
            assertThat(Path.of("/sys/fs/cgroup/unified/chaos_testing_"
                            + ProcessHandle.current().pid() + "_" + child.pid()))
                    .doesNotExist();
            // Still works directly.
            assertThat(call(port, "after")).isEqualTo("service:dep:after");

            var inbound = interactions.stream()
                    .filter(i -> i.direction() == Direction.INBOUND)
                    .toList();
            var outbound = interactions.stream()
                    .filter(i -> i.direction() == Direction.OUTBOUND)
                    .toList();
            assertThat(inbound).extracting(ProcessInterceptionTest::requestText).contains("hello\n", "again\n");
            assertThat(inbound).allSatisfy(i -> assertThat(i.server()).isEqualTo("127.0.0.1:" + port));
            assertThat(outbound)
                    .extracting(ProcessInterceptionTest::requestText)
                    .contains("hello\n", "again\n");
            assertThat(outbound)
                    .allSatisfy(i -> assertThat(i.attributes()).containsEntry("dependency", "127.0.0.1:" + dep.port()));
        }
    }

    @Test
    void a_cgroup_left_by_a_killed_run_is_emptied_and_removed_at_the_next_start() throws Exception {
        try (var dep = dependency()) {
            startService(dep.port());
            var mount = Path.of("/sys/fs/cgroup/unified");
            Assumptions.assumeTrue(Files.isDirectory(mount), "cgroup v2 is not at " + mount + " on this machine");
            var dead = new ProcessBuilder("true").start();
            dead.waitFor();
            var stale = mount.resolve("chaos_testing_" + dead.pid() + "_" + child.pid());
            Files.createDirectories(stale);
            Files.writeString(stale.resolve("cgroup.procs"), Long.toString(child.pid()));
            try (var interceptor = Interceptor.onProcess(child.pid()).record().start()) {
                assertThat(stale).doesNotExist();
                assertThat(Files.readString(Path.of("/proc", Long.toString(child.pid()), "cgroup")))
                        .contains("0::/chaos_testing_" + ProcessHandle.current().pid() + "_");
            }
            assertThat(Files.readString(Path.of("/proc", Long.toString(child.pid()), "cgroup")))
                    .contains("0::/\n");
        }
    }

    private static String requestText(Interaction i) {
        return ((TcpData) i.request()).data().textIfValid();
    }

    private static List<Interaction> awaitInteractions(dev.chaostesting.RunningInterceptor interceptor, int n)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (interceptor.recording().interactions().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return interceptor.recording().interactions();
    }

    /**
     * The service: for each line a client sends, it opens a new connection to its dependency, passes the line on and
     * answers "service:" + the dependency's answer. It also holds one connection to the dependency from the start, and
     * says so when that one is closed under it.
     */
    public static final class Service {
        public static void main(String[] args) throws Exception {
            int dependencyPort = Integer.parseInt(args[0]);
            PrintStream out = System.out;
            try (var server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                out.println("port " + server.getLocalPort());
                var persistent = new Socket(InetAddress.getLoopbackAddress(), dependencyPort);
                out.println("persistent connection open");
                var watcher = new Thread(() -> {
                    try {
                        while (persistent.getInputStream().read() >= 0) {
                            // nothing is sent on it
                        }
                    } catch (IOException e) {
                        // aborted: the same as closed for this purpose
                    }
                    out.println("persistent connection closed");
                });
                watcher.setDaemon(true);
                watcher.start();
                while (true) {
                    var client = server.accept();
                    var line = new BufferedReader(
                                    new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine();
                    String answer;
                    try (var dep = new Socket(InetAddress.getLoopbackAddress(), dependencyPort)) {
                        dep.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                        answer = new BufferedReader(
                                        new InputStreamReader(dep.getInputStream(), StandardCharsets.US_ASCII))
                                .readLine();
                    }
                    OutputStream o = client.getOutputStream();
                    o.write(("service:" + answer + "\n").getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    client.close();
                }
            }
        }
    }
}
