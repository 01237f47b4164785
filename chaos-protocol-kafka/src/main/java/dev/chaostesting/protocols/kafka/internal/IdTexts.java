package dev.chaostesting.protocols.kafka.internal;

import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

/**
 * Topic ids as text, for one connection: the last one is remembered, since a connection's requests and responses name
 * the same topic again and again (and each {@link Uuid#toString} encodes anew, a fresh string hashed anew on every
 * name lookup). Not thread-safe: one per decoder.
 */
final class IdTexts {

    private @Nullable Uuid lastId;
    private @Nullable String lastText;

    String of(Uuid id) {
        var text = lastText;
        if (text != null && id.equals(lastId)) {
            return text;
        }
        text = id.toString();
        lastId = id;
        lastText = text;
        return text;
    }
}
