package dev.chaostesting.protocols.kafka.internal;

import java.util.Locale;
import java.util.Set;

/**
 * What the builders and walkers of a message tree need to know about a field name, as bits: computed once per name and
 * remembered in a small table indexed by the name's (cached) hash, so that a name costs one array read. Kafka's
 * messages use a small, fixed set of names; lower-casing them for every node of every message was a tenth of the
 * decoding time, and looking the lower-cased form up in a concurrent map, as was done next, still a fifteenth. With
 * the bits, a walker also looks up only the names a node has.
 */
final class Keys {

    /** Its value is a secret (SASL tokens, SCRAM salts and salted passwords, HMACs). */
    static final int SECRET = 1;
    /** In lower case, contains "topic". */
    static final int TOPICISH = 1 << 1;
    /** In lower case, contains "forgotten". */
    static final int FORGOTTEN = 1 << 2;
    /** In lower case, contains "partition". */
    static final int PARTITIONISH = 1 << 3;
    /** In lower case, is "responses". */
    static final int RESPONSES = 1 << 4;
    /** Exactly "name". */
    static final int NAME = 1 << 5;
    /** Exactly "value" or "configValue": the value of a configuration entry. */
    static final int CONFIG_VALUE = 1 << 6;
    /** Exactly "topic". */
    static final int TOPIC = 1 << 7;
    /** Exactly "topicName". */
    static final int TOPIC_NAME = 1 << 8;
    /** Exactly "topicId". */
    static final int TOPIC_ID = 1 << 9;
    /** Exactly "partitionIndex". */
    static final int PARTITION_INDEX = 1 << 10;
    /** Exactly "partition". */
    static final int PARTITION = 1 << 11;
    /** Exactly "partitionId". */
    static final int PARTITION_ID = 1 << 12;
    /** Exactly "index". */
    static final int INDEX = 1 << 13;
    /** Exactly "errorCode". */
    static final int ERROR_CODE = 1 << 14;
    /** Exactly "errorMessage". */
    static final int ERROR_MESSAGE = 1 << 15;

    /** A node that names its topic. */
    static final int TOPIC_OR_ID = TOPIC | TOPIC_ID;
    /** The names {@link TreeWalks#topicOf} reads. */
    static final int TOPIC_FIELD = TOPIC | NAME | TOPIC_NAME | TOPIC_ID;
    /** The names {@link TreeWalks#partitionOf} reads. */
    static final int PARTITION_FIELD = PARTITION_INDEX | PARTITION | PARTITION_ID | INDEX;

    private static final Set<String> SECRET_FIELDS =
            Set.of("authbytes", "saltedpassword", "salt", "hmac", "tokenhmac", "password", "saslauthbytes");

    private static final int SLOTS = 4096;
    private static final int PROBES = 4;
    /** Racy by design: an entry is immutable (final fields), and a lost or overwritten one is only computed again. */
    private static final Known[] TABLE = new Known[SLOTS];

    private record Known(String name, int classes) {}

    private Keys() {}

    /** The classes of a field name. */
    static int of(String name) {
        int h = name.hashCode();
        int first = (h ^ (h >>> 16)) & (SLOTS - 1);
        int free = -1;
        // A few slots from the hash's: names of one message that share a slot would otherwise push each other out.
        for (int i = 0; i < PROBES; i++) {
            int slot = (first + i) & (SLOTS - 1);
            var known = TABLE[slot];
            if (known == null) {
                if (free < 0) {
                    free = slot;
                }
            } else if (known.name == name || known.name.equals(name)) {
                return known.classes;
            }
        }
        int classes = compute(name);
        TABLE[free >= 0 ? free : first] = new Known(name, classes);
        return classes;
    }

    static int compute(String name) {
        var lower = name.toLowerCase(Locale.ROOT);
        int c = 0;
        if (SECRET_FIELDS.contains(lower)) {
            c |= SECRET;
        }
        if (lower.contains("topic")) {
            c |= TOPICISH;
        }
        if (lower.contains("forgotten")) {
            c |= FORGOTTEN;
        }
        if (lower.contains("partition")) {
            c |= PARTITIONISH;
        }
        if (lower.equals("responses")) {
            c |= RESPONSES;
        }
        if (name.equals("name")) {
            c |= NAME;
        }
        if (name.equals("value") || name.equals("configValue")) {
            c |= CONFIG_VALUE;
        }
        c |= switch (name) {
            case "topic" -> TOPIC;
            case "topicName" -> TOPIC_NAME;
            case "topicId" -> TOPIC_ID;
            case "partitionIndex" -> PARTITION_INDEX;
            case "partition" -> PARTITION;
            case "partitionId" -> PARTITION_ID;
            case "index" -> INDEX;
            case "errorCode" -> ERROR_CODE;
            case "errorMessage" -> ERROR_MESSAGE;
            default -> 0;
        };
        return c;
    }
}
