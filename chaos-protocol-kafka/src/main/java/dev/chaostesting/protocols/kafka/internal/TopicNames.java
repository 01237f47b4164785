package dev.chaostesting.protocols.kafka.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Topic names by topic id, learned from responses that carry both (Metadata, CreateTopics,
 * DescribeTopicPartitions...), so that requests naming topics by id only (Produce v13+, Fetch v13+) are recorded with
 * names. Shared by the connections of one codec; bounded (cleared when full). Thread-safe.
 */
public final class TopicNames {

    static final int MAX = 100_000;
    /** The zero UUID, which messages use for "no topic id". */
    static final String ZERO_ID = "AAAAAAAAAAAAAAAAAAAAAA";

    private final Map<String, String> names = new ConcurrentHashMap<>();

    public @Nullable String name(String topicId) {
        return names.get(topicId);
    }

    void learn(String topicId, String name) {
        if (topicId.equals(ZERO_ID) || name.isEmpty()) {
            return;
        }
        if (names.size() >= MAX) {
            names.clear();
        }
        names.put(topicId, name);
    }

    /** Learns every (topicId, name) pair of a message tree. */
    public void learnFrom(@Nullable Object tree) {
        if (tree instanceof Map<?, ?> map) {
            if (map.get("topicId") instanceof String id) {
                var name = map.get("name") instanceof String n ? n : map.get("topic") instanceof String t ? t : null;
                if (name != null) {
                    learn(id, name);
                }
            }
            map.values().forEach(this::learnFrom);
        } else if (tree instanceof Iterable<?> list) {
            list.forEach(this::learnFrom);
        }
    }
}
