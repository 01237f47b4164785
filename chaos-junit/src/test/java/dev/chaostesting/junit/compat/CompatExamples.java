package dev.chaostesting.junit.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.junit.Chaos;
import dev.chaostesting.junit.ChaosAssertions;
import dev.chaostesting.junit.ChaosExtension;
import dev.chaostesting.junit.ChaosTest;
import dev.chaostesting.junit.Intercept;
import dev.chaostesting.junit.Latency;
import dev.chaostesting.junit.On;
import dev.chaostesting.recording.LiveRecording;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Example test classes that {@link CompatRun} runs on whichever JUnit is on its class path: every feature of the
 * extension once, each outcome known in advance. Not run by the build directly (the names end in neither Test nor
 * Tests).
 */
public final class CompatExamples {

    /** Ports of every interceptor the examples saw, to check they are free afterwards. */
    public static final List<Integer> PORTS = new CopyOnWriteArrayList<>();

    private CompatExamples() {}

    static String echo(int port, String text) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ChaosTest
    @Intercept(target = "127.0.0.1:${echo.port}", name = "echo")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    public static class Declarative {
        @Test
        @Order(1)
        @Latency("300ms")
        void slow(RunningInterceptor proxy, LiveRecording recording) throws Exception {
            PORTS.add(proxy.port());
            long start = System.nanoTime();
            assertThat(echo(proxy.port(), "ping")).isEqualTo("ping");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            ChaosAssertions.assertThat(recording).hasInteractions(1).noErrors();
        }

        @Test
        @Order(2)
        void clean(@On("echo") RunningInterceptor proxy, Chaos chaos) throws Exception {
            assertThat(proxy.faults()).isEmpty();
            chaos.inject(Faults.down());
            assertThat(chaos.recording().count()).isZero();
        }

        @Test
        @Order(3)
        void failing(LiveRecording recording, RunningInterceptor proxy) throws Exception {
            assertThat(proxy.faults()).as("the fault of the previous test").isEmpty();
            echo(proxy.port(), "once");
            ChaosAssertions.assertThat(recording).hasInteractions(2);
        }
    }

    public static class Programmatic {
        @RegisterExtension
        ChaosExtension chaos =
                ChaosExtension.intercept("echo", Interceptor.onPort(Integer.getInteger("chaos.compat.echo.port")));

        @Test
        void perTest(Chaos handle) throws Exception {
            PORTS.add(chaos.interceptor().port());
            assertThat(handle.interceptor("echo")).isSameAs(chaos.interceptor());
            assertThat(echo(chaos.interceptor().port(), "x")).isEqualTo("x");
        }
    }

    @ChaosTest
    public static class Transparent {
        @Test
        @Intercept(target = "127.0.0.1:${echo.port}", name = "echo", transparent = true)
        void skippedWithoutEpoll() {}
    }
}
