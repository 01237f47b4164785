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
        if (!(node instanceof Map<?, ?> m)) {
            return;
        }
        var map = FieldMap.copyOf(m);
        for (int i = 0; i < map.size(); i++) {
            var value = map.valueAt(i);
            if (!(value instanceof List<?> list)) {
                collectTopics(value, names, out);
                continue;
            }
            int key = map.classesAt(i);
            boolean topicList = (key & Keys.TOPICISH) != 0 && (key & Keys.FORGOTTEN) == 0;
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
        var fields = FieldMap.copyOf(topic);
        for (int i = 0; i < fields.size(); i++) {
            if ((fields.classesAt(i) & Keys.PARTITIONISH) == 0) {
                continue;
            }
            for (var p : MessageTree.list(fields.valueAt(i))) {
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
        return topicOf(node, ~0, names);
    }

    /**
     * {@code has}: the {@link Keys} classes of the node's names, or more; a name not among them is not looked up (it is
     * not there).
     */
    private static @Nullable String topicOf(Map<?, ?> node, int has, TopicNames names) {
        if ((has & Keys.TOPIC) != 0 && node.get("topic") instanceof String t) {
            return t;
        }
        if ((has & Keys.NAME) != 0 && node.get("name") instanceof String n) {
            return n;
        }
        if ((has & Keys.TOPIC_NAME) != 0 && node.get("topicName") instanceof String n) {
            return n;
        }
        if ((has & Keys.TOPIC_ID) != 0 && node.get("topicId") instanceof String id && !id.equals(TopicNames.ZERO_ID)) {
            var name = names.name(id);
            return name != null ? name : id;
        }
        return null;
    }

    static @Nullable Number partitionOf(Map<?, ?> node) {
        return partitionOf(node, ~0);
    }

    private static @Nullable Number partitionOf(Map<?, ?> node, int has) {
        if ((has & Keys.PARTITION_INDEX) != 0 && node.get("partitionIndex") instanceof Number n) {
            return n;
        }
        if ((has & Keys.PARTITION) != 0 && node.get("partition") instanceof Number n) {
            return n;
        }
        if ((has & Keys.PARTITION_ID) != 0 && node.get("partitionId") instanceof Number n) {
            return n;
        }
        if ((has & Keys.INDEX) != 0 && node.get("index") instanceof Number n) {
            return n;
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
        FieldMap map;
        if (node instanceof FieldMap f) { // first: a final class, told apart without an interface check
            map = f;
        } else if (node instanceof List<?> list) {
            for (var element : list) {
                collectErrors(element, topic, partition, inTopicList, names, out);
            }
            return;
        } else if (node instanceof Map<?, ?> m) {
            map = FieldMap.copyOf(m);
        } else {
            return;
        }
        int has = map.classes();
        // Only the names looked for are looked up: a node without them is walked through.
        var here = inTopicList || (has & Keys.TOPIC_OR_ID) != 0 ? topicOf(map, has, names) : null;
        if (here != null) {
            topic = here;
        }
        if (topic != null && (has & Keys.PARTITION_FIELD) != 0) {
            var index = partitionOf(map, has);
            if (index != null) {
                partition = index;
            }
        }
        if ((has & Keys.ERROR_CODE) != 0 && map.get("errorCode") instanceof Number code && code.intValue() != 0) {
            var entry = new LinkedHashMap<String, @Nullable Object>();
            if (topic != null) {
                entry.put("topic", topic);
            }
            if (partition != null) {
                entry.put("partition", partition.intValue());
            }
            entry.put("code", code.intValue());
            entry.put("error", Errors.forCode(code.shortValue()).name());
            if ((has & Keys.ERROR_MESSAGE) != 0 && map.get("errorMessage") instanceof String message) {
                entry.put("message", message);
            }
            out.add(entry);
        }
        for (int i = 0; i < map.size(); i++) {
            var value = map.valueAt(i);
            if (isContainer(value)) {
                int key = map.classesAt(i);
                collectErrors(
                        value, topic, partition, (key & Keys.TOPICISH) != 0 || (key & Keys.RESPONSES) != 0, names, out);
            }
        }
    }

    /**
     * Whether a tree value is a list or a map. The classes trees are made of are told apart by their class first:
     * interface checks on every value of every node (failing for most) were a tenth of the decoding time.
     */
    static boolean isContainer(@Nullable Object value) {
        if (value == null) {
            return false;
        }
        var type = value.getClass();
        if (type == FieldMap.class || type == ArrayList.class) {
            return true;
        }
        if (type == String.class
                || type == Integer.class
                || type == Long.class
                || type == Short.class
                || type == Boolean.class) {
            return false;
        }
        return value instanceof List<?> || value instanceof Map<?, ?>;
    }
}
