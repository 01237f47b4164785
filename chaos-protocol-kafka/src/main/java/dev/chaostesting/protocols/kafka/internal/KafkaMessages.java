package dev.chaostesting.protocols.kafka.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.jspecify.annotations.Nullable;

/** The recorded fields of a decoded request or response (documented in docs/protocols/kafka.md). */
public final class KafkaMessages {

    private KafkaMessages() {}

    /** The header fields, which every recorded request has, decoded or not. */
    public static Map<String, @Nullable Object> header(
            String apiKey, short apiVersion, int correlationId, @Nullable String clientId) {
        var fields = new LinkedHashMap<String, @Nullable Object>();
        fields.put("apiKey", apiKey);
        fields.put("apiVersion", (int) apiVersion);
        fields.put("correlationId", correlationId);
        fields.put("clientId", clientId);
        return fields;
    }

    public static Map<String, @Nullable Object> request(
            RequestHeader header, AbstractRequest request, int maxBodyBytes, TopicNames names, IdTexts ids) {
        var apiKey = header.apiKey(); // looked up in a map on every call
        var fields = new FieldMap.Builder(6)
                .putNew("apiKey", apiKey.name())
                .putNew("apiVersion", (int) header.apiVersion())
                .putNew("correlationId", header.correlationId())
                .putNew("clientId", header.clientId());
        var tree = MessageTree.of(request.data(), header.apiVersion(), maxBodyBytes, ids);
        if (apiKey == ApiKeys.PRODUCE) {
            fields.putNew("topics", produceTopics((ProduceRequestData) request.data(), maxBodyBytes, names, ids));
        } else {
            var topics = TreeWalks.topics(tree, names);
            if (!topics.isEmpty()) {
                fields.putNew("topics", topics);
            }
        }
        fields.putNew("data", tree);
        return fields.build();
    }

    public static Map<String, @Nullable Object> response(
            RequestHeader header, AbstractResponse response, int maxBodyBytes, TopicNames names, IdTexts ids) {
        var apiKey = header.apiKey();
        var fields = new FieldMap.Builder(4);
        var tree = MessageTree.of(response.data(), header.apiVersion(), maxBodyBytes, ids);
        // Only these answers pair topic ids with names; walking every answer for them cost a tenth of decoding.
        if (apiKey == ApiKeys.METADATA
                || apiKey == ApiKeys.CREATE_TOPICS
                || apiKey == ApiKeys.DESCRIBE_TOPIC_PARTITIONS) {
            names.learnFrom(tree);
        }
        fields.putNew("throttleTimeMs", response.throttleTimeMs());
        fields.putNew("errorCodes", TreeWalks.errorCodes(tree, names));
        if (apiKey == ApiKeys.FETCH) {
            fields.putNew("topics", fetchTopics((FetchResponseData) response.data(), maxBodyBytes, names, ids));
        }
        fields.putNew("data", tree);
        return fields.build();
    }

    private static List<Map<String, @Nullable Object>> produceTopics(
            ProduceRequestData data, int maxBodyBytes, TopicNames names, IdTexts ids) {
        var topics = new ArrayList<Map<String, @Nullable Object>>();
        for (var topic : data.topicData()) {
            var entry = topic(topic.name(), topic.topicId(), names, ids);
            var partitions = new ArrayList<Map<String, @Nullable Object>>();
            for (var p : topic.partitionData()) {
                var partition = new FieldMap.Builder(4);
                partition.putNew("partition", p.index());
                records(p.records(), maxBodyBytes, partition);
                partitions.add(partition.build());
            }
            entry.putNew("partitions", partitions);
            topics.add(entry.build());
        }
        return topics;
    }

    private static List<Map<String, @Nullable Object>> fetchTopics(
            FetchResponseData data, int maxBodyBytes, TopicNames names, IdTexts ids) {
        var topics = new ArrayList<Map<String, @Nullable Object>>();
        for (var topic : data.responses()) {
            var entry = topic(topic.topic(), topic.topicId(), names, ids);
            var partitions = new ArrayList<Map<String, @Nullable Object>>();
            for (var p : topic.partitions()) {
                var partition = new FieldMap.Builder(6);
                partition.putNew("partition", p.partitionIndex());
                partition.putNew("errorCode", (int) p.errorCode());
                partition.putNew("highWatermark", p.highWatermark());
                records(p.records(), maxBodyBytes, partition);
                partitions.add(partition.build());
            }
            entry.putNew("partitions", partitions);
            topics.add(entry.build());
        }
        return topics;
    }

    private static FieldMap.Builder topic(@Nullable String name, @Nullable Uuid id, TopicNames names, IdTexts ids) {
        var entry = new FieldMap.Builder(3);
        var idText = id == null || id.equals(Uuid.ZERO_UUID) ? null : ids.of(id);
        var known = idText == null ? null : names.name(idText);
        entry.putNew("topic", name != null && !name.isEmpty() ? name : known != null ? known : idText);
        if (idText != null) {
            entry.putNew("topicId", idText);
        }
        return entry;
    }

    private static void records(@Nullable BaseRecords records, int maxBodyBytes, FieldMap.Builder into) {
        if (records instanceof MemoryRecords memory) {
            RecordsReader.read(memory.buffer(), maxBodyBytes, into::putNew);
        } else {
            RecordsReader.read(ByteBuffer.allocate(0), maxBodyBytes, into::putNew);
        }
    }
}
