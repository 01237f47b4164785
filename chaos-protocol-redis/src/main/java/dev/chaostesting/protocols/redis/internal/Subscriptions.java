package dev.chaostesting.protocols.redis.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The channels, patterns and shard channels a connection is subscribed to, followed from the server's confirmations
 * (so that an UNSUBSCRIBE without arguments knows how many confirmations to expect, and RESP2 messages are known).
 */
final class Subscriptions {

    private final Map<String, Set<String>> byKind = new HashMap<>();

    /** How many subscriptions of the kind a (un)subscribe confirmation names ({@code punsubscribe}: patterns). */
    int count(String kind) {
        var set = byKind.get(base(kind));
        return set == null ? 0 : set.size();
    }

    /** Applies a confirmation: {@code [kind, channel, count]}. */
    void confirmed(String kind, Resp confirmation) {
        var elements = confirmation.elements;
        if (elements.size() < 2 || elements.get(1).type == RespType.NULL) {
            return;
        }
        var set = byKind.computeIfAbsent(base(kind), k -> new HashSet<>());
        var channel = elements.get(1).text();
        if (kind.contains("unsubscribe")) {
            set.remove(channel);
        } else {
            set.add(channel);
        }
    }

    /** Whether any subscription is active (RESP2 subscribe mode). */
    boolean any() {
        return byKind.values().stream().anyMatch(set -> !set.isEmpty());
    }

    void clear() {
        byKind.clear();
    }

    private static String base(String kind) {
        return kind.replace("unsubscribe", "subscribe");
    }
}
