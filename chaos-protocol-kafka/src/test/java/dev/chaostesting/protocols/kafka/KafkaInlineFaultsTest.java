package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.model.Interaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka in line with a real KRaft broker and the real Java clients. The broker advertises {@code 127.0.0.1:P}, where a
 * plain recording interceptor ({@link #front}) forwards to it: what {@code front} records is what the broker received.
 * The interceptor under test runs in line in front of {@code P}; clients only know its port.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KafkaInlineFaultsTest {

    private static KafkaBroker broker;
    /** The broker's advertised address: every connection the broker accepts passes here. */
    private static RunningInterceptor front;
    /** The interceptor under test, in line. */
    private static RunningInterceptor proxy;

    @BeforeAll
    static void start() throws Exception {
        int advertised = KafkaBroker.freePort();
        broker = KafkaBroker.start(advertised);
        front = Interceptor.onPort(broker.port()).listenOn(advertised).record().start();
        proxy = Interceptor.onPort(advertised).protocolFaults().record().start();
        broker.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        for (var c : new AutoCloseable[] {proxy, front, broker}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static String bootstrap() {
        return "127.0.0.1:" + proxy.port();
    }

    @Test
    void every_client_connection_stays_on_the_interceptor_and_results_are_unchanged() throws Exception {
        int before = settled(proxy);
        int frontBefore = settled(front);
        long brokerConnectionsBefore = front.stats().connections();

        var result = Workload.run(bootstrap(), "inline-orders", "inline-group", List.of("none", "zstd"), Map.of());

        assertThat(result.consumed()).containsExactlyElementsOf(result.produced());
        assertThat(result.committed()).isEqualTo(result.produced().size());
        // The cluster as clients see it: one broker, at a listener of the interceptor (not the advertised port).
        assertThat(result.clusterPorts())
                .singleElement()
                .satisfies(port -> assertThat(port).isNotEqualTo(front.port()).isNotEqualTo(broker.port()));

        var inline = after(proxy, before);
        var atBroker = after(front, frontBefore);
        var inlineConnections = new HashSet<String>();
        inline.forEach(i -> inlineConnections.add(i.client()));
        // Every connection the broker accepted came through the interceptor's listeners (bootstrap and broker).
        assertThat(front.stats().connections() - brokerConnectionsBefore).isEqualTo(inlineConnections.size());
        assertThat(atBroker).hasSameSizeAs(inline);
        assertThat(inline).allSatisfy(i -> {
            assertThat(i.protocol()).isEqualTo("kafka");
            assertThat(i.attributes()).doesNotContainKey("decodeError").doesNotContainKey("faults");
        });
        assertThat(Recorded.producedValues(inline)).containsExactlyElementsOf(result.produced());
        assertThat(Recorded.fetchedValues(inline)).containsSubsequence(result.produced());
    }

    @Test
    void a_producer_retries_not_leader_while_the_fault_is_on_and_succeeds_once_it_is_removed() throws Exception {
        var topic = "retry-orders";
        createTopic(topic);
        int before = settled(proxy);
        var props = producerProps("retrying");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "before")).get(60, TimeUnit.SECONDS);
            // Injected into the producer's open connection.
            var fault = proxy.inject(KafkaFaults.produceError("retry-*", Errors.NOT_LEADER_OR_FOLLOWER));
            var during = producer.send(new ProducerRecord<>(topic, 0, "k", "during"));
            waitForActed(before, "retrying", 3);
            assertThat(during).isNotDone();
            fault.remove();
            during.get(60, TimeUnit.SECONDS);
        }
        assertThat(endOffset(topic)).as("each record stored once").isEqualTo(2);

        var inline = after(proxy, before);
        var faulted = produceFrom(inline, "retrying", true);
        assertThat(faulted).hasSizeGreaterThanOrEqualTo(3);
        assertThat(produceFrom(inline, "retrying", false))
                .hasSize(2)
                .allSatisfy(i -> assertThat(Recorded.response(i, "errorCodes")).isEqualTo(List.of()));
        assertBrokerNeverSaw(faulted);
    }

    @Test
    void with_retries_exhausted_the_producer_gets_the_error_and_the_next_send_succeeds() throws Exception {
        var topic = "noretry-orders";
        createTopic(topic);
        int before = settled(proxy);
        var props = producerProps("not-retrying");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.RETRIES_CONFIG, "0");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "k", "first")).get(60, TimeUnit.SECONDS);
            var fault = proxy.inject(KafkaFaults.produceError("noretry-*", Errors.NOT_LEADER_OR_FOLLOWER));
            var failed = producer.send(new ProducerRecord<>(topic, 0, "k", "faulted"));
            assertThatThrownBy(() -> failed.get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(NotLeaderOrFollowerException.class);
            // Another topic on the same connection is unaffected.
            createTopic("audit-" + topic);
            producer.send(new ProducerRecord<>("audit-" + topic, 0, "k", "unaffected"))
                    .get(60, TimeUnit.SECONDS);
            fault.remove();
            producer.send(new ProducerRecord<>(topic, 0, "k", "after")).get(60, TimeUnit.SECONDS);
        }
        assertThat(endOffset(topic))
                .as("the faulted record never reached the broker")
                .isEqualTo(2);
        var faulted = produceFrom(after(proxy, before), "not-retrying", true);
        assertThat(faulted).hasSize(1);
        assertBrokerNeverSaw(faulted);
    }

    @Test
    void a_fetch_fault_keeps_the_consumer_retrying_until_it_is_removed() throws Exception {
        var topic = "fetch-orders";
        createTopic(topic);
        var props = producerProps("filler");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)).get(60, TimeUnit.SECONDS);
            }
        }
        int before = settled(proxy);
        var fault = proxy.inject(KafkaFaults.fetchError("fetch-*", Errors.NOT_LEADER_OR_FOLLOWER));
        var consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "fetcher");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        var consumed = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> consumed.add(r.value()));
            }
            assertThat(consumed).as("nothing consumed while every fetch fails").isEmpty();
            fault.remove();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumed.size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> consumed.add(r.value()));
            }
        }
        assertThat(consumed).containsExactly("v0", "v1", "v2");
        var fetches = after(proxy, before).stream()
                .filter(i -> Recorded.apiKey(i).equals("FETCH") && "fetcher".equals(Recorded.request(i, "clientId")))
                .toList();
        var faulted = fetches.stream()
                .filter(KafkaInlineFaultsTest::answeredWithError)
                .toList();
        assertThat(faulted)
                .as("the consumer fetched again and again, and saw the error each time")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(fetches.get(fetches.size() - 1))
                .satisfies(i -> assertThat(answeredWithError(i))
                        .as("the fetches after the fault was removed are the broker's")
                        .isFalse());
        assertBrokerNeverSaw(faulted);
    }

    @Test
    void a_bad_spec_is_refused_when_injected() {
        assertThatThrownBy(() -> proxy.inject(dev.chaostesting.fault.Faults.protocol(
                        "kafka", Map.of("match", Map.of("apiKeys", "PRODUCE", "topic", 7)))))
                .hasMessage("kafka fault: match.topic (expected a topic name or glob, e.g. 'orders*')");
    }

    // Helpers

    private static Properties producerProps(String clientId) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000");
        return props;
    }

    private static void createTopic(String topic) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                        .all()
                        .get();
            }
        }
    }

    private static long endOffset(String topic) throws Exception {
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            var tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
        }
    }

    private static List<Interaction> produceFrom(List<Interaction> interactions, String clientId, boolean faulted) {
        return interactions.stream()
                .filter(i -> Recorded.apiKey(i).equals("PRODUCE")
                        && clientId.equals(Recorded.request(i, "clientId"))
                        && answeredWithError(i) == faulted)
                .toList();
    }

    /**
     * Whether the client got NOT_LEADER_OR_FOLLOWER for this request. (The {@code faults} attribute names the faults
     * that acted on the connection, so it is on the interactions after the faulted one too.)
     */
    private static boolean answeredWithError(Interaction i) {
        return String.valueOf(Recorded.response(i, "errorCodes")).contains("NOT_LEADER_OR_FOLLOWER");
    }

    /** The broker received none of these requests: the recording at its address has no request of the same ids. */
    private static void assertBrokerNeverSaw(List<Interaction> faulted) throws InterruptedException {
        settled(front);
        Set<String> atBroker = new HashSet<>();
        for (var i : front.recording().interactions()) {
            atBroker.add(key(i));
        }
        assertThat(faulted).isNotEmpty().allSatisfy(i -> {
            assertThat(i.attributes().get("faults")).contains("kafka_NOT_LEADER_OR_FOLLOWER");
            assertThat(atBroker).doesNotContain(key(i));
        });
    }

    private static String key(Interaction i) {
        return Recorded.request(i, "clientId") + " " + Recorded.apiKey(i) + " #" + Recorded.request(i, "correlationId");
    }

    private static void waitForActed(int before, String clientId, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            var all = proxy.recording().interactions();
            if (produceFrom(all.subList(before, all.size()), clientId, true).size() >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the fault did not act " + count + " times on " + clientId);
    }

    /** Waits until the interceptor has no open connection... or its recording stopped growing; returns the count. */
    private static int settled(RunningInterceptor interceptor) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long count = interceptor.recording().count();
            if (count == last) {
                return (int) count;
            }
            last = count;
            Thread.sleep(400);
        }
        return (int) interceptor.recording().count();
    }

    private static List<Interaction> after(RunningInterceptor interceptor, int before) throws InterruptedException {
        settled(interceptor);
        var all = interceptor.recording().interactions();
        return all.subList(before, all.size());
    }
}
