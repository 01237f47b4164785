package dev.chaostesting.protocols.kafka;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft broker in this JVM (Kafka's own test kit, the same version as the codec's kafka-clients),
 * whose listener tells clients to connect to {@link #advertisedPort()}: the port a proxy in front of it listens on.
 */
final class KafkaBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;
    private final int port;
    private final int advertisedPort;

    private KafkaBroker(KafkaClusterTestKit cluster, int port, int advertisedPort) {
        this.cluster = cluster;
        this.port = port;
        this.advertisedPort = advertisedPort;
    }

    /** Starts a broker that advertises {@code 127.0.0.1:advertisedPort} (nothing listens there yet). */
    static KafkaBroker start(int advertisedPort) throws Exception {
        var nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        var listener = nodes.brokerListenerName().value();
        var advertised = Map.of("advertised.listeners", listener + "://127.0.0.1:" + advertisedPort);
        nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setPerServerProperties(Map.of(0, advertised))
                .build();
        var cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .build();
        cluster.format();
        cluster.startup();
        int port = cluster.brokers().get(0).boundPort(nodes.brokerListenerName());
        return new KafkaBroker(cluster, port, advertisedPort);
    }

    /** Waits until the broker serves clients (needs whatever listens on the advertised port to forward to it). */
    void awaitReady() throws Exception {
        cluster.waitForReadyBrokers();
    }

    /** The port the broker itself listens on. */
    int port() {
        return port;
    }

    int advertisedPort() {
        return advertisedPort;
    }

    static int freePort() throws Exception {
        try (var s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the broker: " + e, e);
        }
    }
}
