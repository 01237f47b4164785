package dev.chaostesting.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.testing.TcpServers;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransportTest {

    @Test
    void linux_on_x86_64_uses_the_native_epoll_transport() {
        Assumptions.assumeTrue(
                System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                        && System.getProperty("os.arch").equals("amd64"),
                "epoll is the default on Linux x86-64 only");
        assertThat(Transport.best()).isEqualTo(Transport.EPOLL);
    }

    /**
     * Netty 4.2.18's epoll lost the descriptor when the peer's FIN arrived while reading was paused (here: before the
     * target connection was up), then failed with ENOENT: the bytes and the half-close must still get through.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void bytes_and_fin_sent_before_the_target_accepted_still_arrive(Transport transport) throws Exception {
        Assumptions.assumeTrue(
                transport == Transport.NIO || Transport.best() == Transport.EPOLL, "epoll not available");
        var previous = System.getProperty("chaos.transport");
        System.setProperty("chaos.transport", transport.name().toLowerCase(Locale.ROOT));
        try (var server = TcpServers.start(s -> {
                    var got = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(("got " + got.length).getBytes(StandardCharsets.US_ASCII));
                });
                var proxy = Interceptor.onPort(server.port()).record().start()) {
            for (int i = 0; i < 50; i++) {
                try (var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(new byte[1 + i]);
                    socket.shutdownOutput();
                    assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .isEqualTo("got " + (1 + i));
                }
            }
        } finally {
            if (previous == null) {
                System.clearProperty("chaos.transport");
            } else {
                System.setProperty("chaos.transport", previous);
            }
        }
    }

    /**
     * The server sends more than the buffers hold, then FIN, while the client does not read: the proxy pauses reading
     * the server and the FIN arrives meanwhile. Netty 4.2.18's epoll then dropped the descriptor from epoll and failed
     * with ENOENT when reading resumed ({@link EpollFix}); every byte and the EOF must still arrive.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_fin_arriving_while_reading_is_paused_loses_nothing(Transport transport) throws Exception {
        Assumptions.assumeTrue(
                transport == Transport.NIO || Transport.best() == Transport.EPOLL, "epoll not available");
        int size = 24 << 20;
        var payload = new byte[size];
        new java.util.Random(size).nextBytes(payload);
        var previous = System.getProperty("chaos.transport");
        System.setProperty("chaos.transport", transport.name().toLowerCase(Locale.ROOT));
        try (var server = TcpServers.start(s -> {
                    s.getOutputStream().write(payload);
                    s.shutdownOutput();
                    s.getInputStream().readAllBytes();
                });
                var proxy = Interceptor.onPort(server.port()).start()) {
            for (int round = 0; round < 3; round++) {
                try (var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                    socket.setSoTimeout(10_000);
                    Thread.sleep(700);
                    assertThat(socket.getInputStream().readAllBytes()).isEqualTo(payload);
                }
            }
        } finally {
            if (previous == null) {
                System.clearProperty("chaos.transport");
            } else {
                System.setProperty("chaos.transport", previous);
            }
        }
    }
}
