package dev.chaostesting.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Real Kafka traffic for the codec corpus of bench/codecs.sh: starts a single-node KRaft broker in this JVM (Kafka's
 * own test kit), prints {@code broker PORT}, waits until {@code --go FILE} exists (the script starts tcpdump on that
 * port first), then produces {@code --records} records one request at a time (acks=1, no linger) and reads them back
 * with a consumer, prints {@code done produced=N consumed=M} and stops the broker.
 *
 * <pre>
 * java -cp chaos-bench.jar:KAFKA_CLASSPATH dev.chaostesting.bench.KafkaTraffic --go FILE [--records 20000]
 * </pre>
 *
 * The broker is not in chaos-bench.jar (it is a provided dependency): bench/codecs.sh puts it on the class path.
 */
public final class KafkaTraffic {

    private KafkaTraffic() {}

    public static void main(String[] args) throws Exception {
        Path go = null;
        int records = 20_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--go" -> go = Path.of(args[i + 1]);
                case "--records" -> records = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (go == null || records < 1) {
            throw new IllegalArgumentException("usage: KafkaTraffic --go FILE [--records N]");
        }
        var nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        try (var cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            int port = cluster.brokers().get(0).boundPort(nodes.brokerListenerName());
            System.out.println("broker " + port);
            System.out.flush();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(go + " did not appear within 60 s");
                }
                Thread.sleep(50);
            }
            var bootstrap = "127.0.0.1:" + port;
            try (var admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("bench", 1, (short) 1)))
                        .all()
                        .get();
            }
            var p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "1");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            var value = new byte[100];
            try (var producer =
                    new KafkaProducer<byte[], byte[]>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < records; i++) {
                    // One record per produce request: get() waits for the answer before the next one is sent.
                    producer.send(new ProducerRecord<>("bench", ("k" + i).getBytes(), value))
                            .get();
                }
            }
            var c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
            long consumed = 0;
            try (var consumer =
                    new KafkaConsumer<byte[], byte[]>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("bench"));
                long until = System.nanoTime() + 60_000_000_000L;
                while (consumed < records && System.nanoTime() < until) {
                    consumed += consumer.poll(Duration.ofMillis(200)).count();
                }
                consumer.commitSync();
            }
            System.out.println("done produced=" + records + " consumed=" + consumed);
            System.out.flush();
        }
    }
}
