package dev.chaostesting.protocols.kafka.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * The spec of a {@code kafka} protocol fault: {@code {"match": {"apiKeys": ["PRODUCE", "FETCH"], "topic": "orders*"},
 * "error": "NOT_LEADER_OR_FOLLOWER"}}. {@code apiKeys} (a name or a list of names of kafka-clients' {@code ApiKeys}) is
 * required; {@code topic} (a glob: {@code *} any characters, {@code ?} one) applies to PRODUCE and FETCH only;
 * {@code error} is the name of one of kafka-clients' {@code Errors}, NOT_LEADER_OR_FOLLOWER when absent.
 */
public final class KafkaFaultSpec {

    private static final Set<ApiKeys> WITH_TOPICS = Set.of(ApiKeys.PRODUCE, ApiKeys.FETCH);

    private KafkaFaultSpec() {}

    /** Checks a spec: one-line {@link IllegalArgumentException} naming the field and what was expected. */
    public static void check(Map<String, Object> spec) {
        for (var key : spec.keySet()) {
            if (!key.equals("match") && !key.equals("error")) {
                throw new IllegalArgumentException("kafka fault: unknown field '" + key + "' (expected: match, error)");
            }
        }
        if (!(spec.get("match") instanceof Map<?, ?> match)) {
            throw new IllegalArgumentException(
                    "kafka fault: match (expected a map with apiKeys, e.g. {apiKeys: [PRODUCE], topic: 'orders*'})");
        }
        for (var key : match.keySet()) {
            if (!"apiKeys".equals(key) && !"topic".equals(key)) {
                throw new IllegalArgumentException(
                        "kafka fault: unknown field 'match." + key + "' (expected: apiKeys, topic)");
            }
        }
        var keys = apiKeys(match.get("apiKeys"));
        if (match.containsKey("topic")) {
            if (!(match.get("topic") instanceof String topic) || topic.isEmpty()) {
                throw new IllegalArgumentException(
                        "kafka fault: match.topic (expected a topic name or glob, e.g. 'orders*')");
            }
            if (!WITH_TOPICS.containsAll(keys)) {
                throw new IllegalArgumentException(
                        "kafka fault: match.topic with apiKeys " + keys + " (expected only PRODUCE and FETCH)");
            }
        }
        error(spec.get("error"));
    }

    /** The fault's parts, or null when the spec is not valid (checked at injection, so only a stale spec). */
    static KafkaInline.@Nullable Fault parse(String name, Map<String, Object> spec) {
        try {
            check(spec);
            var match = (Map<?, ?>) spec.get("match");
            var topic = match.get("topic") instanceof String t ? glob(t) : null;
            return new KafkaInline.Fault(name, apiKeys(match.get("apiKeys")), topic, error(spec.get("error")));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<ApiKeys> apiKeys(@Nullable Object value) {
        var names = value instanceof String s ? List.of(s) : value instanceof List<?> l ? l : null;
        if (names == null || names.isEmpty()) {
            throw new IllegalArgumentException(
                    "kafka fault: match.apiKeys (expected an API key name or a list of them, e.g. [PRODUCE, FETCH])");
        }
        var out = new ArrayList<ApiKeys>();
        for (var n : names) {
            try {
                out.add(ApiKeys.valueOf(String.valueOf(n).toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("kafka fault: match.apiKeys '" + n
                        + "' (expected an API key name of kafka-clients' ApiKeys, e.g. PRODUCE, FETCH, METADATA)");
            }
        }
        return List.copyOf(out);
    }

    private static Errors error(@Nullable Object value) {
        if (value == null) {
            return Errors.NOT_LEADER_OR_FOLLOWER;
        }
        try {
            var error = Errors.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT));
            if (error == Errors.NONE) {
                throw new IllegalArgumentException("NONE");
            }
            return error;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "kafka fault: error '" + value
                            + "' (expected an error name of kafka-clients' Errors other than NONE, e.g. NOT_LEADER_OR_FOLLOWER)");
        }
    }

    /** A topic glob: {@code *} any characters, {@code ?} one, the rest literal. */
    static Pattern glob(String glob) {
        var regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
