package dev.chaostesting.protocols.redis.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a command is answered in pub/sub terms, for the decoder and the in-line handler alike: a (P|S)SUBSCRIBE gets one
 * confirmation push per channel named, an (P|S)UNSUBSCRIBE one per channel named or, with none named, one per channel
 * the connection was subscribed to (not known here: {@code expected} -1); any other command one reply.
 *
 * @param confirmation the kind of the confirmation pushes ({@code subscribe}, {@code punsubscribe}...), or null
 * @param expected how many answers end the command, or -1 when only the server knows
 */
record Subscription(@Nullable String confirmation, int expected) {

    private static final Subscription NONE = new Subscription(null, 1);

    /** The command {@code name} (upper case) with {@code channels} arguments after its name. */
    static Subscription of(String name, int channels) {
        return switch (name) {
            case "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE" ->
                new Subscription(name.toLowerCase(Locale.ROOT), Math.max(1, channels));
            case "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE" ->
                new Subscription(name.toLowerCase(Locale.ROOT), channels > 0 ? channels : -1);
            default -> NONE;
        };
    }
}
