package dev.chaostesting.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoTrafficTest {
    /** What one run sends, worked out by hand from the script, so a change to it is a deliberate one. */
    private static final Map<Integer, Integer> EXPECTED =
            Map.of(200, 16, 201, 9, 204, 6, 400, 1, 401, 2, 404, 1, 409, 1);

    private static DemoService start(Bug bug) throws IOException {
        return DemoService.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DemoService.Options.defaults().bug(bug));
    }

    @Test
    void runsCleanlyAgainstAFreshServiceAndCountsWhatItSent() throws Exception {
        try (var service = start(Bug.NONE)) {
            var summary = DemoTraffic.run(service.baseUri());

            assertThat(summary.unexpected()).isEmpty();
            assertThat(summary.clean()).isTrue();
            assertThat(summary.byStatus()).containsExactlyInAnyOrderEntriesOf(EXPECTED);
            assertThat(summary.requests()).isEqualTo(36);
            assertThat(summary.byStatus().values().stream()
                            .mapToInt(Integer::intValue)
                            .sum())
                    .isEqualTo(summary.requests());
            assertThat(summary.count(201)).isEqualTo(9);
            assertThat(summary.count(500)).isZero();
            // The server's own tally of what it answered agrees with the client's.
            var served = new TreeMap<Integer, Integer>();
            service.statusCounts().forEach((status, count) -> served.put(status, Math.toIntExact(count)));
            assertThat(served).isEqualTo(summary.byStatus());
            assertThat(service.requestCount()).isEqualTo(summary.requests());
        }
    }

    @Test
    void leavesNoBooksBehindSoItCanRunAgain() throws Exception {
        try (var service = start(Bug.NONE)) {
            var first = DemoTraffic.run(service.baseUri());
            var second = DemoTraffic.run(service.baseUri());

            assertThat(second).isEqualTo(first);
            var client = new TestClient(service.baseUri()).loggedIn();
            assertThat(client.get("/api/books").json().get("total").asInt()).isZero();
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "WRONG_FIELD  | GET /api/books/{id}: expected title 'The Left Hand of Darkness', got null",
                "WRONG_STATUS | POST /api/books: expected 201, got 200",
                "LOST_WRITE   | PUT /api/books/{id}: change was not stored",
            })
    void noticesEachBugWithoutStopping(Bug bug, String firstDeviation) throws Exception {
        try (var service = start(bug)) {
            var summary = DemoTraffic.run(service.baseUri());

            assertThat(summary.clean()).isFalse();
            assertThat(summary.unexpected()).first().isEqualTo(firstDeviation);
            // Every request is still sent, so the recording has the same shape as a healthy one.
            assertThat(summary.requests()).isEqualTo(36);
        }
    }

    @Test
    void unreachableServiceFails() throws Exception {
        int port;
        try (var service = start(Bug.NONE)) {
            port = service.port();
        }
        var closed = URI.create("http://127.0.0.1:" + port);

        assertThatThrownBy(() -> DemoTraffic.run(closed)).isInstanceOf(IOException.class);
    }
}
