package dev.chaostesting.protocols.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The walks over {@link FieldMap} trees (names classified once, only the names looked for looked up) find what the
 * walks over plain maps found ({@link ReferenceTrees}): the same topics and error codes, in the same order, for seeded
 * random trees made of the names they look for; and for trees of other maps too.
 */
class TreeWalksTest {

    private static final String[] NAMES = {
        "topics", "topic", "name", "topicName", "topicId", "TopicData", "forgottenTopicsData", "partitions",
        "partitionIndex", "partition", "partitionId", "index", "errorCode", "errorMessage", "responses", "Responses",
        "data", "value", "results", "PartitionResponses", "brokers"
    };

    @Test
    void random_trees_give_the_topics_and_error_codes_of_the_reference_walks() {
        var random = new Random(20261124);
        var names = new TopicNames();
        names.learn("idKnown000000000000000", "known");
        int topics = 0;
        int errors = 0;
        for (int run = 0; run < 3000; run++) {
            @SuppressWarnings("unchecked")
            var plain = (Map<String, @Nullable Object>) randomMap(random, 0);
            var fields = (Map<String, @Nullable Object>) toFieldMaps(plain);
            var expectedTopics = ReferenceTrees.topics(plain, names);
            var expectedErrors = ReferenceTrees.errorCodes(plain, names);
            assertThat(Shapes.of(TreeWalks.topics(fields, names)))
                    .as("run %d", run)
                    .isEqualTo(Shapes.of(expectedTopics));
            assertThat(Shapes.of(TreeWalks.errorCodes(fields, names)))
                    .as("run %d", run)
                    .isEqualTo(Shapes.of(expectedErrors));
            // Trees of other maps are walked alike.
            assertThat(Shapes.of(TreeWalks.topics(plain, names))).isEqualTo(Shapes.of(expectedTopics));
            assertThat(Shapes.of(TreeWalks.errorCodes(plain, names))).isEqualTo(Shapes.of(expectedErrors));
            topics += expectedTopics.size();
            errors += expectedErrors.size();
        }
        // The trees are not trivial: the walks found many topics and errors in them.
        assertThat(topics).isGreaterThan(1000);
        assertThat(errors).isGreaterThan(1000);
    }

    private static Object randomMap(Random random, int depth) {
        var map = new LinkedHashMap<String, @Nullable Object>();
        int n = depth == 0 ? 2 + random.nextInt(5) : random.nextInt(6);
        for (int i = 0; i < n; i++) {
            var name = NAMES[random.nextInt(NAMES.length)];
            var lower = name.toLowerCase(Locale.ROOT);
            boolean listy = lower.contains("topic") || lower.contains("partition") || lower.contains("responses");
            map.put(
                    name,
                    listy && depth < 4 && random.nextInt(10) < 7
                            ? randomList(random, depth + 1)
                            : randomValue(random, depth + 1));
        }
        return map;
    }

    private static @Nullable Object randomValue(Random random, int depth) {
        int kind = random.nextInt(depth > 4 ? 5 : 8);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextInt(4) - 1; // error codes and partitions: 0 is no error
            case 2 -> (short) random.nextInt(3);
            case 3 ->
                random.nextBoolean()
                        ? "t" + random.nextInt(3)
                        : random.nextBoolean() ? "idKnown000000000000000" : TopicNames.ZERO_ID;
            case 4 -> (long) random.nextInt(5);
            case 5, 6 -> randomList(random, depth);
            default -> randomMap(random, depth);
        };
    }

    private static List<@Nullable Object> randomList(Random random, int depth) {
        var list = new ArrayList<@Nullable Object>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            list.add(random.nextInt(3) == 0 ? randomValue(random, depth + 1) : randomMap(random, depth));
        }
        return list;
    }

    private static @Nullable Object toFieldMaps(@Nullable Object value) {
        if (value instanceof Map<?, ?> map) {
            var builder = new FieldMap.Builder(map.size());
            map.forEach((k, v) -> builder.put((String) k, toFieldMaps(v)));
            return builder.build();
        }
        if (value instanceof List<?> list) {
            var copy = new ArrayList<@Nullable Object>();
            list.forEach(e -> copy.add(toFieldMaps(e)));
            return copy;
        }
        return value;
    }
}
