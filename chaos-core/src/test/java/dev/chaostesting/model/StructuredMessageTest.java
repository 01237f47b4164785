package dev.chaostesting.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructuredMessageTest {

    @Test
    void a_built_message_equals_one_made_from_a_map_and_keeps_the_order() {
        var built = StructuredMessage.builder()
                .put("command", List.of("GET", "k"))
                .put("name", "GET")
                .put("size", 2)
                .put("nothing", null)
                .build();
        var map = new LinkedHashMap<String, Object>();
        map.put("command", List.of("GET", "k"));
        map.put("name", "GET");
        map.put("size", 2);
        map.put("nothing", null);
        var fromMap = StructuredMessage.of(map);

        assertThat(built).isEqualTo(fromMap).hasSameHashCodeAs(fromMap);
        assertThat(built.fields().keySet()).containsExactly("command", "name", "size", "nothing");
        assertThat(built.get("name")).isEqualTo("GET");
        assertThat(built.fields()).containsKey("nothing").hasSize(4);
    }

    @Test
    void building_again_after_more_puts_leaves_the_first_message_as_it_was() {
        var builder = StructuredMessage.builder().put("a", 1);
        var first = builder.build();
        builder.put("b", 2).put("a", 3);
        var second = builder.build();

        assertThat(first.fields()).containsExactly(Map.entry("a", 1));
        assertThat(second.fields()).containsExactly(Map.entry("a", 3), Map.entry("b", 2));
        assertThat(builder.get("a")).isEqualTo(3);
    }

    @Test
    void built_fields_cannot_be_changed() {
        var message = StructuredMessage.builder().put("a", 1).build();
        assertThatThrownBy(() -> message.fields().put("b", 2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> message.fields().entrySet().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> message.fields().keySet().remove("a"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void a_map_given_to_the_constructor_is_copied() {
        var map = new LinkedHashMap<String, Object>();
        map.put("a", 1);
        var message = StructuredMessage.of(map);
        map.put("b", 2);
        assertThat(message.fields()).containsExactly(Map.entry("a", 1));
    }

    @Test
    void values_of_other_types_are_refused_when_put() {
        var builder = StructuredMessage.builder();
        assertThatThrownBy(() -> builder.put("when", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("field value type: java.lang.Object");
        var nested = new ArrayList<Object>(List.of("ok", Map.of(1, "x")));
        assertThatThrownBy(() -> builder.put("list", nested))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field name: 1 (expected: a string)");
        assertThat(builder.build().fields()).isEmpty();
        assertThatThrownBy(() -> StructuredMessage.of(Map.of("when", new Object())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
