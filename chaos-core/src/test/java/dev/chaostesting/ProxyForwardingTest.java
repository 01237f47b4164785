package dev.chaostesting;

import static dev.chaostesting.testing.TcpServers.readExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.TcpData;
import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyForwardingTest {

    private static Socket connect(RunningInterceptor proxy) throws IOException {
        var s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        return s;
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 1000, 65_537, 1 << 20, 64 << 20})
    void random_payloads_arrive_byte_for_byte_in_both_directions(int size) throws Exception {
        var payload = new byte[size];
        new Random(size).nextBytes(payload);
        try (var echo = TcpServers.echo();
                var proxy = Interceptor.onPort(echo.port()).record().start();
                var socket = connect(proxy)) {
            var writer = CompletableFuture.runAsync(() -> {
                try {
                    var out = socket.getOutputStream();
                    for (int off = 0; off < size; off += 100_000) {
                        out.write(payload, off, Math.min(100_000, size - off));
                    }
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            var echoed = readExactly(socket.getInputStream(), size);
            writer.get(60, TimeUnit.SECONDS);
            assertThat(socket.getInputStream().read()).as("EOF after the echo").isEqualTo(-1);
            assertThat(echoed).isEqualTo(payload);

            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(10))).isTrue();
            var recorded = proxy.recording().interactions();
            assertThat(recorded).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("tcp"));
            assertThat(recorded.stream().mapToLong(i -> i.requestBytes()).sum()).isEqualTo(size);
            assertThat(recorded.stream().mapToLong(i -> i.responseBytes()).sum())
                    .isEqualTo(size);
            var first = (TcpData) recorded.get(0).request();
            assertThat(first.data().length()).isLessThanOrEqualTo(Interceptor.DEFAULT_MAX_RECORDED_BODY_BYTES);
        }
    }

    @Test
    void a_thousand_sequence_numbered_writes_arrive_in_order() throws Exception {
        var received = new CompletableFuture<String>();
        try (var server = TcpServers.start(s ->
                        received.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)));
                var proxy = Interceptor.onPort(server.port()).start();
                var socket = connect(proxy)) {
            var out = socket.getOutputStream();
            var expected = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                var line = String.format("%06d\n", i);
                expected.append(line);
                out.write(line.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            socket.shutdownOutput();
            assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(expected.toString());
        }
    }

    @Test
    void client_half_close_reaches_the_server_which_can_still_answer() throws Exception {
        try (var server = TcpServers.start(s -> {
                    var request = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(("got " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII));
                });
                var proxy = Interceptor.onPort(server.port()).record().start();
                var socket = connect(proxy)) {
            socket.getOutputStream().write(new byte[12345]);
            socket.shutdownOutput();
            var answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("got 12345 bytes");
            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(5))).isTrue();
            var interaction = proxy.recording().interactions().get(0);
            assertThat(interaction.requestBytes()).isEqualTo(12345);
            assertThat(((TcpData) interaction.response()).data().text()).isEqualTo("got 12345 bytes");
        }
    }

    @Test
    void server_half_close_reaches_the_client_which_can_still_send() throws Exception {
        var serverGot = new CompletableFuture<String>();
        try (var server = TcpServers.start(s -> {
                    s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    s.shutdownOutput();
                    serverGot.complete(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                });
                var proxy = Interceptor.onPort(server.port()).start();
                var socket = connect(proxy)) {
            var in = socket.getInputStream();
            assertThat(new String(readExactly(in, 5), StandardCharsets.US_ASCII))
                    .isEqualTo("hello");
            assertThat(in.read()).as("EOF from the server's half-close").isEqualTo(-1);
            socket.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(serverGot.get(10, TimeUnit.SECONDS)).isEqualTo("still here");
        }
    }

    @Test
    void when_both_sides_have_ended_what_is_still_queued_for_the_client_is_delivered() throws Exception {
        var payload = new byte[16 << 20];
        new Random(16).nextBytes(payload);
        try (var server = TcpServers.start(s -> {
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                });
                var proxy = Interceptor.onPort(server.port()).start();
                var socket = connect(proxy)) {
            Thread.sleep(300); // the server has sent everything it could and its FIN is queued behind it
            socket.shutdownOutput(); // now the client's FIN: both directions have ended while data is still queued
            Thread.sleep(300);
            assertThat(socket.getInputStream().readAllBytes()).isEqualTo(payload);
        }
    }

    @Test
    void a_client_reset_reaches_the_server_as_a_reset() throws Exception {
        var serverSaw = new CompletableFuture<Throwable>();
        try (var server = TcpServers.start(s -> {
                    try {
                        s.getInputStream().readAllBytes();
                        serverSaw.complete(new AssertionError("clean EOF instead of a reset"));
                    } catch (IOException e) {
                        serverSaw.complete(e);
                    }
                });
                var proxy = Interceptor.onPort(server.port()).record().start()) {
            var socket = connect(proxy);
            socket.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(100);
            socket.setSoLinger(true, 0);
            socket.close();
            assertThat(serverSaw.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(5))).isTrue();
            assertThat(proxy.recording().interactions().get(0).error()).contains("client reset");
        }
    }

    @Test
    void a_server_reset_reaches_the_client_as_a_reset() throws Exception {
        try (var server = TcpServers.start(s -> {
                    s.getInputStream().read();
                    s.setSoLinger(true, 0);
                    s.close();
                });
                var proxy = Interceptor.onPort(server.port()).start();
                var socket = connect(proxy)) {
            socket.getOutputStream().write(1);
            assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
    }

    @Test
    void an_unreachable_target_closes_the_client_promptly_and_is_recorded() throws Exception {
        int unused;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unused = probe.getLocalPort();
        }
        try (var proxy = Interceptor.onPort(unused).record().start();
                var socket = connect(proxy)) {
            long start = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketException e) {
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(5))).isTrue();
            var failure = proxy.recording().interactions().get(0);
            assertThat(failure.error()).startsWith("connect to 127.0.0.1:" + unused + " failed");
            assertThat(proxy.stats().connectFailures()).isEqualTo(1);
        }
    }

    @Test
    void a_thousand_concurrent_connections_are_relayed() throws Exception {
        try (var echo = TcpServers.echo();
                var proxy = Interceptor.onPort(echo.port()).record().start()) {
            var sockets = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 1000; i++) {
                    sockets.add(connect(proxy));
                }
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < sockets.size(); i++) {
                        sockets.get(i)
                                .getOutputStream()
                                .write(String.format("%04d:%d;", i, round).getBytes(StandardCharsets.US_ASCII));
                    }
                    for (int i = 0; i < sockets.size(); i++) {
                        var echoed =
                                new String(readExactly(sockets.get(i).getInputStream(), 7), StandardCharsets.US_ASCII);
                        assertThat(echoed).isEqualTo(String.format("%04d:%d;", i, round));
                    }
                }
                assertThat(proxy.stats().activeConnections()).isEqualTo(1000);
            } finally {
                for (var s : sockets) {
                    s.close();
                }
            }
            assertThat(proxy.recording().awaitCount(2000, Duration.ofSeconds(20)))
                    .isTrue();
        }
    }

    @Test
    void listening_on_a_taken_port_is_a_clear_error() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var config = Interceptor.onPort(9)
                    .listenOn(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()));
            assertThatThrownBy(config::start)
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
