package dev.chaostesting.protocols.kafka.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/** What the recorded fields summarise from a message tree: its topics and partitions, and its non-zero error codes. */
public final class TreeWalks {

    private TreeWalks() {}

    /**
     * Topics a message names, each {@code {topic, topicId?, partitions: [ints]}}, in order: from every list whose
     * field name speaks of topics ({@code topics}, {@code topicData}, {@code topicStates}...), at any depth.
     */
    public static List<Map<String, @Nullable Object>> topics(Map<String, @Nullable Object> tree, TopicNames names) {
        var out = new ArrayList<Map<String, @Nullable Object>>();
        collectTopics(tree, names, out);
        return out;
    }

    private static void collectTopics(
            @Nullable Object node, TopicNames names, List<Map<String, @Nullable Object>> out) {
        if (!(node instanceof Map<?, ?> map)) {
            return;
        }
        for (var e : map.entrySet()) {
            var key = Lower.of(String.valueOf(e.getKey()));
            if (!(e.getValue() instanceof List<?> list)) {
                collectTopics(e.getValue(), names, out);
                continue;
            }
            boolean topicList = key.contains("topic") && !key.contains("forgotten");
            for (var element : list) {
                if (topicList && element instanceof Map<?, ?> topic && topicOf(topic, names) != null) {
                    out.add(topicEntry(topic, names));
                } else if (topicList && element instanceof String name) {
                    var entry = new LinkedHashMap<String, @Nullable Object>();
                    entry.put("topic", name);
                    out.add(entry);
                } else {
                    collectTopics(element, names, out);
                }
            }
        }
    }

    private static Map<String, @Nullable Object> topicEntry(Map<?, ?> topic, TopicNames names) {
        var entry = new LinkedHashMap<String, @Nullable Object>();
        entry.put("topic", topicOf(topic, names));
        if (topic.get("topicId") instanceof String id && !id.equals(TopicNames.ZERO_ID)) {
            entry.put("topicId", id);
        }
        var partitions = new ArrayList<Integer>();
        for (var e : topic.entrySet()) {
            if (!Lower.of(String.valueOf(e.getKey())).contains("partition")) {
                continue;
            }
            for (var p : MessageTree.list(e.getValue())) {
                var index = p instanceof Number n ? n : p instanceof Map<?, ?> m ? partitionOf(m) : null;
                if (index != null) {
                    partitions.add(index.intValue());
                }
            }
        }
        entry.put("partitions", partitions);
        return entry;
    }

    /** The topic a message element stands for: its name, else the name known for its id, else its id. */
    static @Nullable String topicOf(Map<?, ?> node, TopicNames names) {
        if (node.get("topic") instanceof String t) {
            return t;
        }
        if (node.get("name") instanceof String n) {
            return n;
        }
        if (node.get("topicName") instanceof String n) {
            return n;
        }
        if (node.get("topicId") instanceof String id && !id.equals(TopicNames.ZERO_ID)) {
            var name = names.name(id);
            return name != null ? name : id;
        }
        return null;
    }

    static @Nullable Number partitionOf(Map<?, ?> node) {
        for (var key : new String[] {"partitionIndex", "partition", "partitionId", "index"}) {
            if (node.get(key) instanceof Number n) {
                return n;
            }
        }
        return null;
    }

    /**
     * Every non-zero {@code errorCode} of a message, with the topic and partition it belongs to when the message nests
     * it under one: {@code {topic?, partition?, code, error, message?}}.
     */
    public static List<Map<String, @Nullable Object>> errorCodes(Map<String, @Nullable Object> tree, TopicNames names) {
        var out = new ArrayList<Map<String, @Nullable Object>>();
        collectErrors(tree, null, null, false, names, out);
        return out;
    }

    private static void collectErrors(
            @Nullable Object node,
            @Nullable String topic,
            @Nullable Number partition,
            boolean inTopicList,
            TopicNames names,
            List<Map<String, @Nullable Object>> out) {
        if (node instanceof List<?> list) {
            for (var element : list) {
                collectErrors(element, topic, partition, inTopicList, names, out);
            }
            return;
        }
        if (!(node instanceof Map<?, ?> map)) {
            return;
        }
        var here = inTopicList || map.containsKey("topic") || map.containsKey("topicId") ? topicOf(map, names) : null;
        if (here != null) {
            topic = here;
        }
        if (topic != null && partitionOf(map) != null) {
            partition = partitionOf(map);
        }
        if (map.get("errorCode") instanceof Number code && code.intValue() != 0) {
            var entry = new LinkedHashMap<String, @Nullable Object>();
            if (topic != null) {
                entry.put("topic", topic);
            }
            if (partition != null) {
                entry.put("partition", partition.intValue());
            }
            entry.put("code", code.intValue());
            entry.put("error", Errors.forCode(code.shortValue()).name());
            if (map.get("errorMessage") instanceof String message) {
                entry.put("message", message);
            }
            out.add(entry);
        }
        for (var e : map.entrySet()) {
            var key = Lower.of(String.valueOf(e.getKey()));
            if (e.getValue() instanceof List<?> || e.getValue() instanceof Map<?, ?>) {
                collectErrors(
                        e.getValue(), topic, partition, key.contains("topic") || key.equals("responses"), names, out);
            }
        }
    }
}
