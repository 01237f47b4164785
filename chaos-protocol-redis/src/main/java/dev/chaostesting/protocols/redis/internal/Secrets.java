package dev.chaostesting.protocols.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds the arguments of a command that carry secrets: {@code AUTH [user] password}, {@code HELLO ... AUTH user
 * password}, {@code MIGRATE ... AUTH password | AUTH2 user password}, {@code CONFIG SET} of password parameters,
 * {@code ACL SETUSER} password rules ({@code >pass}, {@code <pass}, {@code #hash}, {@code !hash}) and
 * {@code SENTINEL SET ... auth-pass}.
 */
public final class Secrets {

    public static final String REDACTED = "<redacted>";

    private static final Set<String> SECRET_CONFIG =
            Set.of("requirepass", "masterauth", "tls-key-file-pass", "tls-client-key-file-pass", "sentinel-pass");

    private Secrets() {}

    /** For each argument (as recorded; possibly cut short), whether it is a secret. */
    public static boolean[] find(List<byte[]> args) {
        var secret = new boolean[args.size()];
        if (args.isEmpty() || !mayCarrySecrets(args.get(0))) {
            return secret;
        }
        switch (word(args, 0)) {
            case "auth" -> {
                if (args.size() == 2) {
                    secret[1] = true;
                } else {
                    for (int i = 2; i < args.size(); i++) {
                        secret[i] = true;
                    }
                    if (args.size() != 3 && args.size() > 1) {
                        secret[1] = true;
                    }
                }
            }
            case "hello" -> {
                for (int i = 1; i < args.size(); i++) {
                    if (word(args, i).equals("auth")) {
                        mark(secret, i + 2);
                        i += 2;
                    }
                }
            }
            case "migrate" -> {
                for (int i = 1; i < args.size(); i++) {
                    var w = word(args, i);
                    if (w.equals("auth")) {
                        mark(secret, i + 1);
                        i += 1;
                    } else if (w.equals("auth2")) {
                        mark(secret, i + 2);
                        i += 2;
                    } else if (w.equals("keys")) {
                        break;
                    }
                }
            }
            case "config" -> {
                if (word(args, 1).equals("set")) {
                    for (int i = 2; i + 1 < args.size(); i += 2) {
                        if (SECRET_CONFIG.contains(word(args, i))) {
                            secret[i + 1] = true;
                        }
                    }
                }
            }
            case "acl" -> {
                if (word(args, 1).equals("setuser")) {
                    for (int i = 3; i < args.size(); i++) {
                        var a = args.get(i);
                        if (a.length > 0 && (a[0] == '>' || a[0] == '<' || a[0] == '#' || a[0] == '!')) {
                            secret[i] = true;
                        }
                    }
                }
            }
            case "sentinel" -> {
                for (int i = 1; i + 1 < args.size(); i++) {
                    var w = word(args, i);
                    if (w.equals("auth-pass") || w.equals("sentinel-pass")) {
                        secret[i + 1] = true;
                    }
                }
            }
            default -> {}
        }
        return secret;
    }

    /**
     * Whether a command named {@code name} may carry secrets: its length and first letter are those of one of the
     * commands {@link #find} looks into (most commands are ruled out without making a string of their name).
     */
    private static boolean mayCarrySecrets(byte[] name) {
        if (name.length < 3 || name.length > 8) {
            return false;
        }
        return switch (name[0] | 0x20) {
            case 'a', 'h', 'm', 'c', 's' -> true;
            default -> false;
        };
    }

    /** The arguments as recorded: strings or bodies, secrets replaced by {@link #REDACTED}. */
    public static List<@Nullable Object> recorded(List<Resp> args) {
        boolean[] secret;
        if (args.isEmpty() || !mayCarrySecrets(args.get(0).data)) {
            secret = new boolean[args.size()];
        } else {
            var bytes = new ArrayList<byte[]>(args.size());
            for (var arg : args) {
                bytes.add(arg.data);
            }
            secret = find(bytes);
        }
        var out = new ArrayList<@Nullable Object>(args.size());
        for (int i = 0; i < args.size(); i++) {
            var arg = args.get(i);
            out.add(secret[i] ? REDACTED : Values.string(arg.data, arg.size));
        }
        return Collections.unmodifiableList(out);
    }

    private static void mark(boolean[] secret, int i) {
        if (i < secret.length) {
            secret[i] = true;
        }
    }

    private static String word(List<byte[]> args, int i) {
        return i < args.size() ? new String(args.get(i), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT) : "";
    }
}
