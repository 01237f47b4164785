package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.testing.DebianPackages;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real KRaft broker, the real Java producer, consumer and AdminClient, and the real proxy in front of the broker
 * (the broker advertises the proxy's port, so every client connection goes through it).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RealBrokerTest {

    private static KafkaBroker broker;
    private static RunningInterceptor proxy;

    @BeforeAll
    static void start() throws Exception {
        int proxyPort = KafkaBroker.freePort();
        broker = KafkaBroker.start(proxyPort);
        proxy = Interceptor.onPort(broker.port()).listenOn(proxyPort).record().start();
        broker.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void clients_work_unchanged_through_the_proxy_and_every_request_is_decoded() throws Exception {
        int before = settledCount();
        var result = Workload.run("127.0.0.1:" + proxy.port(), "orders", "billing");

        assertThat(result.clusterPorts()).containsExactly(proxy.port());
        assertThat(result.consumed()).containsExactlyElementsOf(result.produced());
        assertThat(result.committed()).isEqualTo(result.produced().size());

        var recorded = after(before);
        assertThat(recorded).allSatisfy(i -> {
            assertThat(i.protocol()).isEqualTo("kafka");
            assertThat(i.attributes()).as("%s", i).doesNotContainKey("decodeError");
            if (i.error() != null) {
                // Only a request still waiting when the client closed (a long-poll fetch, a heartbeat).
                assertThat(i.error()).isEqualTo("connection closed before the response");
            }
        });
        assertThat(recorded)
                .extracting(Recorded::apiKey)
                .contains(
                        "API_VERSIONS",
                        "METADATA",
                        "CREATE_TOPICS",
                        "DESCRIBE_CLUSTER",
                        "INIT_PRODUCER_ID",
                        "PRODUCE",
                        "FIND_COORDINATOR",
                        "JOIN_GROUP",
                        "SYNC_GROUP",
                        "OFFSET_FETCH",
                        "LIST_OFFSETS",
                        "FETCH",
                        "OFFSET_COMMIT");
        assertThat(Recorded.producedValues(recorded)).containsExactlyElementsOf(result.produced());
        assertThat(Recorded.fetchedValues(recorded)).containsSubsequence(result.produced());
        var produce = recorded.stream()
                .filter(i -> Recorded.apiKey(i).equals("PRODUCE"))
                .toList();
        assertThat(produce).allSatisfy(i -> {
            assertThat(Recorded.request(i, "clientId").toString()).startsWith("producer-");
            var topic = (Map<?, ?>) ((List<?>) Recorded.request(i, "topics")).get(0);
            assertThat(topic.get("topic")).isEqualTo("orders");
            assertThat(Recorded.response(i, "errorCodes")).isEqualTo(List.of());
            assertThat(Recorded.response(i, "throttleTimeMs")).isEqualTo(0);
        });
        assertThat(produce)
                .extracting(i ->
                        (Object) ((Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) Recorded.request(i, "topics")).get(0))
                                                .get("partitions"))
                                        .get(0))
                                .get("compression"))
                .containsExactly(null, "gzip", "snappy", "lz4", "zstd");
    }

    @Test
    void the_consumer_group_protocol_of_kip_848_is_decoded_too() throws Exception {
        int before = settledCount();
        var result = Workload.run(
                "127.0.0.1:" + proxy.port(),
                "events",
                "readers",
                List.of("zstd"),
                Map.of("group.protocol", "consumer"));

        assertThat(result.consumed()).containsExactlyElementsOf(result.produced());
        assertThat(result.committed()).isEqualTo(result.produced().size());
        var recorded = after(before);
        assertThat(recorded).extracting(Recorded::apiKey).contains("CONSUMER_GROUP_HEARTBEAT", "OFFSET_COMMIT");
        assertThat(recorded).allSatisfy(i -> assertThat(i.attributes()).doesNotContainKey("decodeError"));
        var heartbeat = recorded.stream()
                .filter(i -> Recorded.apiKey(i).equals("CONSUMER_GROUP_HEARTBEAT"))
                .findFirst()
                .orElseThrow();
        assertThat(((Map<?, ?>) Recorded.request(heartbeat, "data")).get("groupId"))
                .isEqualTo("readers");
        assertThat(Recorded.fetchedValues(recorded)).containsSubsequence(result.produced());
    }

    @Test
    void a_live_capture_of_the_same_traffic_records_the_same_interactions() throws Exception {
        DebianPackages.require("tcpdump", "tcpdump", true);
        int before = settledCount();
        var captured = Collections.synchronizedList(new ArrayList<Interaction>());
        var capture = LiveCapture.start(
                "lo", "tcp port " + broker.port(), CaptureOptions.defaults().onlyPorts(broker.port()), captured::add);
        Workload.Result result;
        try {
            result = Workload.run("127.0.0.1:" + proxy.port(), "payments", "ledger");
            settledCount();
        } finally {
            var summary = capture.stop();
            assertThat(summary.packetsDroppedByKernel()).isZero();
        }
        var proxied = after(before);
        assertThat(captured).extracting(Interaction::protocol).containsOnly("kafka");
        assertThat(summaries(captured)).containsExactlyInAnyOrderElementsOf(summaries(proxied));
        assertThat(Recorded.producedValues(captured)).containsExactlyElementsOf(result.produced());
        assertThat(Recorded.fetchedValues(captured)).containsSubsequence(result.produced());
    }

    @Test
    void with_addresses_rewritten_every_client_connection_stays_on_the_rewriting_relay() throws Exception {
        int before = settledCount();
        long connectionsBefore = proxy.stats().connections();
        try (var relay = new RewritingRelay(new InetSocketAddress("127.0.0.1", proxy.port()))) {
            relay.rewriter(KafkaAddressRewriter.of(Map.of(
                    new KafkaAddressRewriter.HostPort("127.0.0.1", proxy.port()),
                    new KafkaAddressRewriter.HostPort("127.0.0.1", relay.port()))));
            var result = Workload.run("127.0.0.1:" + relay.port(), "shipments", "dispatch");
            assertThat(result.clusterPorts()).containsExactly(relay.port());
            assertThat(result.consumed()).containsExactlyElementsOf(result.produced());
            settledCount();
            var connections = relay.connections();
            assertThat(proxy.stats().connections() - connectionsBefore).isEqualTo(connections.size());

            // The same real traffic, replayed into the decoder whole, in random fragments and byte by byte.
            var replayed = new ArrayList<Interaction>();
            var codec = new KafkaCodec();
            for (var chunks : connections) {
                replayed.addAll(Replay.runAllWays(chunks, 1 << 20, codec));
            }
            assertThat(replayed)
                    .extracting(Interaction::attributes)
                    .allSatisfy(a -> assertThat(a).doesNotContainKey("decodeError"));
            assertThat(Recorded.producedValues(replayed)).containsExactlyElementsOf(result.produced());
            assertThat(summaries(replayed)).containsExactlyInAnyOrderElementsOf(summaries(after(before)));
        }
    }

    /** What must be equal however the traffic was observed: per exchange its key, ids, topics and record values. */
    private static List<String> summaries(List<Interaction> interactions) {
        return interactions.stream()
                .map(i -> Recorded.request(i, "clientId") + " " + Recorded.apiKey(i) + " v"
                        + Recorded.request(i, "apiVersion") + " #" + Recorded.request(i, "correlationId") + " "
                        + Objects.toString(Recorded.request(i, "topics"), "") + " -> "
                        + Recorded.response(i, "errorCodes") + " "
                        + Recorded.values(Recorded.response(i, "topics")) + " " + i.error())
                .toList();
    }

    /** Waits until no connection is open and the recording stopped growing; returns the count. */
    private static int settledCount() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long count = proxy.recording().count();
            if (proxy.stats().activeConnections() == 0 && count == last) {
                return (int) count;
            }
            last = count;
            Thread.sleep(300);
        }
        return (int) proxy.recording().count();
    }

    private static List<Interaction> after(int before) throws InterruptedException {
        settledCount();
        var all = proxy.recording().interactions();
        return all.subList(before, all.size());
    }
}
