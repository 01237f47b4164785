package dev.chaostesting.protocols.postgres;

import static dev.chaostesting.protocols.postgres.Recorded.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.testing.DebianPackages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bytes of a real pgjdbc session: decoded the same in any fragmentation, and recorded the same by the proxy and by a
 * live packet capture of the same traffic.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PostgresCaptureTest {

    @Test
    void the_bytes_of_a_real_session_decode_the_same_whole_in_random_fragments_and_byte_by_byte() throws Exception {
        int pg = RealPostgres.port();
        List<Interaction> raw;
        try (var proxy = Interceptor.onPort(pg)
                .protocol("tcp")
                .maxRecordedBodyBytes(16 << 20)
                .record()
                .start()) {
            JdbcSession.run(proxy.port(), "fragments");
            raw = Recorded.settle(proxy.recording());
        }
        var byConnection = new LinkedHashMap<String, List<Interaction>>();
        raw.stream()
                .sorted(Comparator.comparingLong(Interaction::sequence))
                .forEach(i -> byConnection
                        .computeIfAbsent(i.connection(), k -> new ArrayList<>())
                        .add(i));
        assertThat(byConnection).hasSizeGreaterThanOrEqualTo(6);
        var decoded = new ArrayList<Interaction>();
        for (var turns : byConnection.values()) {
            var script = Script.create();
            for (var turn : turns) {
                if (turn.request() instanceof TcpData data && data.data().length() > 0) {
                    assertThat(data.data().truncated()).isFalse();
                    script.client(data.data().bytes());
                }
                if (turn.response() instanceof TcpData data && data.data().length() > 0) {
                    script.server(data.data().bytes());
                }
            }
            decoded.addAll(script.close().runAllWays());
        }
        assertThat(decoded).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("postgresql"));
        assertThat(decoded)
                .extracting(Recorded::sql)
                .contains("INSERT INTO fragments (id, name) VALUES ($1, $2)", "SELECT 1/0");
        assertThat(decoded).extracting(Recorded::errorCode).contains("23505", "42601", "22012");
    }

    @Test
    void a_live_capture_and_the_proxy_record_the_same_session_alike() throws Exception {
        DebianPackages.require("tcpdump", "tcpdump", true);
        int pg = RealPostgres.port();
        var captured = new CopyOnWriteArrayList<Interaction>();
        List<Interaction> proxied;
        // The session goes through the proxy; the capture sees the proxy's connections to the server: the same bytes.
        try (var proxy = Interceptor.onPort(pg).record().start()) {
            var capture = LiveCapture.start(
                    "lo", "tcp port " + pg, CaptureOptions.defaults().onlyPorts(pg), captured::add);
            try {
                JdbcSession.run(proxy.port(), "items");
                proxied = Recorded.settle(proxy.recording());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (captured.size() < proxied.size() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
            } finally {
                var summary = capture.stop();
                assertThat(summary.packetsDroppedByKernel()).isZero();
            }
        }
        assertThat(captured).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("postgresql"));
        assertThat(Recorded.signature(captured)).isEqualTo(Recorded.signature(proxied));
        assertThat(captured.stream().filter(i -> "execute".equals(request(i).get("type"))))
                .hasSizeGreaterThan(20);
        PostgresThroughProxyTest.checkRecording(captured);
    }
}
