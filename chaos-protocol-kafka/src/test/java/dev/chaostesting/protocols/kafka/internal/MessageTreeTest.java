package dev.chaostesting.protocols.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The message trees {@link MessageTree#of} builds ({@link FieldMap}s; Produce straight from the message, without the
 * JSON converter) are the trees the decoder built before ({@link ReferenceTrees}: {@code LinkedHashMap}s from the JSON
 * tree): same fields, same order, same value types, for every message type and version, and for populated messages.
 */
class MessageTreeTest {

    private static final int MAX_BODY = 16;

    @Test
    void every_message_type_and_version_gives_the_tree_it_gave_through_json() {
        int compared = 0;
        for (var type : ApiMessageType.values()) {
            for (short v = type.lowestSupportedVersion(); v <= type.highestSupportedVersion(true); v++) {
                assertSameTree(type.newRequest(), v);
                assertSameTree(type.newResponse(), v);
                compared += 2;
            }
        }
        assertThat(compared).isGreaterThan(500);
    }

    @Test
    void populated_messages_give_the_trees_they_gave_through_json() {
        var metadata = new MetadataResponseData();
        metadata.brokers()
                .add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(1)
                        .setHost("b")
                        .setPort(9092));
        metadata.topics()
                .add(new MetadataResponseData.MetadataResponseTopic()
                        .setName("orders")
                        .setTopicId(Uuid.randomUuid())
                        .setErrorCode((short) 3));
        for (short v = 0; v <= ApiKeys.METADATA.latestVersion(); v++) {
            assertSameTree(metadata, v);
        }
        // Secrets: configuration values whose names say so, SASL bytes; a binary field cut to MAX_BODY.
        var configs = new DescribeConfigsResponseData();
        configs.results()
                .add(new DescribeConfigsResponseData.DescribeConfigsResult()
                        .setResourceName("orders")
                        .setConfigs(List.of(
                                new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                                        .setName("ssl.key.password")
                                        .setValue("hunter2"),
                                new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                                        .setName("retention.ms")
                                        .setValue("1000"),
                                new DescribeConfigsResponseData.DescribeConfigsResourceResult()
                                        .setName("sasl.jaas.config")
                                        .setValue(null))));
        assertSameTree(configs, ApiKeys.DESCRIBE_CONFIGS.latestVersion());
        var alter = new AlterConfigsRequestData();
        var resource = new AlterConfigsRequestData.AlterConfigsResource().setResourceName("orders");
        resource.configs()
                .add(new AlterConfigsRequestData.AlterableConfig()
                        .setName("listener.name.x.scram-sha-256.sasl.jaas.config")
                        .setValue("secret"));
        alter.resources().add(resource);
        assertSameTree(alter, ApiKeys.ALTER_CONFIGS.latestVersion());
        var create = new CreateTopicsRequestData();
        var topic = new CreateTopicsRequestData.CreatableTopic().setName("t");
        topic.configs()
                .add(new CreateTopicsRequestData.CreatableTopicConfig()
                        .setName("delegation.token.secret.key")
                        .setValue("k"));
        create.topics().add(topic);
        assertSameTree(create, ApiKeys.CREATE_TOPICS.latestVersion());
        assertSameTree(
                new SaslAuthenticateRequestData().setAuthBytes("user\0pass".getBytes(StandardCharsets.UTF_8)),
                ApiKeys.SASL_AUTHENTICATE.latestVersion());
        var join = new JoinGroupRequestData().setGroupId("g");
        join.protocols()
                .add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                        .setName("range")
                        .setMetadata(new byte[40]));
        join.protocols()
                .add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                        .setName("roundrobin")
                        .setMetadata(new byte[0]));
        assertSameTree(join, ApiKeys.JOIN_GROUP.latestVersion());
        // A list longer than MAX_LIST: its first elements and the count of the others.
        var many = new MetadataRequestData().setTopics(new ArrayList<>());
        for (int i = 0; i < MessageTree.MAX_LIST + 7; i++) {
            many.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("t" + i));
        }
        assertSameTree(many, ApiKeys.METADATA.latestVersion());
        assertThat(MessageTree.of(many, ApiKeys.METADATA.latestVersion(), MAX_BODY))
                .containsEntry("topicsOmitted", 7);
    }

    @Test
    void produce_trees_built_directly_equal_the_json_ones_for_every_version() {
        var random = new Random(20261124);
        int compared = 0;
        for (short v = ApiKeys.PRODUCE.oldestVersion(); v <= ApiKeys.PRODUCE.latestVersion(true); v++) {
            for (int i = 0; i < 40; i++) {
                var request = roundTrip(produceRequest(random), v, true);
                var response = roundTrip(produceResponse(random, v), v, false);
                assertSameTree(request, v);
                assertSameTree(response, v);
                compared += 2;
            }
        }
        assertThat(compared).isGreaterThan(400);
    }

    @Test
    void produce_trees_cover_exactly_the_versions_kafka_clients_parses() {
        // When kafka-clients adds a Produce version, the direct trees must be checked against its converter again.
        assertThat(ApiKeys.PRODUCE.oldestVersion()).isEqualTo(ProduceTrees.LOWEST);
        assertThat(ApiKeys.PRODUCE.latestVersion(true)).isEqualTo(ProduceTrees.HIGHEST);
        var random = new Random(5);
        var request = produceRequest(random);
        var response = produceResponse(random, ProduceTrees.HIGHEST);
        for (short v : new short[] {ProduceTrees.LOWEST - 1, ProduceTrees.HIGHEST + 1}) {
            assertThat(ProduceTrees.request(request, v, new IdTexts())).isNull();
            assertThat(ProduceTrees.response(response, v, new IdTexts())).isNull();
        }
        // Other versions take the converter's path.
        short beyond = ProduceTrees.HIGHEST + 1;
        assertThat(Shapes.of(MessageTree.of(request, beyond, MAX_BODY)))
                .isEqualTo(Shapes.of(MessageTree.viaJson(request, beyond, MAX_BODY)));
    }

    @Test
    void produce_lists_longer_than_max_list_are_cut_as_through_json() {
        var random = new Random(7);
        var request = produceRequest(random);
        var response = produceResponse(random, ApiKeys.PRODUCE.latestVersion());
        for (int i = 0; i < MessageTree.MAX_LIST + 3; i++) {
            request.topicData().add(new ProduceRequestData.TopicProduceData().setName("t" + i));
            response.responses().add(new ProduceResponseData.TopicProduceResponse().setName("t" + i));
        }
        for (short v : new short[] {3, 12, ApiKeys.PRODUCE.latestVersion()}) {
            assertSameTree(request, v);
            assertSameTree(response, v);
        }
    }

    @Test
    void produce_responses_the_converter_refuses_are_refused_alike() {
        var leader = new ProduceResponseData();
        var topic = new ProduceResponseData.TopicProduceResponse().setName("t");
        topic.partitionResponses()
                .add(new ProduceResponseData.PartitionProduceResponse()
                        .setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch()
                                .setLeaderId(1)
                                .setLeaderEpoch(2)));
        leader.responses().add(topic);
        var endpoints = new ProduceResponseData();
        endpoints
                .nodeEndpoints()
                .add(new ProduceResponseData.NodeEndpoint().setNodeId(1).setHost("h"));
        for (var message : List.of(leader, endpoints)) {
            var direct = catchThrowable(() -> MessageTree.of(message, (short) 9, MAX_BODY));
            var json = catchThrowable(() -> MessageTree.json(message, (short) 9));
            assertThat(direct).isNotNull().hasSameClassAs(json).hasMessage(json.getMessage());
            // From version 10 on they are fields like the others.
            assertSameTree(message, (short) 10);
        }
    }

    /** Whether {@link MessageTree#of} gives the reference tree, or throws when the converter throws. */
    static void assertSameTree(ApiMessage message, short version) {
        Map<String, @Nullable Object> expected;
        try {
            expected = ReferenceTrees.of(MessageTree.json(message, version), MAX_BODY);
        } catch (RuntimeException e) {
            assertThatThrownBy(() -> MessageTree.of(message, version, MAX_BODY)).hasSameClassAs(e);
            return;
        }
        var actual = MessageTree.of(message, version, MAX_BODY);
        var what = message.getClass().getSimpleName() + " v" + version;
        assertThat(Shapes.of(actual)).as(what).isEqualTo(Shapes.of(expected));
        assertThat(actual).as(what).isEqualTo(expected);
        assertThat(actual.hashCode()).as(what).isEqualTo(expected.hashCode());
    }

    @SuppressWarnings("unchecked")
    private static <T extends ApiMessage> T roundTrip(T message, short version, boolean request) {
        var buffer = MessageUtil.toByteBufferAccessor(message, version).buffer();
        buffer.rewind();
        var accessor = new ByteBufferAccessor(buffer);
        return (T) (request ? new ProduceRequestData(accessor, version) : new ProduceResponseData(accessor, version));
    }

    static ProduceRequestData produceRequest(Random random) {
        var data = new ProduceRequestData()
                .setTransactionalId(random.nextBoolean() ? null : "tx-" + random.nextInt(10))
                .setAcks((short) (random.nextInt(3) - 1))
                .setTimeoutMs(random.nextInt(30_000));
        int topics = random.nextInt(4);
        for (int t = 0; t < topics; t++) {
            var topic = new ProduceRequestData.TopicProduceData()
                    .setName("topic-" + t)
                    .setTopicId(new Uuid(random.nextLong(), random.nextLong()));
            int partitions = random.nextInt(4);
            for (int p = 0; p < partitions; p++) {
                topic.partitionData()
                        .add(new ProduceRequestData.PartitionProduceData()
                                .setIndex(p)
                                .setRecords(random.nextInt(4) == 0 ? null : records(random)));
            }
            data.topicData().add(topic);
        }
        return data;
    }

    static ProduceResponseData produceResponse(Random random, short version) {
        var data = new ProduceResponseData().setThrottleTimeMs(random.nextInt(100));
        int topics = random.nextInt(4);
        for (int t = 0; t < topics; t++) {
            var topic = new ProduceResponseData.TopicProduceResponse()
                    .setName("topic-" + t)
                    .setTopicId(new Uuid(random.nextLong(), random.nextLong()));
            int partitions = random.nextInt(4);
            for (int p = 0; p < partitions; p++) {
                var partition = new ProduceResponseData.PartitionProduceResponse()
                        .setIndex(p)
                        .setErrorCode((short) random.nextInt(3))
                        .setBaseOffset(random.nextLong())
                        .setLogAppendTimeMs(random.nextInt(2) - 1)
                        .setLogStartOffset(random.nextInt(1000))
                        .setErrorMessage(random.nextBoolean() ? null : "bad " + p);
                if (random.nextBoolean()) {
                    partition
                            .recordErrors()
                            .add(new ProduceResponseData.BatchIndexAndErrorMessage()
                                    .setBatchIndex(random.nextInt(5))
                                    .setBatchIndexErrorMessage(random.nextBoolean() ? null : "record " + p));
                }
                if (version >= 10 && random.nextBoolean()) {
                    partition.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch()
                            .setLeaderId(random.nextInt(3))
                            .setLeaderEpoch(random.nextInt(9)));
                }
                topic.partitionResponses().add(partition);
            }
            data.responses().add(topic);
        }
        if (version >= 10 && random.nextBoolean()) {
            data.nodeEndpoints()
                    .add(new ProduceResponseData.NodeEndpoint()
                            .setNodeId(random.nextInt(3))
                            .setHost("broker")
                            .setPort(9092)
                            .setRack(random.nextBoolean() ? null : "r1"));
        }
        return data;
    }

    private static MemoryRecords records(Random random) {
        int n = 1 + random.nextInt(3);
        var records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            var value = new byte[random.nextInt(40)];
            random.nextBytes(value);
            records[i] = new SimpleRecord(
                    random.nextLong() & 0xffffffffL, ("k" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }
}
