package dev.chaostesting.protocols.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class FieldMapTest {

    @Test
    void behaves_as_a_linked_hash_map_with_the_same_puts() {
        var random = new Random(11);
        for (int run = 0; run < 500; run++) {
            var expected = new LinkedHashMap<String, @Nullable Object>();
            var builder = new FieldMap.Builder(random.nextInt(4));
            int n = random.nextInt(12);
            for (int i = 0; i < n; i++) {
                var name = "f" + random.nextInt(8);
                @Nullable Object value = random.nextInt(5) == 0 ? null : random.nextInt(100);
                expected.put(name, value);
                if (random.nextBoolean()) {
                    builder.put(name, value);
                } else {
                    builder.put(name, Keys.of(name), value);
                }
            }
            var map = builder.build();
            assertThat(map).isEqualTo(expected);
            assertThat(expected).isEqualTo(map);
            assertThat(map.hashCode()).isEqualTo(expected.hashCode());
            assertThat(map.toString()).isEqualTo(expected.toString());
            assertThat(new ArrayList<>(map.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
            assertThat(new ArrayList<>(map.values())).isEqualTo(new ArrayList<>(expected.values()));
            for (int i = 0; i < 8; i++) {
                assertThat(map.get("f" + i)).isEqualTo(expected.get("f" + i));
                assertThat(map.containsKey("f" + i)).isEqualTo(expected.containsKey("f" + i));
            }
            assertThat(map.get(null)).isNull();
            assertThat(map.get(42)).isNull();
            var visited = new ArrayList<String>();
            map.forEach((k, v) -> visited.add(k + "=" + v));
            var expectedVisits = new ArrayList<String>();
            expected.forEach((k, v) -> expectedVisits.add(k + "=" + v));
            assertThat(visited).isEqualTo(expectedVisits);
            for (int i = 0; i < map.size(); i++) {
                assertThat(map.classesAt(i)).isEqualTo(Keys.compute(map.nameAt(i)));
            }
            assertThat(FieldMap.copyOf(expected)).isEqualTo(expected);
            assertThat(FieldMap.copyOf(map)).isSameAs(map);
        }
    }

    @Test
    void put_new_appends_until_a_checked_put_then_replaces_in_place() {
        var builder = new FieldMap.Builder(1);
        builder.putNew("topics", Keys.of("topics"), List.of());
        builder.put("topicsOmitted", 3);
        builder.putNew("topicsOmitted", Keys.of("topicsOmitted"), 5); // as LinkedHashMap.put: same place, new value
        builder.putNew("other", Keys.of("other"), 1);
        var map = builder.build();
        assertThat(new ArrayList<>(map.entrySet()))
                .containsExactly(Map.entry("topics", List.of()), Map.entry("topicsOmitted", 5), Map.entry("other", 1));
        assertThat(map.classes()).isEqualTo(Keys.of("topics") | Keys.of("topicsOmitted") | Keys.of("other"));
    }

    @Test
    void is_immutable() {
        var map = new FieldMap.Builder(1).put("a", 1).build();
        assertThatThrownBy(() -> map.put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.remove("a")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> map.entrySet().iterator().next().setValue(3))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(map::clear).isInstanceOf(UnsupportedOperationException.class);
        // The builder hands its arrays to the map: it cannot be used again.
        var builder = new FieldMap.Builder(1).put("a", 1);
        var built = builder.build();
        assertThatThrownBy(() -> builder.put("a", 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder.putNew("b", 2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class);
        assertThat(built).containsExactly(Map.entry("a", 1));
    }

    @Test
    void keys_remembers_what_it_computes_even_for_names_sharing_a_slot() {
        var random = new Random(3);
        // Thousands of names: many share slots, some push others out; every answer is still the computed one.
        var names = new ArrayList<String>();
        for (int i = 0; i < 20_000; i++) {
            var sb = new StringBuilder();
            for (int c = random.nextInt(12); c >= 0; c--) {
                sb.append("abcTopicPartitionnameErrorCodeforgottenResponsesvalue".charAt(random.nextInt(52)));
            }
            names.add(sb.toString());
        }
        names.addAll(List.of(
                "topic",
                "topicId",
                "name",
                "topicName",
                "value",
                "configValue",
                "errorCode",
                "responses",
                "RESPONSES",
                "forgottenTopicsData",
                "partitionIndex",
                "index",
                "partitionId",
                "partition",
                "authBytes",
                "saltedPassword",
                "tokenHmac",
                "SaslAuthBytes"));
        for (int round = 0; round < 2; round++) {
            for (var name : names) {
                assertThat(Keys.of(new String(name))).as(name).isEqualTo(Keys.compute(name));
            }
        }
        assertThat(Keys.of("SaslAuthBytes") & Keys.SECRET).isNotZero();
        assertThat(Keys.of("forgottenTopicsData") & (Keys.TOPICISH | Keys.FORGOTTEN))
                .isEqualTo(Keys.TOPICISH | Keys.FORGOTTEN);
        assertThat(Keys.of("RESPONSES") & Keys.RESPONSES).isNotZero();
        assertThat(Keys.of("Value") & Keys.CONFIG_VALUE).isZero(); // configuration values: exact names only
    }
}
