package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.testing.DebianPackages;
import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Transparent mode through the API: clients keep connecting to the service's own port and are intercepted (needs root
 * and nftables; skipped with the reason otherwise). Also how the mode's preconditions are reported.
 */
class TransparentThroughApiTest {

    @Test
    void a_transparent_interceptor_catches_clients_of_the_original_port() throws IOException {
        DebianPackages.require("nft", "nftables", true);
        try (var echo = TcpServers.echo();
                var server =
                        ControlServer.start(ControlServer.Options.defaults().port(0))) {
            var api = new Api(server);
            var interceptor = api.create(Map.of("port", echo.port(), "transparent", true));
            assertThat(interceptor.path("mode").asText()).isEqualTo("transparent");
            var id = interceptor.path("id").asText();
            api.post("/v1/interceptors/" + id + "/faults", Map.of("type", "reset"));

            // The client uses the echo server's own port, yet the fault reaches it.
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), echo.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                org.assertj.core.api.Assertions.assertThatThrownBy(
                                () -> socket.getInputStream().read())
                        .isInstanceOf(SocketException.class)
                        .hasMessageContaining("reset");
            }
            assertThat(api.get("/v1/interceptors/" + id + "/stats")
                            .json()
                            .path("connections")
                            .asInt())
                    .isEqualTo(1);

            // Deleting removes the redirect: the original port answers directly again.
            api.delete("/v1/interceptors/" + id);
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), echo.port())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(TcpServers.readExactly(socket.getInputStream(), 5))
                        .isEqualTo("ping\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void process_mode_options_are_checked_before_anything_starts() throws IOException {
        try (var server = ControlServer.start(ControlServer.Options.defaults().port(0))) {
            var api = new Api(server);
            var notTransparent = api.post("/v1/interceptors", Map.of("pid", 1, "transparent", false));
            assertThat(notTransparent.status()).isEqualTo(400);
            assertThat(notTransparent.error())
                    .isEqualTo("transparent: false with pid (a process is always intercepted transparently)");
            var closeExisting = api.post("/v1/interceptors", Map.of("port", 9, "closeExistingConnections", true));
            assertThat(closeExisting.status()).isEqualTo(400);
            assertThat(closeExisting.error()).isEqualTo("closeExistingConnections: only with pid");
            var badPid = api.post("/v1/interceptors", Map.of("pid", 0));
            assertThat(badPid.status()).isEqualTo(400);
            assertThat(server.interceptorCount()).isZero();
        }
    }
}
