package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.fault.FaultSpecs;
import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Faults injected through the API, measured on the wire with a real TCP server and client. */
class FaultsThroughApiTest {

    private TcpServers.Server echo;
    private ControlServer server;
    private Api api;

    @BeforeEach
    void start() throws IOException {
        echo = TcpServers.echo();
        server = ControlServer.start(ControlServer.Options.defaults().port(0));
        api = new Api(server);
    }

    @AfterEach
    void stop() {
        server.close();
        echo.close();
    }

    @Test
    void latency_injected_through_the_api_delays_the_bytes_and_removing_it_restores_them() throws IOException {
        var interceptor = api.create(Map.of("port", echo.port()));
        int port = interceptor.path("port").asInt();
        var id = interceptor.path("id").asText();
        assertThat(interceptor.path("mode").asText()).isEqualTo("proxy");
        assertThat(interceptor.path("target").asText()).isEqualTo("127.0.0.1:" + echo.port());

        long before = roundTripMillis(port);

        var injected = api.post("/v1/interceptors/" + id + "/faults", Map.of("type", "latency", "delay", "600ms"));
        assertThat(injected.status()).isEqualTo(201);
        var faultId = injected.json().path("id").asText();
        assertThat(faultId).matches("f\\d+");
        assertThat(injected.raw().headers().firstValue("Location"))
                .hasValue("/v1/interceptors/" + id + "/faults/" + faultId);
        assertThat(injected.json().path("spec").path("delay").asText()).isEqualTo("600ms");
        assertThat(injected.json().path("spec").path("flow").asText()).isEqualTo("downstream");

        // The answer is delayed: at least the delay, whatever the machine's load.
        long faulty = roundTripMillis(port);
        assertThat(faulty).isGreaterThanOrEqualTo(600);

        var listed = api.get("/v1/interceptors/" + id + "/faults").json().path("faults");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("id").asText()).isEqualTo(faultId);
        assertThat(api.get("/v1/interceptors/" + id + "/faults/" + faultId)
                        .json()
                        .path("spec")
                        .path("type")
                        .asText())
                .isEqualTo("latency");

        var removed = api.delete("/v1/interceptors/" + id + "/faults/" + faultId);
        assertThat(removed.status()).isEqualTo(200);
        assertThat(removed.json().path("id").asText()).isEqualTo(faultId);
        assertThat(api.delete("/v1/interceptors/" + id + "/faults/" + faultId).status())
                .isEqualTo(404);

