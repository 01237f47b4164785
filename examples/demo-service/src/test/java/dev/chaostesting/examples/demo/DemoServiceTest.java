package dev.chaostesting.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DemoServiceTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void startsOnAFreePortAndStopsListeningOnClose() throws IOException {
        var service = DemoService.start(ANY_LOOPBACK_PORT);
        var client = new TestClient(service.baseUri());

        assertThat(service.port()).isPositive();
        assertThat(service.baseUri().toString()).isEqualTo("http://127.0.0.1:" + service.port());
        assertThat(client.get("/health").status()).isEqualTo(200);

        service.close();
        service.close();
        var fresh = new TestClient(service.baseUri());
        assertThatThrownBy(() -> fresh.get("/health")).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void fiftyConcurrentCreatesGetDistinctIds() throws Exception {
        try (var service = DemoService.start(ANY_LOOPBACK_PORT)) {
            var token = new TestClient(service.baseUri()).loggedIn();
            var threads = 50;
            var gate = new CountDownLatch(1);
            var pool = Executors.newFixedThreadPool(threads);
            try {
                var results = new ArrayList<Future<TestClient.Reply>>();
                for (var i = 0; i < threads; i++) {
                    var title = "Concurrent book " + i;
                    Callable<TestClient.Reply> create = () -> {
                        gate.await();
                        return token.send("POST", "/api/books", TestClient.bookJson(title, "Many Hands", 2020));
                    };
                    results.add(pool.submit(create));
                }
                gate.countDown();

                var ids = new HashSet<String>();
                for (var result : results) {
                    var reply = result.get(10, TimeUnit.SECONDS);
                    assertThat(reply.status()).isEqualTo(201);
                    ids.add(reply.json().get("id").asText());
                }
                assertThat(ids).hasSize(threads);
                var listing = token.get("/api/books?limit=100").json();
                assertThat(listing.get("total").asInt()).isEqualTo(threads);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void concurrentDuplicatesCreateExactlyOneBook() throws Exception {
        try (var service = DemoService.start(ANY_LOOPBACK_PORT)) {
            var client = new TestClient(service.baseUri()).loggedIn();
            var gate = new CountDownLatch(1);
            var pool = Executors.newFixedThreadPool(20);
            try {
                var results = new ArrayList<Future<Integer>>();
                for (var i = 0; i < 20; i++) {
                    results.add(pool.submit(() -> {
                        gate.await();
                        return client.send("POST", "/api/books", TestClient.bookJson("Dune", "Frank Herbert", 1965))
                                .status();
                    }));
                }
                gate.countDown();

                var statuses = new ArrayList<Integer>();
                for (var result : results) {
                    statuses.add(result.get(10, TimeUnit.SECONDS));
                }
                assertThat(statuses).filteredOn(status -> status == 201).hasSize(1);
                assertThat(statuses).filteredOn(status -> status == 409).hasSize(19);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void latencyDelaysEveryResponse() throws IOException {
        var options = DemoService.Options.defaults().latency(Duration.ofMillis(150));
        try (var service = DemoService.start(ANY_LOOPBACK_PORT, options)) {
            var client = new TestClient(service.baseUri());

            var started = System.nanoTime();
            assertThat(client.get("/health").status()).isEqualTo(200);
            assertThat(client.get("/nowhere").status()).isEqualTo(404);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void optionsAreValidated() {
        var defaults = DemoService.Options.defaults();

        assertThat(defaults.threads()).isEqualTo(8);
        assertThat(defaults.bug()).isEqualTo(Bug.NONE);
        assertThat(defaults.latency()).isZero();
        assertThat(defaults.threads(2).bug(Bug.LOST_WRITE).threads()).isEqualTo(2);
        assertThatThrownBy(() -> defaults.threads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
