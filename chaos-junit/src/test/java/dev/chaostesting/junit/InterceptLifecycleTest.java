package dev.chaostesting.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.recording.LiveRecording;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.testing.TcpServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Interceptors declared by annotation or registered in code start and close with their test or class. */
class InterceptLifecycleTest {

    static TcpServers.Server echo;
    static TcpServers.Server echo2;
    static final List<Object> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void servers() throws Exception {
        echo = TcpServers.echo();
        echo2 = TcpServers.echo();
    }

    @AfterAll
    static void stop() {
        echo.close();
        echo2.close();
    }

    static Map<String, String> ports() {
        return Map.of("echo.port", Integer.toString(echo.port()), "echo2.port", Integer.toString(echo2.port()));
    }

    @ChaosTest
    static class MethodLevel {
        @Test
        @Intercept(target = "127.0.0.1:${echo.port}")
        void echoes(RunningInterceptor proxy) throws Exception {
            seen.add(proxy.port());
            assertThat(Kit.echo(proxy.port(), "ping")).isEqualTo("ping");
            assertThat(proxy.target().getPort()).isEqualTo(echo.port());
        }
    }

    @Test
    void a_method_interceptor_runs_for_its_test_and_its_port_is_free_afterwards() {
        seen.clear();
        Kit.run(MethodLevel.class, ports())
                .testEvents()
                .assertStatistics(s -> s.succeeded(1).failed(0));
        int port = (Integer) seen.get(0);
        assertThat(port).isNotEqualTo(echo.port());
        assertThat(Kit.isFree(port)).as("port %d free after the test", port).isTrue();
    }

    @ChaosTest
    @Intercept(target = "127.0.0.1:${echo.port}", name = "echo")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ClassLevel {
        @Test
        @Order(1)
        void first(RunningInterceptor proxy, LiveRecording recording) throws Exception {
            seen.add(proxy);
            Kit.echo(proxy.port(), "one");
            assertThat(recording.awaitCount(1, Duration.ofSeconds(10))).isTrue();
        }

        @Test
        @Order(2)
        void second(RunningInterceptor proxy, LiveRecording recording) throws Exception {
            seen.add(proxy);
            Kit.echo(proxy.port(), "two");
            Kit.echo(proxy.port(), "three");
            assertThat(proxy.recording().awaitCount(3, Duration.ofSeconds(10))).isTrue();
            assertThat(recording.count()).isEqualTo(2);
            assertThat(recording.interactions()).hasSize(2).allMatch(i -> i.sequence() > 1);
        }
    }

    @Test
    void a_class_interceptor_is_shared_by_its_tests_each_seeing_its_own_part_of_the_recording() {
        seen.clear();
        Kit.run(ClassLevel.class, ports())
                .testEvents()
                .assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isSameAs(seen.get(1));
        int port = ((RunningInterceptor) seen.get(0)).port();
        assertThat(Kit.isFree(port)).as("port %d free after the class", port).isTrue();
    }

    static class Programmatic {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.intercept(
                "echo", Interceptor.onPort(echo.port()).record().inject(Faults.slowClose(Duration.ofMillis(1))));

        @Test
        void staticFieldInterceptorIsReachable(RunningInterceptor proxy) throws Exception {
            assertThat(chaos.interceptor("echo")).isSameAs(proxy);
            seen.add(proxy);
            assertThat(Kit.echo(proxy.port(), "hi")).isEqualTo("hi");
        }
    }

    @ChaosTest
    @Intercept(target = "127.0.0.1:${echo2.port}", name = "declared")
    static class Mixed {
        @RegisterExtension
        static ChaosExtension chaos = ChaosExtension.intercept("registered", Interceptor.onPort(echo.port()));

        @Test
        void both(Chaos all, @On("declared") RunningInterceptor declared) {
            assertThat(all.names()).containsExactlyInAnyOrder("declared", "registered");
            assertThat(all.interceptor("registered")).isSameAs(chaos.interceptor());
            seen.add(declared);
        }

        @org.junit.jupiter.api.Nested
        class Inner {
            @Test
            @Intercept(target = "127.0.0.1:${echo.port}", name = "inner")
            void seesTheEnclosingInterceptors(Chaos all, @On("declared") RunningInterceptor declared) {
                assertThat(all.names()).containsExactlyInAnyOrder("declared", "registered", "inner");
                assertThat(declared).isSameAs(seen.get(0));
                seen.add(all.interceptor("inner"));
            }
        }
    }

    @Test
    void a_static_registered_extension_starts_its_interceptor_for_the_class() {
        seen.clear();
        Kit.run(Programmatic.class, Map.of())
                .testEvents()
                .assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(Kit.isFree(((RunningInterceptor) seen.get(0)).port())).isTrue();
    }

    @Test
    void declared_and_registered_interceptors_work_together_and_nested_classes_see_them() {
        seen.clear();
        Kit.run(Mixed.class, ports())
                .testEvents()
                .assertStatistics(s -> s.succeeded(2).failed(0));
        for (var o : seen) {
            assertThat(Kit.isFree(((RunningInterceptor) o).port())).isTrue();
        }
    }

