package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.protocols.kafka.KafkaAddressRewriter.HostPort;
import dev.chaostesting.protocols.kafka.internal.Frames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class KafkaAddressRewriterTest {

    private static final HostPort BROKER_1 = new HostPort("broker-1.internal", 9092);
    private static final HostPort BROKER_2 = new HostPort("broker-2.internal", 9093);
    private static final HostPort PROXY_1 = new HostPort("127.0.0.1", 40001);
    private static final HostPort PROXY_2 = new HostPort("127.0.0.1", 40002);
    private final KafkaAddressRewriter rewriter = KafkaAddressRewriter.of(Map.of(BROKER_1, PROXY_1, BROKER_2, PROXY_2));

    @Test
    void metadata_brokers_are_rewritten_at_every_version_and_nothing_else_changes() {
        for (short v = ApiKeys.METADATA.oldestVersion(); v <= ApiKeys.METADATA.latestVersion(true); v++) {
            var header = new RequestHeader(ApiKeys.METADATA, v, "c", 1000 + v);
            var data = new MetadataResponseData()
                    .setThrottleTimeMs(v >= 3 ? 17 : 0)
                    .setClusterId(v >= 2 ? "cluster-a" : null)
                    .setControllerId(v >= 1 ? 2 : -1);
            data.brokers().add(broker(1, BROKER_1, v >= 1 ? "rack-a" : null));
            data.brokers().add(broker(2, BROKER_2, null));
            var topic = new MetadataResponseData.MetadataResponseTopic()
                    .setName("orders")
                    .setErrorCode(Errors.NONE.code());
            if (v >= 10) {
                topic.setTopicId(Uuid.fromString("Ih1B9uAXSC667gzOOg83bQ"));
            }
            topic.partitions()
                    .add(new MetadataResponseData.MetadataResponsePartition()
                            .setPartitionIndex(0)
                            .setLeaderId(2));
            data.topics().add(topic);

            var rewritten = rewriter.rewrite(header, Frames.response(header, data));

            var expected = data.duplicate();
            expected.brokers().clear();
            expected.brokers().add(broker(1, PROXY_1, v >= 1 ? "rack-a" : null));
            expected.brokers().add(broker(2, PROXY_2, null));
            assertThat(rewritten.getInt(0)).as("correlation id, v%d", v).isEqualTo(1000 + v);
            assertThat(parse(header, rewritten)).as("v%d", v).isEqualTo(expected);
        }
    }

    @Test
    void find_coordinator_is_rewritten_in_both_of_its_shapes() {
        for (short v = ApiKeys.FIND_COORDINATOR.oldestVersion();
                v <= ApiKeys.FIND_COORDINATOR.latestVersion(true);
                v++) {
            var header = new RequestHeader(ApiKeys.FIND_COORDINATOR, v, "c", 7);
            var data = new FindCoordinatorResponseData();
            if (v < 4) {
                data.setNodeId(2).setHost(BROKER_2.host()).setPort(BROKER_2.port());
            } else {
                data.coordinators()
                        .add(new FindCoordinatorResponseData.Coordinator()
                                .setKey("group-a")
                                .setNodeId(1)
                                .setHost(BROKER_1.host())
                                .setPort(BROKER_1.port()));
            }

            var result = (FindCoordinatorResponseData)
                    parse(header, rewriter.rewrite(header, Frames.response(header, data)));

            if (v < 4) {
                assertThat(new HostPort(result.host(), result.port())).isEqualTo(PROXY_2);
                assertThat(result.nodeId()).isEqualTo(2);
            } else {
                var c = result.coordinators().get(0);
                assertThat(new HostPort(c.host(), c.port())).isEqualTo(PROXY_1);
                assertThat(c.key()).isEqualTo("group-a");
            }
        }
    }

    @Test
    void describe_cluster_and_the_leader_hints_of_produce_and_fetch_are_rewritten() {
        var describe = new RequestHeader(ApiKeys.DESCRIBE_CLUSTER, ApiKeys.DESCRIBE_CLUSTER.latestVersion(), "c", 1);
        var cluster = new DescribeClusterResponseData().setClusterId("cluster-a");
        cluster.brokers()
                .add(new DescribeClusterResponseData.DescribeClusterBroker()
                        .setBrokerId(1)
                        .setHost(BROKER_1.host())
                        .setPort(BROKER_1.port()));
        var described = (DescribeClusterResponseData)
                parse(describe, rewriter.rewrite(describe, Frames.response(describe, cluster)));
        assertThat(described.brokers().find(1).host()).isEqualTo(PROXY_1.host());
        assertThat(described.brokers().find(1).port()).isEqualTo(PROXY_1.port());

        var produce = new RequestHeader(ApiKeys.PRODUCE, (short) 12, "c", 2);
        var produced = new ProduceResponseData();
        produced.nodeEndpoints()
                .add(new ProduceResponseData.NodeEndpoint()
                        .setNodeId(2)
                        .setHost(BROKER_2.host())
                        .setPort(BROKER_2.port()));
        var p = (ProduceResponseData) parse(produce, rewriter.rewrite(produce, Frames.response(produce, produced)));
        assertThat(p.nodeEndpoints().find(2).port()).isEqualTo(PROXY_2.port());

        var fetch = new RequestHeader(ApiKeys.FETCH, (short) 17, "c", 3);
        var fetched = new FetchResponseData();
        fetched.nodeEndpoints()
                .add(new FetchResponseData.NodeEndpoint()
                        .setNodeId(1)
                        .setHost(BROKER_1.host())
                        .setPort(BROKER_1.port()));
        var f = (FetchResponseData) parse(fetch, rewriter.rewrite(fetch, Frames.response(fetch, fetched)));
        assertThat(f.nodeEndpoints().find(1).host()).isEqualTo(PROXY_1.host());
    }

    @Test
    void a_frame_with_nothing_to_rewrite_is_returned_untouched() {
        var header = new RequestHeader(ApiKeys.METADATA, (short) 12, "c", 1);
        var data = new MetadataResponseData();
        data.brokers().add(broker(3, new HostPort("elsewhere", 9092), null));
        var frame = Frames.response(header, data);
        assertThat(rewriter.rewrite(header, frame)).isSameAs(frame);

        var versions = new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "c", 1);
        var other = Frames.response(versions, new ApiVersionsResponseData());
        assertThat(rewriter.rewrite(versions, other)).isSameAs(other);
        assertThat(KafkaAddressRewriter.rewrites(ApiKeys.METADATA.id)).isTrue();
        assertThat(KafkaAddressRewriter.rewrites(ApiKeys.API_VERSIONS.id)).isFalse();
        assertThat(KafkaAddressRewriter.rewrites((short) 999)).isFalse();
    }

    @Test
    void a_mapping_function_sees_each_address_and_may_allocate_listeners() {
        var seen = new ArrayList<HostPort>();
        var allocating = KafkaAddressRewriter.using(address -> {
            seen.add(address);
            return new HostPort("127.0.0.1", 41000 + seen.size());
        });
        var header = new RequestHeader(ApiKeys.METADATA, (short) 12, "c", 1);
        var data = new MetadataResponseData();
        data.brokers().add(broker(1, BROKER_1, null));
        data.brokers().add(broker(2, BROKER_2, null));
        var result = (MetadataResponseData) parse(header, allocating.rewrite(header, Frames.response(header, data)));
        assertThat(seen).containsExactly(BROKER_1, BROKER_2);
        assertThat(result.brokers()).extracting(b -> b.port()).containsExactly(41001, 41002);
    }

    private static MetadataResponseData.MetadataResponseBroker broker(int id, HostPort address, String rack) {
        return new MetadataResponseData.MetadataResponseBroker()
                .setNodeId(id)
                .setHost(address.host())
                .setPort(address.port())
                .setRack(rack);
    }

    private static ApiMessage parse(RequestHeader header, ByteBuffer frame) {
        return AbstractResponse.parseResponse(frame.duplicate(), header).data();
    }
}
