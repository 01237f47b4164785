package dev.chaostesting.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.testing.TcpServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every TCP fault through the real proxy on loopback, against a real server, timed and byte-checked. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpFaultsTest {

    private TcpServers.Server echo;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void server() throws IOException {
        echo = TcpServers.echo();
    }

    @AfterEach
    void close() throws Exception {
        for (var c : closing) {
            c.close();
        }
        echo.close();
    }

    private RunningInterceptor start(Interceptor interceptor) throws IOException {
        var running = interceptor.start();
        closing.add(running);
        return running;
    }

    private Socket connect(RunningInterceptor proxy) throws IOException {
        var socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        closing.add(socket);
        return socket;
    }

    /** Round trip of one small message through the echo server, in milliseconds. */
    private static long roundTripMillis(Socket socket, String message) throws IOException {
        var bytes = message.getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        socket.getOutputStream().write(bytes);
        assertThat(new String(TcpServers.readExactly(socket.getInputStream(), bytes.length), StandardCharsets.US_ASCII))
                .isEqualTo(message);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** The median of several round trips, in milliseconds (fractional). */
    private static double medianRoundTripMillis(Socket socket, int times) throws IOException {
        var samples = new ArrayList<Double>();
        for (int i = 0; i < times; i++) {
            var bytes = ("probe " + i).getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            socket.getOutputStream().write(bytes);
            TcpServers.readExactly(socket.getInputStream(), bytes.length);
            samples.add((System.nanoTime() - start) / 1e6);
        }
        samples.sort(null);
        return samples.get(samples.size() / 2);
    }

    @Test
    void latency_adds_its_delay_within_ten_percent_and_stops_when_removed() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port()));
        var socket = connect(proxy);
        medianRoundTripMillis(socket, 20); // warm up
        double base = medianRoundTripMillis(socket, 7);
        var fault = proxy.inject(Faults.latency(Duration.ofMillis(300)));
        double added = medianRoundTripMillis(socket, 7) - base;
        // On the wire: within 10 % (or 5 ms) of the delay asked for.
        assertThat(added).isBetween(270.0, 330.0);
        assertThat(proxy.faults()).containsExactly(fault.fault());
        fault.remove();
        assertThat(proxy.faults()).isEmpty();
        assertThat(medianRoundTripMillis(socket, 7) - base).isLessThan(30.0);
    }

    @Test
    void upstream_latency_delays_what_the_client_sends() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port())
                .inject(Faults.latency(Duration.ofMillis(250)).upstream()));
        assertThat(roundTripMillis(connect(proxy), "up")).isBetween(240L, 2_000L);
    }

    @Test
    void bandwidth_holds_the_rate_within_ten_percent() throws IOException {
        int size = 600_000;
        try (var source = TcpServers.start(s -> {
            s.getOutputStream().write(new byte[size]);
            s.shutdownOutput();
            s.getInputStream().read();
        })) {
            var proxy = start(Interceptor.onPort(source.port()).inject(Faults.bandwidth(200_000)));
            var socket = connect(proxy);
            var in = socket.getInputStream();
            var buf = new byte[64 * 1024];
            int first = in.read(buf);
            long start = System.nanoTime();
            long rest = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                rest += n;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(first + rest).isEqualTo(size);
            // Measured from the first bytes received to the last: bytes after the first read over that time.
            assertThat(rest / seconds).isBetween(180_000.0, 220_000.0);
        }
    }

    @Test
    void slicer_cuts_chunks_into_delayed_slices_without_changing_the_bytes() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port())
                .inject(Faults.slicer(10, 0, Duration.ofMillis(20)).upstream()));
        var socket = connect(proxy);
        var message = "0123456789".repeat(10); // 100 bytes: 10 slices, 20 ms apart
        long millis = roundTripMillis(socket, message);
        assertThat(millis).isBetween(175L, 2_000L);
    }

    @Test
    void timeout_swallows_bytes_then_closes_the_connection() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port()).inject(Faults.timeout(Duration.ofMillis(400))));
        var socket = connect(proxy);
        long start = System.nanoTime();
        socket.getOutputStream().write("lost".getBytes(StandardCharsets.US_ASCII));
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(350L, 3_000L);
    }

    @Test
    void black_hole_keeps_the_connection_open_and_silent() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port()).inject(Faults.blackHole()));
        var socket = connect(proxy);
        socket.setSoTimeout(700);
        socket.getOutputStream().write("anyone?".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void reset_sends_an_rst_to_the_client() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port()).inject(Faults.reset()));
        var socket = connect(proxy);
        socket.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> socket.getInputStream().read())
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
    }

    @Test
    void reset_after_a_delay_lets_traffic_through_until_then() throws Exception {
        var proxy = start(Interceptor.onPort(echo.port()).inject(Faults.resetAfter(Duration.ofMillis(500))));
        var socket = connect(proxy);
        assertThat(roundTripMillis(socket, "before")).isLessThan(400);
        Thread.sleep(700);
        assertThatThrownBy(() -> {
                    socket.getOutputStream().write("after".getBytes(StandardCharsets.US_ASCII));
                    socket.getInputStream().read();
                })
                .isInstanceOf(SocketException.class);
    }

    @Test
    void limit_data_cuts_the_answer_after_so_many_bytes() throws IOException {
        try (var source = TcpServers.start(s -> {
            s.getOutputStream().write(new byte[100_000]);
            s.getInputStream().read();
        })) {
            var proxy = start(Interceptor.onPort(source.port()).inject(Faults.limitData(1_000)));
            var got = connect(proxy).getInputStream().readAllBytes();
            assertThat(got).hasSize(1_000);
        }
    }

    @Test
    void down_refuses_connections_without_reaching_the_target() throws IOException {
        var reached = new AtomicInteger();
        try (var target = TcpServers.start(s -> reached.incrementAndGet())) {
            var proxy = start(Interceptor.onPort(target.port()).record().inject(Faults.down()));
            var socket = connect(proxy);
            assertThat(readOrReset(socket.getInputStream())).isEqualTo(-1);
            assertThat(reached.get()).isZero();
            var interactions = proxy.recording().interactions();
            assertThat(interactions).hasSize(1);
            assertThat(interactions.get(0).error()).isEqualTo("connection refused by a fault (down)");
            assertThat(interactions.get(0).attributes()).containsEntry("faults", "down");
        }
    }

    @Test
    void stall_holds_everything_back_then_delivers_it_in_order() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port()).inject(Faults.stall(Duration.ofMillis(600))));
        var socket = connect(proxy);
        long start = System.nanoTime();
        var out = socket.getOutputStream();
        for (int i = 0; i < 10; i++) {
            out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        var expected = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            expected.append("line ").append(i).append('\n');
        }
        var got = new String(
                TcpServers.readExactly(socket.getInputStream(), expected.length()), StandardCharsets.US_ASCII);
        assertThat(got).isEqualTo(expected.toString());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(500L, 3_000L);
    }

    @Test
    void slow_close_delays_the_end_of_the_answer() throws IOException {
        try (var source = TcpServers.start(s -> {
            s.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            s.getInputStream().read();
        })) {
            var proxy = start(Interceptor.onPort(source.port()).inject(Faults.slowClose(Duration.ofMillis(500))));
            var socket = connect(proxy);
            var in = socket.getInputStream();
            assertThat(TcpServers.readExactly(in, 3)).isEqualTo("bye".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(400L, 3_000L);
        }
    }

    @Test
    void toxicity_draws_per_connection_and_a_seed_repeats_the_draws() throws IOException {
        var first = resetPattern(42);
        assertThat(first).contains(true, false);
        assertThat(resetPattern(42)).isEqualTo(first);
        assertThat(resetPattern(7)).isNotEqualTo(first);
    }

    private List<Boolean> resetPattern(long seed) throws IOException {
        var proxy = start(
                Interceptor.onPort(echo.port()).seed(seed).inject(Faults.reset().toxicity(0.5)));
        assertThat(proxy.seed()).isEqualTo(seed);
        var pattern = new ArrayList<Boolean>();
        for (int i = 0; i < 24; i++) {
            try (var socket = connect(proxy)) {
                socket.getOutputStream().write('x');
                pattern.add(readOrReset(socket.getInputStream()) != 'x');
            }
        }
        proxy.close();
        return pattern;
    }

    @Test
    void schedules_pick_connections_by_their_number_since_injection() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port()));
        proxy.inject(Faults.reset().firstConnections(2));
        var outcomes = new ArrayList<Boolean>();
        for (int i = 0; i < 4; i++) {
            try (var socket = connect(proxy)) {
                socket.getOutputStream().write('x');
                outcomes.add(readOrReset(socket.getInputStream()) == 'x');
            }
        }
        assertThat(outcomes).containsExactly(false, false, true, true);
        proxy.clearFaults();
        proxy.inject(Faults.reset().everyNth(3));
        outcomes.clear();
        for (int i = 0; i < 6; i++) {
            try (var socket = connect(proxy)) {
                socket.getOutputStream().write('x');
                outcomes.add(readOrReset(socket.getInputStream()) == 'x');
            }
        }
        assertThat(outcomes).containsExactly(true, true, false, true, true, false);
    }

    @Test
    void a_fault_scheduled_for_later_waits_and_one_for_a_while_ends() throws Exception {
        var proxy = start(Interceptor.onPort(echo.port()));
        var socket = connect(proxy);
        proxy.inject(Faults.latency(Duration.ofMillis(300))
                .after(Duration.ofMillis(600))
                .during(Duration.ofMillis(900)));
        assertThat(roundTripMillis(socket, "early")).isLessThan(250);
        Thread.sleep(700);
        assertThat(roundTripMillis(socket, "inside")).isGreaterThanOrEqualTo(290);
        Thread.sleep(1_000);
        assertThat(roundTripMillis(socket, "late")).isLessThan(250);
    }

    @Test
    void a_target_limits_a_fault_to_the_connections_it_names() throws IOException {
        var proxy = start(Interceptor.onPort(echo.port()));
        proxy.inject(Faults.reset().on(Target.port(echo.port() == 1 ? 2 : 1)));
        proxy.inject(Faults.reset().on(Target.outbound()));
        // The proxy's connections are inbound ones to the echo port: neither fault targets them.
        assertThat(roundTripMillis(connect(proxy), "untouched")).isLessThan(1_000);
        proxy.inject(Faults.reset().on(Target.server("127.0.0.1:" + echo.port())));
        var socket = connect(proxy);
        socket.getOutputStream().write('x');
        assertThat(readOrReset(socket.getInputStream())).isEqualTo(-1);
    }

    @Test
    void the_recording_names_the_faults_that_acted_on_a_connection() throws IOException {
        var proxy = start(
                Interceptor.onPort(echo.port()).protocol("tcp").record().inject(Faults.latency(Duration.ofMillis(20))));
        try (var socket = connect(proxy)) {
            roundTripMillis(socket, "noted");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (proxy.recording().interactions().isEmpty() && System.nanoTime() < deadline) {
            Thread.yield();
        }
        assertThat(proxy.recording().interactions())
                .isNotEmpty()
                .allSatisfy(i -> assertThat(i.attributes()).containsEntry("faults", "latency"));
    }

    /**
     * Faults added and removed while a client streams numbered lines: every line comes back, once, in order. Bounded:
     * 2.5 s or 20,000 lines, whichever comes first.
     */
    @Test
    void toggling_faults_while_traffic_flows_loses_and_reorders_nothing() throws Exception {
        var proxy = start(Interceptor.onPort(echo.port()).seed(1));
        var socket = connect(proxy);
        var received = new ByteArrayOutputStream();
        var reader = new Thread(() -> {
            try {
                socket.getInputStream().transferTo(received);
            } catch (IOException e) {
                // the assertion below tells
            }
        });
        reader.start();
        var toggler = new Thread(() -> {
            var random = new Random(3);
            var kinds = List.of(
                    Faults.latency(Duration.ofMillis(3), Duration.ofMillis(3)),
                    Faults.slicer(7, 3, Duration.ofNanos(20_000)),
                    Faults.bandwidth(2_000_000),
                    Faults.stall(Duration.ofMillis(20)),
                    Faults.latency(Duration.ofMillis(1)).upstream().perChunk().toxicity(0.5));
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_000);
            while (System.nanoTime() < end) {
                var active = proxy.inject(kinds.get(random.nextInt(kinds.size())));
                try {
                    Thread.sleep(random.nextInt(15));
                } catch (InterruptedException e) {
                    return;
                }
                active.remove();
            }
        });
        toggler.start();
        var sent = new StringBuilder();
        var out = socket.getOutputStream();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
        int n = 0;
        while (System.nanoTime() < end && n < 20_000) {
            var line = "line " + n++ + "\n";
            sent.append(line);
            out.write(line.getBytes(StandardCharsets.US_ASCII));
        }
        toggler.join();
        socket.shutdownOutput();
        reader.join(30_000);
        assertThat(n).isGreaterThan(100);
        assertThat(received.toString(StandardCharsets.US_ASCII)).isEqualTo(sent.toString());
    }

    private static int readOrReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }
}
