package dev.chaostesting.protocols.kafka.internal;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field names in lower case, remembered: Kafka's messages use a small, fixed set of names, and lower-casing them anew
 * for every node of every message (and hashing the fresh strings) was a tenth of the decoding time.
 */
final class Lower {

    private static final int MAX_REMEMBERED = 4096;
    private static final ConcurrentHashMap<String, String> NAMES = new ConcurrentHashMap<>();

    private Lower() {}

    static String of(String name) {
        var known = NAMES.get(name);
        if (known != null) {
            return known;
        }
        var lower = name.toLowerCase(Locale.ROOT);
        if (NAMES.size() < MAX_REMEMBERED) {
            NAMES.putIfAbsent(name, lower);
        }
        return lower;
    }
}
