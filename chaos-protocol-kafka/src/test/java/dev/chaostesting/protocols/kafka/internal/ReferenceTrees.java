package dev.chaostesting.protocols.kafka.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.model.Body;
import dev.chaostesting.spi.BodyCollector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * The message tree and its walks as they were before the decoder built {@link FieldMap}s and Produce trees directly:
 * plain {@code LinkedHashMap}s from the JSON tree, names lower-cased on every visit. Kept as the reference the faster
 * code must agree with.
 */
final class ReferenceTrees {

    private static final String REDACTED = MessageTree.REDACTED;
    private static final int MAX_LIST = MessageTree.MAX_LIST;
    private static final Set<String> SECRET_FIELDS =
            Set.of("authbytes", "saltedpassword", "salt", "hmac", "tokenhmac", "password", "saslauthbytes");

    private ReferenceTrees() {}

    @SuppressWarnings("unchecked")
    static Map<String, @Nullable Object> of(JsonNode node, int maxBodyBytes) {
        return (Map<String, @Nullable Object>) convert(node, null, maxBodyBytes);
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static @Nullable Object convert(JsonNode node, @Nullable String key, int maxBodyBytes) {
        if (node.isObject()) {
            var map = new LinkedHashMap<String, @Nullable Object>();
            boolean secretConfig = isSecretConfig(node);
            var names = node.fieldNames();
            while (names.hasNext()) {
                var name = names.next();
                var child = node.get(name);
                boolean secret = SECRET_FIELDS.contains(lower(name))
                        || (secretConfig && (name.equals("value") || name.equals("configValue")));
                if (secret && !child.isNull()) {
                    map.put(name, REDACTED);
                } else if (child.isArray() && child.size() > MAX_LIST) {
                    var list = new ArrayList<@Nullable Object>(MAX_LIST);
                    for (int i = 0; i < MAX_LIST; i++) {
                        list.add(convert(child.get(i), name, maxBodyBytes));
                    }
                    map.put(name, list);
                    map.put(name + "Omitted", child.size() - MAX_LIST);
                } else {
                    map.put(name, convert(child, name, maxBodyBytes));
                }
            }
            return map;
        }
        if (node.isArray()) {
            var list = new ArrayList<@Nullable Object>(node.size());
            for (var child : node) {
                list.add(convert(child, key, maxBodyBytes));
            }
            return list;
        }
        if (node.isBinary()) {
            try {
                var collector = new BodyCollector(maxBodyBytes);
                var bytes = node.binaryValue();
                collector.append(bytes, 0, bytes.length);
                return collector.toBody();
            } catch (IOException e) {
                return Body.empty();
            }
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.asText();
    }

    /** A configuration entry ({@code name} plus {@code value}) whose value must not be stored. */
    private static boolean isSecretConfig(JsonNode node) {
        var name = node.get("name");
        if (name == null || !name.isTextual() || (!node.has("value") && !node.has("configValue"))) {
            return false;
        }
        var n = lower(name.asText());
        return n.contains("password")
                || n.contains("secret")
                || n.contains("jaas")
                || n.contains("credential")
                || n.endsWith(".key")
                || n.contains("token");
    }

    static List<Map<String, @Nullable Object>> topics(Map<String, @Nullable Object> tree, TopicNames names) {
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
            var key = lower(String.valueOf(e.getKey()));
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
            if (!lower(String.valueOf(e.getKey())).contains("partition")) {
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
    static List<Map<String, @Nullable Object>> errorCodes(Map<String, @Nullable Object> tree, TopicNames names) {
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
            var key = lower(String.valueOf(e.getKey()));
            if (e.getValue() instanceof List<?> || e.getValue() instanceof Map<?, ?>) {
                collectErrors(
                        e.getValue(), topic, partition, key.contains("topic") || key.equals("responses"), names, out);
            }
        }
    }
}
