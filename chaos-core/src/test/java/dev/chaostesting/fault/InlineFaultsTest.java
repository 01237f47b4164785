package dev.chaostesting.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.testing.TcpServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Protocol faults through the in-line path, with a test codec of text lines, against a real echo server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InlineFaultsTest {

    private static Fault answer(String match, String answer) {
        return Faults.protocol("lines", Map.of("match", match, "answer", answer));
    }

    private static String ask(BufferedReader in, OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return in.readLine();
    }

    @Test
    void a_fault_injected_into_an_open_connection_answers_matching_messages_in_order() throws Exception {
        try (var echo = TcpServers.echo();
                var proxy = Interceptor.onPort(echo.port())
                        .protocolFaults()
                        .record()
                        .start();
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(10_000);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertThat(ask(in, out, "LINES/1")).isEqualTo("LINES/1");
            assertThat(ask(in, out, "get a")).isEqualTo("get a");

            try (var fault = proxy.inject(answer("get a", "ERR busy"))) {
                assertThat(ask(in, out, "get a")).isEqualTo("ERR busy");
                assertThat(ask(in, out, "get b")).isEqualTo("get b");
                // Pipelined: the answer to the faulted line comes in its place, between the echoes.
                out.write("get b\nget a\nget c\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(in.readLine()).isEqualTo("get b");
                assertThat(in.readLine()).isEqualTo("ERR busy");
                assertThat(in.readLine()).isEqualTo("get c");
            }
            assertThat(ask(in, out, "get a")).isEqualTo("get a");
        }
    }

    @Test
    void connections_opened_while_a_protocol_fault_is_injected_run_in_line_without_asking() throws Exception {
        try (var echo = TcpServers.echo();
                var proxy = Interceptor.onPort(echo.port()).record().start()) {
            proxy.inject(answer("ping", "pong"));
            try (var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                socket.setSoTimeout(10_000);
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                var out = socket.getOutputStream();
                assertThat(ask(in, out, "LINES/1")).isEqualTo("LINES/1");
                assertThat(ask(in, out, "ping")).isEqualTo("pong");
            }
        }
    }

    @Test
    void addresses_the_server_names_are_rewritten_to_listeners_that_forward_there() throws Exception {
        try (var echo = TcpServers.echo();
                var other = TcpServers.echo();
                var proxy = Interceptor.onPort(echo.port())
                        .protocolFaults()
                        .record()
                        .start();
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(10_000);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertThat(ask(in, out, "LINES/1")).isEqualTo("LINES/1");
            var rewritten = ask(in, out, "AT 127.0.0.1:" + other.port());
            assertThat(rewritten).startsWith("AT 127.0.0.1:").isNotEqualTo("AT 127.0.0.1:" + other.port());
            // The same upstream gets the same listener.
            assertThat(ask(in, out, "AT 127.0.0.1:" + other.port())).isEqualTo(rewritten);
            int listener = Integer.parseInt(rewritten.substring(rewritten.lastIndexOf(':') + 1));
            try (var next = new Socket(InetAddress.getLoopbackAddress(), listener)) {
                next.setSoTimeout(10_000);
                var nextIn =
                        new BufferedReader(new InputStreamReader(next.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(ask(nextIn, next.getOutputStream(), "reached the other server"))
                        .isEqualTo("reached the other server");
            }
            // The interceptor's counters include its listeners' connections.
            assertThat(proxy.stats().connections()).isEqualTo(2);
        }
    }

    @Test
    void another_protocol_passes_through_unchanged_in_line() throws Exception {
        try (var echo = TcpServers.echo();
                var proxy = Interceptor.onPort(echo.port()).protocolFaults().start();
                var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            proxy.inject(answer("ping", "pong"));
            socket.setSoTimeout(10_000);
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertThat(ask(in, out, "not the lines protocol")).isEqualTo("not the lines protocol");
            assertThat(ask(in, out, "ping")).isEqualTo("ping");
        }
    }

    @Test
    void a_protocol_fault_for_an_unknown_codec_or_with_a_bad_spec_is_refused_in_one_line() throws Exception {
        try (var proxy = Interceptor.onPort(9).start()) {
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("nosuch", Map.of())))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("protocol fault: no codec named 'nosuch' (expected one of: ");
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("lines", Map.of("match", "x"))))
                    .hasMessage("lines fault: expected 'match' and 'answer' strings");
        }
    }
}