        long after = roundTripMillis(port);
        assertThat(after)
                .as("before %d ms, with the fault %d ms", before, faulty)
                .isLessThan(600);
        assertThat(api.get("/v1/interceptors/" + id + "/faults").json().path("faults"))
                .isEmpty();
    }

    @Test
    void reset_through_the_api_resets_the_client_and_traffic_recovers_once_removed() throws IOException {
        var interceptor = api.create(Map.of("port", echo.port()));
        int port = interceptor.path("port").asInt();
        var id = interceptor.path("id").asText();
        assertThat(roundTripMillis(port)).isGreaterThanOrEqualTo(0);

        var faultId = api.post("/v1/interceptors/" + id + "/faults", Map.of("type", "reset"))
                .json()
                .path("id")
                .asText();
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            assertThatThrownBy(() -> {
                        socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                        socket.getInputStream().read();
                        socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                        socket.getInputStream().read();
                    })
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        assertThat(api.get("/v1/interceptors/" + id + "/stats")
                        .json()
                        .path("connections")
                        .asLong())
                .isGreaterThanOrEqualTo(2);

        assertThat(api.delete("/v1/interceptors/" + id + "/faults/" + faultId).status())
                .isEqualTo(200);
        assertThat(roundTripMillis(port)).isGreaterThanOrEqualTo(0);
    }

    @Test
    void bad_fault_specs_are_refused_with_the_fault_specs_message() {
        var id = api.create(Map.of("port", echo.port())).path("id").asText();
        for (var spec : List.<Map<String, Object>>of(
                Map.of("type", "lag"),
                Map.of("type", "latency"),
                Map.of("type", "latency", "delay", "soon"),
                Map.of("type", "latency", "delay", "1s", "flow", "sideways"),
                Map.of("type", "reset", "toxicity", 2),
                Map.of("type", "latency", "delay", "1s", "colour", "red"),
                Map.of("delay", "1s"))) {
            var expected = message(spec);
            var answer = api.post("/v1/interceptors/" + id + "/faults", spec);
            assertThat(answer.status()).as("%s", spec).isEqualTo(400);
            assertThat(answer.error()).isEqualTo(expected);
        }
        // An array is all or nothing, and the bad one is named by its position.
        var list = List.of(Map.of("type", "latency", "delay", "1s"), Map.of("type", "lag"));
        var answer = api.post("/v1/interceptors/" + id + "/faults", list);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.error()).isEqualTo("faults[1]: " + message(Map.of("type", "lag")));
        assertThat(api.get("/v1/interceptors/" + id + "/faults").json().path("faults"))
                .isEmpty();

        var notAFault = api.post("/v1/interceptors/" + id + "/faults", "\"latency\"");
        assertThat(notAFault.status()).isEqualTo(400);
        assertThat(notAFault.error()).isEqualTo("body: a JSON string (expected a fault object or an array of them)");

        var atCreation =
                api.post("/v1/interceptors", Map.of("port", echo.port(), "faults", List.of(Map.of("type", "lag"))));
        assertThat(atCreation.status()).isEqualTo(400);
        assertThat(atCreation.error()).isEqualTo("faults[0]: " + message(Map.of("type", "lag")));
        assertThat(server.interceptorCount()).isEqualTo(1);
    }

    @Test
    void several_faults_at_once_get_ids_and_clear_removes_them_all() {
        var interceptor = api.create(Map.of(
                "port", echo.port(), "seed", "-42", "faults", List.of(Map.of("type", "stall", "duration", "1s"))));
        var id = interceptor.path("id").asText();
        assertThat(interceptor.path("seed").asText()).isEqualTo("-42");
        assertThat(interceptor.path("faults")).hasSize(1);

        var answer = api.post(
                "/v1/interceptors/" + id + "/faults",
                List.of(
                        Map.of("type", "bandwidth", "rate", "1MiB", "flow", "downstream"),
                        Map.of(
                                "type",
                                "latency",
                                "delay",
                                "10ms",
                                "toxicity",
                                0.5,
                                "schedule",
                                Map.of("after", "1s", "during", "5s"))));
        assertThat(answer.status()).isEqualTo(201);
        var faults = answer.json().path("faults");
        assertThat(faults).hasSize(2);
        assertThat(faults.get(0).path("spec").path("rate").asLong()).isEqualTo(1_048_576);
        assertThat(faults.get(1).path("spec").path("schedule").path("during").asText())
                .isEqualTo("5s");
        assertThat(faults.get(0).path("id").asText())
                .isNotEqualTo(faults.get(1).path("id").asText());

        assertThat(api.get("/v1/interceptors/" + id).json().path("faults")).hasSize(3);
        var cleared = api.delete("/v1/interceptors/" + id + "/faults");
        assertThat(cleared.json().path("removed").asInt()).isEqualTo(3);
        assertThat(api.get("/v1/interceptors/" + id + "/faults").json().path("faults"))
                .isEmpty();
    }

    @Test
    void deleting_an_interceptor_closes_its_port() throws IOException {
        var interceptor = api.create(Map.of("port", echo.port()));
        int port = interceptor.path("port").asInt();
        var id = interceptor.path("id").asText();
        assertThat(roundTripMillis(port)).isGreaterThanOrEqualTo(0);

        var deleted = api.delete("/v1/interceptors/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("stats").path("connections").asLong()).isEqualTo(1);
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
        assertThat(api.get("/v1/interceptors/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/v1/interceptors/" + id).status()).isEqualTo(404);
        assertThat(api.get("/v1/interceptors").json().path("interceptors")).isEmpty();
    }

    private static String message(Map<String, Object> spec) {
        try {
            FaultSpecs.fromMap(spec);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("valid: " + spec);
    }

    /** Connects through the interceptor and times one echoed line. */
    private static long roundTripMillis(int port) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.setTcpNoDelay(true);
            long start = System.nanoTime();
            socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            var echoed = TcpServers.readExactly(socket.getInputStream(), 5);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("ping\n");
            return millis;
        }
    }
}
