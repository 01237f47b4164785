package dev.chaostesting.protocols.redis.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which arguments of a command are keys, for matching protocol faults by key: most commands name one key first; a few
 * name only keys ({@code DEL}, {@code MGET}...), key-value pairs ({@code MSET}) or a counted list ({@code EVAL}); some
 * name none ({@code PING}, {@code PUBLISH}...).
 */
final class Keys {

    private static final Set<String> NONE = Set.of(
            "PING",
            "ECHO",
            "AUTH",
            "HELLO",
            "SELECT",
            "CLIENT",
            "RESET",
            "QUIT",
            "MULTI",
            "EXEC",
            "DISCARD",
            "UNWATCH",
            "INFO",
            "CONFIG",
            "DBSIZE",
            "FLUSHALL",
            "FLUSHDB",
            "TIME",
            "COMMAND",
            "CLUSTER",
            "KEYS",
            "SCAN",
            "RANDOMKEY",
            "SCRIPT",
            "FUNCTION",
            "MONITOR",
            "SUBSCRIBE",
            "PSUBSCRIBE",
            "SSUBSCRIBE",
            "UNSUBSCRIBE",
            "PUNSUBSCRIBE",
            "SUNSUBSCRIBE",
            "PUBLISH",
            "SPUBLISH",
            "PUBSUB",
            "WAIT",
            "SAVE",
            "BGSAVE",
            "LASTSAVE",
            "SHUTDOWN",
            "SLOWLOG",
            "LATENCY",
            "MEMORY",
            "ACL",
            "ROLE",
            "REPLICAOF",
            "SLAVEOF",
            "SWAPDB",
            "MOVE",
            "READONLY",
            "READWRITE",
            "ASKING",
            "LOLWUT",
            "DEBUG");
    private static final Set<String> ALL = Set.of(
            "DEL",
            "UNLINK",
            "EXISTS",
            "TOUCH",
            "MGET",
            "WATCH",
            "SINTER",
            "SUNION",
            "SDIFF",
            "SINTERSTORE",
            "SUNIONSTORE",
            "SDIFFSTORE",
            "PFCOUNT",
            "PFMERGE",
            "RENAME",
            "RENAMENX");
    private static final Set<String> PAIRS = Set.of("MSET", "MSETNX");
    private static final Set<String> COUNTED = Set.of("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO");

    private Keys() {}

    /** Whether the arguments read so far are enough to know the command's keys. */
    static boolean known(List<Resp> args) {
        if (args.isEmpty()) {
            return false;
        }
        var name = name(args);
        if (NONE.contains(name)) {
            return true;
        }
        if (ALL.contains(name) || PAIRS.contains(name)) {
            return false;
        }
        if (COUNTED.contains(name)) {
            return args.size() >= 3 && args.size() >= 3 + numKeys(args);
        }
        return args.size() >= 2;
    }

    /** The command's keys among these arguments, as text. */
    static List<String> of(List<Resp> args) {
        var keys = new ArrayList<String>();
        if (args.isEmpty()) {
            return keys;
        }
        var name = name(args);
        if (NONE.contains(name)) {
            return keys;
        }
        if (ALL.contains(name) || PAIRS.contains(name)) {
            for (int i = 1; i < args.size(); i += PAIRS.contains(name) ? 2 : 1) {
                add(keys, args.get(i));
            }
        } else if (COUNTED.contains(name)) {
            int n = args.size() >= 3 ? numKeys(args) : 0;
            for (int i = 3; i < Math.min(args.size(), 3L + n); i++) {
                add(keys, args.get(i));
            }
        } else if (args.size() >= 2) {
            add(keys, args.get(1));
        }
        return keys;
    }

    private static void add(List<String> keys, Resp arg) {
        if (!arg.dataTruncated()) { // a key longer than what is recorded of it is not matched
            keys.add(arg.text());
        }
    }

    private static int numKeys(List<Resp> args) {
        try {
            return Math.max(0, Math.min(1 << 20, Integer.parseInt(args.get(2).text())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String name(List<Resp> args) {
        return args.get(0).text().toUpperCase(Locale.ROOT);
    }
}
