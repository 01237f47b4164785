package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.testing.TcpServers;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many test processes drive one server at once: each sees its own interceptors and faults, and nothing is lost. */
class ConcurrentClientsTest {

    private static final int CLIENTS = 8;

    private TcpServers.Server echo;
    private ControlServer server;
    private ExecutorService pool;

    @BeforeEach
    void start() throws IOException {
        echo = TcpServers.echo();
        server = ControlServer.start(ControlServer.Options.defaults().port(0));
        pool = Executors.newFixedThreadPool(CLIENTS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        server.close();
        echo.close();
    }

    @Test
    void clients_creating_injecting_and_deleting_at_once_do_not_see_each_other() throws Exception {
        var ports = ConcurrentHashMap.<Integer>newKeySet();
        var ids = ConcurrentHashMap.<String>newKeySet();
        var go = new CountDownLatch(1);
        var tasks = new ArrayList<Callable<Void>>();
        for (int c = 0; c < CLIENTS; c++) {
            tasks.add(() -> {
                var api = new Api(server);
                go.await();
                for (int round = 0; round < 3; round++) {
                    var interceptor = api.create(Map.of("port", echo.port()));
                    var id = interceptor.path("id").asText();
                    int port = interceptor.path("port").asInt();
                    assertThat(ids.add(id)).as("id %s given twice", id).isTrue();
                    ports.add(port);
                    roundTrip(port);
                    var fault = api.post(
                                    "/v1/interceptors/" + id + "/faults", Map.of("type", "latency", "delay", "1ms"))
                            .json()
                            .path("id")
                            .asText();
                    var faults =
                            api.get("/v1/interceptors/" + id + "/faults").json().path("faults");
                    assertThat(faults).hasSize(1);
                    assertThat(faults.get(0).path("id").asText()).isEqualTo(fault);
                    roundTrip(port);
                    assertThat(api.get("/v1/interceptors/" + id + "/stats")
                                    .json()
                                    .path("connections")
                                    .asInt())
                            .isEqualTo(2);
                    assertThat(api.delete("/v1/interceptors/" + id).status()).isEqualTo(200);
                }
                return null;
            });
        }
        var futures = new ArrayList<Future<Void>>();
        for (var task : tasks) {
            futures.add(pool.submit(task));
        }
        go.countDown();
        for (var f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        assertThat(ids).hasSize(CLIENTS * 3);
        assertThat(server.interceptorCount()).isZero();
        for (int port : ports) {
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void faults_injected_into_one_interceptor_from_many_clients_all_get_distinct_ids() throws Exception {
        var api = new Api(server);
        var id = api.create(Map.of("port", echo.port())).path("id").asText();
        var perClient = 15;
        var futures = new ArrayList<Future<List<String>>>();
        for (int c = 0; c < CLIENTS; c++) {
            futures.add(pool.submit(() -> {
                var mine = new ArrayList<String>();
                for (int i = 0; i < perClient; i++) {
                    var answer =
                            api.post("/v1/interceptors/" + id + "/faults", Map.of("type", "latency", "delay", "1ms"));
                    assertThat(answer.status()).isEqualTo(201);
                    mine.add(answer.json().path("id").asText());
                }
                return mine;
            }));
        }
        Set<String> all = new HashSet<>();
        for (var f : futures) {
            all.addAll(f.get(120, TimeUnit.SECONDS));
        }
        assertThat(all).hasSize(CLIENTS * perClient);
        assertThat(api.get("/v1/interceptors/" + id + "/faults").json().path("faults"))
                .hasSize(CLIENTS * perClient);

        var removals = new ArrayList<Future<Integer>>();
        for (var faultId : all) {
            removals.add(pool.submit(() ->
                    api.delete("/v1/interceptors/" + id + "/faults/" + faultId).status()));
        }
        for (var r : removals) {
            assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo(200);
        }
        assertThat(api.get("/v1/interceptors/" + id + "/faults").json().path("faults"))
                .isEmpty();
        roundTrip(api.get("/v1/interceptors/" + id).json().path("port").asInt());
    }

    private static void roundTrip(int port) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(TcpServers.readExactly(socket.getInputStream(), 5))
                    .isEqualTo("ping\n".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
