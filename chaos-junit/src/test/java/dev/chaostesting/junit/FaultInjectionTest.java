package dev.chaostesting.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Fault;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.fault.Flow;
import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults declared by annotation or injected by a test apply to that test only. */
class FaultInjectionTest {

    static TcpServers.Server echo;
    static final List<List<Fault>> faultsSeen = new CopyOnWriteArrayList<>();
    static final List<Long> millis = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void server() throws Exception {
        echo = TcpServers.echo();
    }

    @AfterAll
    static void stop() {
        echo.close();
    }

    static long timedEcho(int port) throws IOException {
        long start = System.nanoTime();
        assertThat(Kit.echo(port, "ping")).isEqualTo("ping");
        return (System.nanoTime() - start) / 1_000_000;
    }

    @ChaosTest
    @Intercept(target = "127.0.0.1:${echo.port}", name = "echo")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Annotated {
        @Test
        @Order(1)
        @Latency(value = "400ms", flow = Flow.DOWNSTREAM)
        void slow(RunningInterceptor proxy) throws Exception {
            faultsSeen.add(proxy.faults());
            millis.add(timedEcho(proxy.port()));
        }

        @Test
        @Order(2)
        void clean(RunningInterceptor proxy) throws Exception {
            faultsSeen.add(proxy.faults());
            millis.add(timedEcho(proxy.port()));
        }

        @Test
        @Order(3)
        @Down(on = "echo")
        void down(RunningInterceptor proxy) {
            faultsSeen.add(proxy.faults());
            assertThatThrownBy(() -> Kit.echo(proxy.port(), "ping")).isInstanceOf(IOException.class);
        }

        @Test
        @Order(4)
        @InjectFault(type = FaultType.LIMIT_DATA, bytes = 2)
        void cut(RunningInterceptor proxy) throws Exception {
            faultsSeen.add(proxy.faults());
            assertThat(Kit.echo(proxy.port(), "ping")).isEqualTo("pi");
        }

        @Test
        @Order(5)
        void apiInjected(Chaos chaos) {
            chaos.inject(Faults.down());
            faultsSeen.add(chaos.interceptor().faults());
        }

        @Test
        @Order(6)
        void afterApiInjected(RunningInterceptor proxy) throws Exception {
            faultsSeen.add(proxy.faults());
            assertThat(Kit.echo(proxy.port(), "ok")).isEqualTo("ok");
        }
    }

    @Test
    void each_fault_acts_during_its_test_and_is_gone_for_the_next() {
        faultsSeen.clear();
        millis.clear();
        var events = Kit.run(Annotated.class, Map.of("echo.port", Integer.toString(echo.port())))
                .testEvents();
        events.assertStatistics(s -> s.succeeded(6).failed(0));

        assertThat(faultsSeen.get(0)).singleElement().satisfies(f -> {
            assertThat(f.effect())
                    .isEqualTo(new Effect.Latency(Duration.ofMillis(400), Duration.ZERO, Effect.Distribution.UNIFORM));
            assertThat(f.flow()).isEqualTo(Flow.DOWNSTREAM);
        });
        assertThat(millis.get(0)).as("round trip with 400 ms latency").isGreaterThanOrEqualTo(400);
        assertThat(faultsSeen.get(1)).isEmpty();
        assertThat(faultsSeen.get(2)).extracting(Fault::effect).containsExactly(new Effect.Down());
        assertThat(faultsSeen.get(3)).extracting(Fault::effect).containsExactly(new Effect.LimitData(2));
        assertThat(faultsSeen.get(4)).extracting(Fault::effect).containsExactly(new Effect.Down());
        assertThat(faultsSeen.get(5))
                .as("the fault the previous test injected was removed")
                .isEmpty();
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ConfiguredFaults {
        static final Fault BASE = Faults.slowClose(Duration.ofMillis(1)).named("base");

        @RegisterExtension
        static ChaosExtension chaos =
                ChaosExtension.intercept(Interceptor.onPort(echo.port()).inject(BASE));

        @Test
        @Order(1)
        @Reset
        void annotated(RunningInterceptor proxy) {
            faultsSeen.add(proxy.faults());
            proxy.inject(Faults.blackHole());
        }

        @Test
        @Order(2)
        void next(RunningInterceptor proxy) throws Exception {
            faultsSeen.add(proxy.faults());
            assertThat(Kit.echo(proxy.port(), "ok")).isEqualTo("ok");
        }
    }

    @Test
    void faults_of_the_configuration_stay_for_every_test() {
        faultsSeen.clear();
        Kit.run(ConfiguredFaults.class, Map.of())
                .testEvents()
                .assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(faultsSeen.get(0)).extracting(Fault::name).containsExactly("base", "reset");
        assertThat(faultsSeen.get(1)).containsExactly(ConfiguredFaults.BASE);
    }
}
