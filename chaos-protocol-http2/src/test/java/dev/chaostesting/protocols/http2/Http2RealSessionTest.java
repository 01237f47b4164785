package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Interaction;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Netty's HTTP/2 client and server (h2c, prior knowledge) on loopback, through the proxy and replayed in fragments. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2RealSessionTest {

    static final String[][] REQUESTS = {
        {"GET", "/items?page=2", ""},
        {"POST", "/items", "x".repeat(100_000)},
        {"GET", "/gzip", ""},
        {"DELETE", "/items/7", ""}
    };

    @Test
    void concurrent_streams_through_the_proxy_are_relayed_and_recorded_as_http2() throws Exception {
        try (var h2 = new NettyH2()) {
            var direct = h2.call(h2.port(), REQUESTS);
            assertThat(direct[1]).startsWith("200 ");
            try (var proxy = Interceptor.onPort(h2.port()).record().start()) {
                assertThat(h2.call(proxy.port(), REQUESTS)).isEqualTo(direct);
                assertThat(proxy.recording().awaitCount(4, Duration.ofSeconds(30)))
                        .isTrue();
                check(proxy.recording().interactions(), "Bearer <redacted:sha256:");
            }
        }
    }

    @Test
    void a_real_session_fed_in_fragments_gives_the_same_interactions() throws Exception {
        List<RecordingRelay.Event> events;
        try (var h2 = new NettyH2();
                var relay = new RecordingRelay(h2.port())) {
            h2.call(relay.port(), REQUESTS);
            events = relay.firstConnectionEnded(java.time.Duration.ofSeconds(20));
        }
        var f = new Frames();
        f.events.addAll(events);
        check(Http2FramesTest.runAllWays(f, 1 << 20), "Bearer abc");
    }

    /**
     * @param authorization how the request's Authorization header starts: the recorder redacts it, as for HTTP/1.1
     */
    private static void check(List<Interaction> recorded, String authorization) {
        assertThat(recorded).hasSize(4).allSatisfy(i -> {
            assertThat(i.protocol()).isEqualTo("http2");
            assertThat(i.error()).isNull();
            assertThat(i.httpResponse().status()).isEqualTo(200);
        });
        var byStream = recorded.stream()
                .sorted(Comparator.comparingInt(
                        i -> Integer.parseInt(i.attributes().get("streamId"))))
                .toList();
        assertThat(byStream).extracting(i -> i.attributes().get("streamId")).containsExactly("3", "5", "7", "9");
        assertThat(byStream).extracting(i -> i.httpRequest().method()).containsExactly("GET", "POST", "GET", "DELETE");
        assertThat(byStream.get(0).httpRequest().target()).isEqualTo("/items?page=2");
        assertThat(byStream.get(0).attributes())
                .containsEntry("authority", "localhost")
                .containsEntry("scheme", "http");
        assertThat(byStream.get(0).httpResponse().body().text()).isEqualTo("GET /items?page=2 0");
        assertThat(byStream.get(1).httpRequest().body().size()).isEqualTo(100_000);
        assertThat(byStream.get(1).httpResponse().body().text()).isEqualTo("POST /items 100000");
        assertThat(byStream.get(1).httpResponse().trailers().first("x-length")).contains("100000");
        var gzip = byStream.get(2).httpResponse().body();
        assertThat(gzip.text()).isEqualTo("compressed hello ".repeat(50));
        assertThat(gzip.contentEncoding()).isEqualTo("gzip");
        assertThat(byStream.get(3)
                        .httpRequest()
                        .headers()
                        .first("authorization")
                        .orElseThrow())
                .startsWith(authorization);
    }
}
