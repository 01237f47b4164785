package dev.chaostesting.protocols.kafka.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.jspecify.annotations.Nullable;

/**
 * The trees of Produce requests and responses, built straight from the messages: the same fields, in the same order,
 * with the same value types, as {@link MessageTree} gets through kafka-clients' JSON converters (ProduceRequestData and
 * ProduceResponseData, version by version), without building the JSON tree first. Produce is most of what a producer
 * sends, and the JSON tree plus its conversion were a third of the decoding time. What the converters refuse (fields a
 * version cannot carry, which no parsed message has) is left to them, and so are versions other than those of
 * kafka-clients 4.2.0: then these methods return null.
 */
final class ProduceTrees {

    /**
     * The versions whose converters this class was written from (kafka-clients 4.2.0): another version (a newer
     * kafka-clients may add fields) goes through the converter.
     */
    static final short LOWEST = 3;

    static final short HIGHEST = 13;

    private static final ProduceResponseData.LeaderIdAndEpoch NO_LEADER = new ProduceResponseData.LeaderIdAndEpoch();

    private static final int TRANSACTIONAL_ID = Keys.of("transactionalId");
    private static final int ACKS = Keys.of("acks");
    private static final int TIMEOUT_MS = Keys.of("timeoutMs");
    private static final int TOPIC_DATA = Keys.of("topicData");
    private static final int NAME = Keys.of("name");
    private static final int TOPIC_ID = Keys.of("topicId");
    private static final int PARTITION_DATA = Keys.of("partitionData");
    private static final int INDEX = Keys.of("index");
    private static final int RECORDS = Keys.of("records");
    private static final int RECORDS_SIZE = Keys.of("recordsSizeInBytes");
    private static final int RESPONSES = Keys.of("responses");
    private static final int THROTTLE_TIME_MS = Keys.of("throttleTimeMs");
    private static final int NODE_ENDPOINTS = Keys.of("nodeEndpoints");
    private static final int PARTITION_RESPONSES = Keys.of("partitionResponses");
    private static final int ERROR_CODE = Keys.of("errorCode");
    private static final int BASE_OFFSET = Keys.of("baseOffset");
    private static final int LOG_APPEND_TIME_MS = Keys.of("logAppendTimeMs");
    private static final int LOG_START_OFFSET = Keys.of("logStartOffset");
    private static final int RECORD_ERRORS = Keys.of("recordErrors");
    private static final int ERROR_MESSAGE = Keys.of("errorMessage");
    private static final int CURRENT_LEADER = Keys.of("currentLeader");
    private static final int BATCH_INDEX = Keys.of("batchIndex");
    private static final int BATCH_INDEX_ERROR_MESSAGE = Keys.of("batchIndexErrorMessage");
    private static final int LEADER_ID = Keys.of("leaderId");
    private static final int LEADER_EPOCH = Keys.of("leaderEpoch");
    private static final int NODE_ID = Keys.of("nodeId");
    private static final int HOST = Keys.of("host");
    private static final int PORT = Keys.of("port");
    private static final int RACK = Keys.of("rack");

    private ProduceTrees() {}

    /** Null for a version this class does not know: the caller then takes the converter's path. */
    static @Nullable Map<String, @Nullable Object> request(ProduceRequestData data, short version, IdTexts ids) {
        if (version < LOWEST || version > HIGHEST) {
            return null;
        }
        var map = new FieldMap.Builder(4);
        map.putNew("transactionalId", TRANSACTIONAL_ID, data.transactionalId());
        map.putNew("acks", ACKS, data.acks());
        map.putNew("timeoutMs", TIMEOUT_MS, data.timeoutMs());
        list(map, "topicData", TOPIC_DATA, data.topicData(), t -> topicData(t, version, ids));
        return map.build();
    }

    private static FieldMap topicData(ProduceRequestData.TopicProduceData topic, short version, IdTexts ids) {
        var map = new FieldMap.Builder(2);
        if (version <= 12) {
            map.putNew("name", NAME, topic.name());
        }
        if (version >= 13) {
            map.putNew("topicId", TOPIC_ID, ids.of(topic.topicId()));
        }
        list(map, "partitionData", PARTITION_DATA, topic.partitionData(), ProduceTrees::partitionData);
        return map.build();
    }

    private static FieldMap partitionData(ProduceRequestData.PartitionProduceData partition) {
        var map = new FieldMap.Builder(2);
        map.putNew("index", INDEX, partition.index());
        var records = partition.records();
        if (records == null) {
            map.putNew("records", RECORDS, null);
        } else {
            map.putNew("recordsSizeInBytes", RECORDS_SIZE, records.sizeInBytes());
        }
        return map.build();
    }

