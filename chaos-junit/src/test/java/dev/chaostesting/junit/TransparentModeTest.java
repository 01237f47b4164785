package dev.chaostesting.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.platform.testkit.engine.EventConditions.abortedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.recording.LiveRecording;
import dev.chaostesting.testing.DebianPackages;
import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Transparent interceptors run where nftables and privileges allow, and their tests are skipped with the interceptor's
 * own reason elsewhere. Forcing the NIO transport ({@code -Dchaos.transport=nio}) is one thing the core's preflight
 * refuses, which makes the skip reproducible on any machine.
 */
class TransparentModeTest {

    static TcpServers.Server echo;

    @BeforeAll
    static void server() throws Exception {
        echo = TcpServers.echo();
    }

    @AfterAll
    static void stop() {
        echo.close();
    }

    @ChaosTest
    static class TransparentMethod {
        @Test
        @Intercept(target = "127.0.0.1:${echo.port}", name = "echo", transparent = true)
        void unmodifiedClient(RunningInterceptor proxy, LiveRecording recording) throws Exception {
            // The client keeps using the server's own port; nftables sends the connection through the proxy.
            assertThat(Kit.echo(echo.port(), "through")).isEqualTo("through");
            assertThat(recording.awaitCount(1, Duration.ofSeconds(10))).isTrue();
            assertThat(proxy.stats().connections()).isEqualTo(1);
        }
    }

    @ChaosTest
    @Intercept(target = "127.0.0.1:${echo.port}", name = "echo", transparent = true)
    static class TransparentClass {
        @Test
        void never() {}
    }

    @Test
    void a_transparent_interceptor_that_cannot_start_skips_its_test_with_the_core_reason() {
        String coreReason;
        var before = System.getProperty("chaos.transport");
        System.setProperty("chaos.transport", "nio");
        try {
            var thrown = catchThrowable(
                    () -> Interceptor.onPort(echo.port()).transparent().start().close());
            assertThat(thrown).isInstanceOf(IOException.class);
            coreReason = thrown.getMessage();

            var method = Kit.run(TransparentMethod.class, ports());
            method.testEvents().assertStatistics(s -> s.aborted(1).failed(0).succeeded(0));
            method.testEvents()
                    .assertThatEvents()
                    .haveExactly(
                            1,
                            event(
                                    test("unmodifiedClient"),
                                    abortedWithReason(
                                            instanceOf(TestAbortedException.class),
                                            message("interceptor echo: " + coreReason))));

            var cls = Kit.run(TransparentClass.class, ports());
            cls.containerEvents()
                    .assertThatEvents()
                    .haveExactly(
                            1,
                            event(
                                    container(TransparentClass.class),
                                    abortedWithReason(message("interceptor echo: " + coreReason))));
            cls.testEvents().assertStatistics(s -> s.failed(0).succeeded(0));
        } finally {
            if (before == null) {
                System.clearProperty("chaos.transport");
            } else {
                System.setProperty("chaos.transport", before);
            }
        }
        assertThat(coreReason).startsWith("transparent mode needs the native epoll transport");
    }

    @Test
    void a_transparent_interceptor_intercepts_an_unmodified_client_where_it_can_run() {
        DebianPackages.require("nft", "nftables", true);
        Kit.run(TransparentMethod.class, ports())
                .testEvents()
                .assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Kit.isFree(echo.port())).as("echo server still bound").isFalse();
    }

    private static Map<String, String> ports() {
        return Map.of("echo.port", Integer.toString(echo.port()));
    }
}
