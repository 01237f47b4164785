package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.protocols.grpc.GrpcFaults;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Plain HTTP/2 faults in line with Netty's real HTTP/2 server and client (h2c, concurrent streams on one connection). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2InlineFaultsTest {

    @Test
    void matching_streams_get_the_status_or_a_reset_and_the_server_never_sees_them() throws Exception {
        try (var h2 = new NettyH2()) {
            var direct = h2.call(h2.port(), Http2RealSessionTest.REQUESTS);
            h2.seen.clear();
            // Not in line from the start: a connection opened while a protocol fault is injected runs in line.
            try (var proxy = Interceptor.onPort(h2.port()).record().start()) {
                var status = proxy.inject(GrpcFaults.httpStatus("POST", "/items", 503));
                var reset = proxy.inject(GrpcFaults.resetStream("GET", "/gz*", "REFUSED_STREAM"));
                var faulted = h2.call(proxy.port(), Http2RealSessionTest.REQUESTS);
                // The POST's 100 kB body is dropped: its connection window is given back, the other streams go on.
                assertThat(faulted).containsExactly(direct[0], "503 ", "RST 7", direct[3]);
                assertThat(h2.seen).containsExactly("GET /items?page=2", "DELETE /items/7");

                status.close();
                reset.close();
                assertThat(h2.call(proxy.port(), Http2RealSessionTest.REQUESTS)).containsExactly(direct);
                assertThat(h2.seen).contains("POST /items", "GET /gzip");

                assertThat(proxy.recording().awaitCount(8, Duration.ofSeconds(30)))
                        .isTrue();
                var posts = proxy.recording().interactions().stream()
                        .filter(i -> i.httpRequest().method().equals("POST"))
                        .sorted(java.util.Comparator.comparing(Interaction::startedAt))
                        .toList();
                assertThat(posts).hasSize(2);
                assertThat(posts.get(0).httpResponse().status()).isEqualTo(503);
                // The core notes the faults that acted per connection, so far: both have acted on this one.
                assertThat(posts.get(0).attributes().get("faults")).contains("http2_503");
                assertThat(posts.get(1).httpResponse().status()).isEqualTo(200);
            }
        }
    }
}