    /**
     * Null for a version this class does not know, or when the converter would refuse the message: the caller then
     * takes the converter's path (for its exception).
     */
    static @Nullable Map<String, @Nullable Object> response(ProduceResponseData data, short version, IdTexts ids) {
        if (version < LOWEST || version > HIGHEST || (version < 10 && !convertible(data))) {
            return null;
        }
        var map = new FieldMap.Builder(3);
        list(map, "responses", RESPONSES, data.responses(), t -> topicResponse(t, version, ids));
        map.putNew("throttleTimeMs", THROTTLE_TIME_MS, data.throttleTimeMs());
        if (version >= 10 && !data.nodeEndpoints().isEmpty()) {
            list(map, "nodeEndpoints", NODE_ENDPOINTS, data.nodeEndpoints(), ProduceTrees::nodeEndpoint);
        }
        return map.build();
    }

    /** Below version 10: whether no field of version 10 is set (the converter throws when one is). */
    private static boolean convertible(ProduceResponseData data) {
        if (!data.nodeEndpoints().isEmpty()) {
            return false;
        }
        for (var topic : data.responses()) {
            for (var partition : topic.partitionResponses()) {
                if (!partition.currentLeader().equals(NO_LEADER)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static FieldMap topicResponse(ProduceResponseData.TopicProduceResponse topic, short version, IdTexts ids) {
        var map = new FieldMap.Builder(2);
        if (version <= 12) {
            map.putNew("name", NAME, topic.name());
        }
        if (version >= 13) {
            map.putNew("topicId", TOPIC_ID, ids.of(topic.topicId()));
        }
        list(
                map,
                "partitionResponses",
                PARTITION_RESPONSES,
                topic.partitionResponses(),
                p -> partitionResponse(p, version));
        return map.build();
    }

    private static FieldMap partitionResponse(ProduceResponseData.PartitionProduceResponse partition, short version) {
        var map = new FieldMap.Builder(8);
        map.putNew("index", INDEX, partition.index());
        map.putNew("errorCode", ERROR_CODE, partition.errorCode());
        map.putNew("baseOffset", BASE_OFFSET, partition.baseOffset());
        map.putNew("logAppendTimeMs", LOG_APPEND_TIME_MS, partition.logAppendTimeMs());
        if (version >= 5) {
            map.putNew("logStartOffset", LOG_START_OFFSET, partition.logStartOffset());
        }
        if (version >= 8) {
            list(map, "recordErrors", RECORD_ERRORS, partition.recordErrors(), ProduceTrees::recordError);
            map.putNew("errorMessage", ERROR_MESSAGE, partition.errorMessage());
        }
        if (version >= 10 && !partition.currentLeader().equals(NO_LEADER)) {
            var leader = new FieldMap.Builder(2);
            leader.putNew("leaderId", LEADER_ID, partition.currentLeader().leaderId());
            leader.putNew("leaderEpoch", LEADER_EPOCH, partition.currentLeader().leaderEpoch());
            map.putNew("currentLeader", CURRENT_LEADER, leader.build());
        }
        return map.build();
    }

    private static FieldMap recordError(ProduceResponseData.BatchIndexAndErrorMessage error) {
        var map = new FieldMap.Builder(2);
        map.putNew("batchIndex", BATCH_INDEX, error.batchIndex());
        map.putNew("batchIndexErrorMessage", BATCH_INDEX_ERROR_MESSAGE, error.batchIndexErrorMessage());
        return map.build();
    }

    private static FieldMap nodeEndpoint(ProduceResponseData.NodeEndpoint node) {
        var map = new FieldMap.Builder(4);
        map.putNew("nodeId", NODE_ID, node.nodeId());
        map.putNew("host", HOST, node.host());
        map.putNew("port", PORT, node.port());
        map.putNew("rack", RACK, node.rack());
        return map.build();
    }

    /** A list field as {@link MessageTree} records one: its first {@link MessageTree#MAX_LIST} elements, the count of the rest. */
    private static <T> void list(
            FieldMap.Builder map, String name, int nameClasses, Collection<T> items, Function<T, Object> element) {
        int size = items.size();
        var list = new ArrayList<@Nullable Object>(Math.min(size, MessageTree.MAX_LIST));
        int i = 0;
        for (var item : items) {
            if (i++ == MessageTree.MAX_LIST) {
                break;
            }
            list.add(element.apply(item));
        }
        map.putNew(name, nameClasses, list);
        if (size > MessageTree.MAX_LIST) {
            map.put(name + "Omitted", size - MessageTree.MAX_LIST);
        }
    }
}
