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
            RequestHeader header, AbstractRequest request, int maxBodyBytes, TopicNames names) {
        var fields = header(header.apiKey().name(), header.apiVersion(), header.correlationId(), header.clientId());
        var tree = MessageTree.of(request.data(), header.apiVersion(), maxBodyBytes);
        if (header.apiKey() == ApiKeys.PRODUCE) {
            fields.put("topics", produceTopics((ProduceRequestData) request.data(), maxBodyBytes, names));
        } else {
            var topics = TreeWalks.topics(tree, names);
            if (!topics.isEmpty()) {
                fields.put("topics", topics);
            }
        }
        fields.put("data", tree);
        return fields;
    }

    public static Map<String, @Nullable Object> response(
            RequestHeader header, AbstractResponse response, int maxBodyBytes, TopicNames names) {
        var fields = new LinkedHashMap<String, @Nullable Object>();
        var tree = MessageTree.of(response.data(), header.apiVersion(), maxBodyBytes);
        // Only these answers pair topic ids with names; walking every answer for them cost a tenth of decoding.
        if (header.apiKey() == ApiKeys.METADATA
                || header.apiKey() == ApiKeys.CREATE_TOPICS
                || header.apiKey() == ApiKeys.DESCRIBE_TOPIC_PARTITIONS) {
            names.learnFrom(tree);
        }
        fields.put("throttleTimeMs", response.throttleTimeMs());
        fields.put("errorCodes", TreeWalks.errorCodes(tree, names));
        if (header.apiKey() == ApiKeys.FETCH) {
            fields.put("topics", fetchTopics((FetchResponseData) response.data(), maxBodyBytes, names));
        }
        fields.put("data", tree);
        return fields;
    }

    private static List<Map<String, @Nullable Object>> produceTopics(
            ProduceRequestData data, int maxBodyBytes, TopicNames names) {
        var topics = new ArrayList<Map<String, @Nullable Object>>();
        for (var topic : data.topicData()) {
            var entry = topic(topic.name(), topic.topicId(), names);
            var partitions = new ArrayList<Map<String, @Nullable Object>>();
            for (var p : topic.partitionData()) {
                var partition = new LinkedHashMap<String, @Nullable Object>();
                partition.put("partition", p.index());
                records(p.records(), maxBodyBytes, partition);
                partitions.add(partition);
            }
            entry.put("partitions", partitions);
            topics.add(entry);
        }
        return topics;
    }

    private static List<Map<String, @Nullable Object>> fetchTopics(
            FetchResponseData data, int maxBodyBytes, TopicNames names) {
        var topics = new ArrayList<Map<String, @Nullable Object>>();
        for (var topic : data.responses()) {
            var entry = topic(topic.topic(), topic.topicId(), names);
            var partitions = new ArrayList<Map<String, @Nullable Object>>();
            for (var p : topic.partitions()) {
                var partition = new LinkedHashMap<String, @Nullable Object>();
                partition.put("partition", p.partitionIndex());
                partition.put("errorCode", (int) p.errorCode());
                partition.put("highWatermark", p.highWatermark());
                records(p.records(), maxBodyBytes, partition);
                partitions.add(partition);
            }
            entry.put("partitions", partitions);
            topics.add(entry);
        }
        return topics;
    }

    private static Map<String, @Nullable Object> topic(@Nullable String name, @Nullable Uuid id, TopicNames names) {
        var entry = new LinkedHashMap<String, @Nullable Object>();
        var idText = id == null || id.equals(Uuid.ZERO_UUID) ? null : id.toString();
        var known = idText == null ? null : names.name(idText);
        entry.put("topic", name != null && !name.isEmpty() ? name : known != null ? known : idText);
        if (idText != null) {
            entry.put("topicId", idText);
        }
        return entry;
    }

    private static void records(@Nullable BaseRecords records, int maxBodyBytes, Map<String, @Nullable Object> into) {
        if (records instanceof MemoryRecords memory) {
            RecordsReader.read(memory.buffer(), maxBodyBytes, into);
        } else {
            RecordsReader.read(ByteBuffer.allocate(0), maxBodyBytes, into);
        }
    }
}
