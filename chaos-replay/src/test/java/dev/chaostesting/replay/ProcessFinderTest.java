package dev.chaostesting.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.replay.internal.ProcessFinder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ProcessFinderTest {

    @Test
    void the_process_listening_on_a_port_is_found_in_proc() throws IOException {
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ProcessFinder.listeningOn(server.getLocalPort()))
                    .isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void a_port_nobody_listens_on_is_one_line() throws IOException {
        int port;
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        int closed = port;
        assertThatThrownBy(() -> ProcessFinder.listeningOn(closed))
                .isInstanceOf(IOException.class)
                .hasMessage("no process listens on port " + closed + " (is the service running?)");
    }
}