    static class PerTest {
        @RegisterExtension
        ChaosExtension chaos = ChaosExtension.intercept(Interceptor.onPort(echo.port()));

        @Test
        void one() throws Exception {
            seen.add(chaos.interceptor());
            assertThat(Kit.echo(chaos.interceptor().port(), "x")).isEqualTo("x");
        }

        @Test
        void two() throws Exception {
            seen.add(chaos.interceptor());
            assertThat(chaos.interceptor().stats().connections()).isZero();
        }
    }

    @Test
    void an_instance_field_extension_gives_each_test_its_own_interceptor() {
        seen.clear();
        Kit.run(PerTest.class, Map.of())
                .testEvents()
                .assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isNotSameAs(seen.get(1));
        for (var o : seen) {
            assertThat(Kit.isFree(((RunningInterceptor) o).port())).isTrue();
        }
    }

    @ChaosTest
    @Intercept(target = "127.0.0.1:${echo.port}", name = "a")
    @Intercept(target = "127.0.0.1:${echo2.port}", name = "b")
    static class TwoInterceptors {
        @Test
        void byName(
                @On("a") RunningInterceptor a, @On("b") RunningInterceptor b, @On("b") LiveRecording bRec, Chaos chaos)
                throws Exception {
            assertThat(a.target().getPort()).isEqualTo(echo.port());
            assertThat(b.target().getPort()).isEqualTo(echo2.port());
            assertThat(chaos.names()).containsExactly("a", "b");
            assertThat(chaos.interceptor("b")).isSameAs(b);
            Kit.echo(b.port(), "b");
            assertThat(bRec.awaitCount(1, Duration.ofSeconds(10))).isTrue();
            assertThat(chaos.recording("a").count()).isZero();
        }

        @Test
        void ambiguous(RunningInterceptor which) {}
    }

    @Test
    void several_interceptors_are_told_apart_by_name_and_an_ambiguous_parameter_fails_clearly() {
        var events = Kit.run(TwoInterceptors.class, ports()).testEvents();
        events.assertStatistics(s -> s.succeeded(1).failed(1));
        events.assertThatEvents()
                .haveExactly(
                        1,
                        event(
                                test("ambiguous"),
                                finishedWithFailure(
                                        instanceOf(ParameterResolutionException.class),
                                        message(m -> m.contains("several interceptors are running (a, b)")))));
    }

    @ChaosTest
    static class Misconfigured {
        @Test
        @Intercept(target = "127.0.0.1:${echo.port}", name = "db")
        @Latency(value = "10ms", on = "nope")
        void unknownName() {}

        @Test
        @Intercept(name = "none")
        void noTarget() {}

        @Test
        @Intercept(target = "127.0.0.1:${echo.port}")
        @Latency("fast")
        void badDuration() {}

        @Test
        @Intercept(target = "127.0.0.1:${missing.port}")
        void missingPlaceholder() {}
    }

    @Test
    void misconfiguration_fails_the_test_with_a_message_naming_the_problem() {
        var events = Kit.run(Misconfigured.class, ports()).testEvents();
        events.assertStatistics(s -> s.failed(4));
        events.assertThatEvents()
                .haveExactly(
                        1,
                        failedWith("unknownName", "@Latency(on = \"nope\")", "no interceptor named nope (running: db)"))
                .haveExactly(1, failedWith("noTarget", "@Intercept on", "no target (expected: port = N or target"))
                .haveExactly(1, failedWith("badDuration", "@Latency value: \"fast\" (expected: a duration"))
                .haveExactly(
                        1,
                        failedWith("missingPlaceholder", "no configuration parameter or system property missing.port"));
    }

    private static org.assertj.core.api.Condition<org.junit.platform.testkit.engine.Event> failedWith(
            String test, String... fragments) {
        return event(
                test(test),
                finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(m -> List.of(fragments).stream().allMatch(m::contains))));
    }

    @ChaosTest
    static class ToDisk {
        @Test
        @Intercept(target = "127.0.0.1:${echo.port}", name = "echo", recordToDisk = true)
        void writes(RunningInterceptor proxy) throws Exception {
            Kit.echo(proxy.port(), "disk");
            assertThat(proxy.recording().awaitCount(1, Duration.ofSeconds(10))).isTrue();
        }
    }

    @Test
    void a_recording_to_disk_is_named_after_the_test_and_complete_after_it(@TempDir Path dir) throws Exception {
        var params = new java.util.HashMap<>(ports());
        params.put("chaos.recordings.dir", dir.toString());
        Kit.run(ToDisk.class, params).testEvents().assertStatistics(s -> s.succeeded(1));
        var recording = Recording.open(
                dir.resolve(ToDisk.class.getName().replace('$', '.')).resolve("writes/echo"));
        assertThat(recording.count()).isEqualTo(1);
    }
}
