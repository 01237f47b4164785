package dev.chaostesting.protocols.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What real Kafka clients do in these tests: an AdminClient creates a topic and describes the cluster, idempotent
 * producers with acks=all send records with keys and headers under every compression type, and a consumer in a group
 * reads them all and commits.
 */
final class Workload {

    static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    static final int PER_COMPRESSION = 4;

    /** What the clients saw. */
    record Result(List<Integer> clusterPorts, List<String> produced, List<String> consumed, long committed) {}

    private Workload() {}

    static Result run(String bootstrap, String topic, String group) throws Exception {
        return run(bootstrap, topic, group, COMPRESSIONS, Map.of());
    }

    /**
     * @param compressions one idempotent producer per compression type
     * @param consumerConfig added to the consumer's configuration (e.g. {@code group.protocol=consumer})
     */
    static Result run(
            String bootstrap, String topic, String group, List<String> compressions, Map<String, String> consumerConfig)
            throws Exception {
        var clusterPorts = new ArrayList<Integer>();
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            for (var node : admin.describeCluster().nodes().get()) {
                clusterPorts.add(node.port());
            }
        }
        var produced = new ArrayList<String>();
        for (var compression : compressions) {
            var props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
            props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "producer-" + compression);
            try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                var sends = new ArrayList<java.util.concurrent.Future<?>>();
                for (int i = 0; i < PER_COMPRESSION; i++) {
                    var value = "value-" + compression + "-" + i;
                    var record = new ProducerRecord<>(topic, 0, "key-" + i, value);
                    record.headers().add("h", ("header-" + i).getBytes(StandardCharsets.UTF_8));
                    sends.add(producer.send(record));
                    produced.add(value);
                }
                for (var send : sends) {
                    send.get();
                }
            }
        }
        var consumed = new ArrayList<String>();
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "consumer");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.putAll(consumerConfig);
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumed.size() < produced.size() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    consumed.add(record.value());
                }
            }
            consumer.commitSync();
        }
        long committed;
        try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            var offset = offsets.get(new TopicPartition(topic, 0));
            committed = offset == null ? -1 : offset.offset();
        }
        return new Result(clusterPorts, produced, consumed, committed);
    }
}
