package dev.chaostesting.replay.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the replay learns as it goes and substitutes into later requests: fresh tokens for the fingerprints
 * ({@code <redacted:sha256:...>}) that recorded logins returned, fresh ids for the ids that recorded creates returned,
 * and login passwords from the environment ({@code CHAOS_PASSWORD_<USER>}, then {@code CHAOS_PASSWORD}).
 */
public final class Session {

    static final Pattern FINGERPRINT = Pattern.compile("<redacted:sha256:[0-9a-f]+>");
    static final String REDACTED = "<redacted>";

    private final Map<String, String> env;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> ids = new ConcurrentHashMap<>();
    private final int[] dependsOn;
    private final Map<Integer, String> passwords = new HashMap<>();
    private final List<String> notes = new ArrayList<>();

    public Session(List<ReplayRequest> requests, Map<String, String> env) {
        this.env = env;
        this.dependsOn = new int[requests.size()];
        var producers = new HashMap<String, Integer>(); // recorded value -> request that produced it
        var producibleTokens = new HashMap<String, Boolean>(); // fingerprint -> whether its login can be replayed
        var unauthenticated = new LinkedHashMap<String, Integer>(); // endpoint -> count
        var missingPasswords = new LinkedHashSet<String>();
        for (var r : requests) {
            int producer = -1;
            var used = new LinkedHashSet<String>();
            used.addAll(fingerprints(r));
            for (var seg : r.path().split("/")) {
                if (!seg.isEmpty()) {
                    used.add(seg);
                }
            }
            for (var v : used) {
                var p = producers.get(v);
                if (p != null) {
                    producer = Math.max(producer, p);
                }
            }
            dependsOn[r.index()] = producer;
            boolean authenticated = true;
            for (var f : fingerprints(r)) {
                if (!Boolean.TRUE.equals(producibleTokens.get(f))) {
                    authenticated = false;
                }
            }
            var login = loginUser(r);
            if (login != null) {
                var password = password(login);
                if (password != null) {
                    passwords.put(r.index(), password);
                } else {
                    authenticated = false;
                    missingPasswords.add(passwordVariable(login));
                }
            } else if (new String(r.body(), StandardCharsets.UTF_8).contains(REDACTED)
                    || r.headers().stream().anyMatch(h -> h.getValue().contains(REDACTED))) {
                authenticated = false;
            }
            if (!authenticated) {
                unauthenticated.merge(r.endpoint(), 1, Integer::sum);
            }
            // What this request's recorded response produced, for later requests.
            var recorded = Json.parse(r.recordedResponse());
            if (recorded != null) {
                for (var fp : fingerprintsIn(r.recordedResponse())) {
                    producers.put(fp, r.index());
                    producibleTokens.put(fp, login != null && passwords.containsKey(r.index()));
                }
                for (var id : idValues(recorded).entrySet()) {
                    producers.put(id.getValue(), r.index());
                }
            }
            var loc = lastSegment(r.recordedLocation());
            if (loc != null) {
                producers.put(loc, r.index());
            }
        }
        if (!unauthenticated.isEmpty()) {
            var parts = new ArrayList<String>();
            unauthenticated.forEach((e, n) -> parts.add(e + " (" + n + ")"));
            notes.add("cannot be authenticated, replayed with the redacted credentials: " + String.join(", ", parts)
                    + (missingPasswords.isEmpty()
                            ? ": their credentials came from no recorded login"
                            : ": set " + String.join(" or ", missingPasswords)
                                    + " to the login password to replay the login and use its fresh token"));
        }
    }

    /** Plain-words notes about requests the replay cannot authenticate. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The earlier request this one needs the answer of (a token or an id it uses), or -1. */
    public int dependsOn(int index) {
        return dependsOn[index];
    }

    /** The request target with fresh ids and tokens. */
    public String target(ReplayRequest r) {
        var out = new StringBuilder();
        int q = r.target().indexOf('?');
        var path = q < 0 ? r.target() : r.target().substring(0, q);
        var segs = path.split("/", -1);
        for (int i = 0; i < segs.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(ids.getOrDefault(segs[i], segs[i]));
        }
        if (q >= 0) {
            out.append(r.target().substring(q));
        }
        return replaceTokens(out.toString());
    }

    public String header(String value) {
        return replaceTokens(value);
    }

    /** The body with fresh tokens and ids, and a login's password from the environment. */
    public byte[] body(ReplayRequest r) {
        if (r.body().length == 0) {
            return r.body();
        }
        var text = new String(r.body(), StandardCharsets.UTF_8);
        var password = passwords.get(r.index());
        if (password != null) {
            var json = Json.parse(text);
            if (json instanceof ObjectNode o) {
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                    var f = it.next();
                    if (REDACTED.equals(f.getValue().asText()) && isPasswordField(f.getKey())) {
                        o.put(f.getKey(), password);
                    }
                }
                text = o.toString();
            }
        }
        text = replaceTokens(text);
        for (var e : ids.entrySet()) {
            if (e.getKey().length() >= 8 && !e.getKey().chars().allMatch(Character::isDigit)) {
                text = text.replace('"' + e.getKey() + '"', '"' + e.getValue() + '"');
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Learns fresh tokens and ids from a response to {@code r}. */
    public void learn(ReplayRequest r, int status, @Nullable String body, @Nullable String location) {
        if (status < 200 || status >= 300) {
            return;
        }
        var recorded = Json.parse(r.recordedResponse());
        var fresh = Json.parse(body);
        if (recorded != null && fresh != null) {
            learnTokens(recorded, fresh);
            var freshIds = idValues(fresh);
            idValues(recorded).forEach((path, value) -> {
                var now = freshIds.get(path);
                if (now != null && !now.equals(value)) {
                    ids.put(value, now);
                }
            });
        }
        var recordedLoc = lastSegment(r.recordedLocation());
        var freshLoc = lastSegment(location);
        if (recordedLoc != null && freshLoc != null && !recordedLoc.equals(freshLoc)) {
            ids.put(recordedLoc, freshLoc);
        }
    }

    private void learnTokens(JsonNode recorded, JsonNode fresh) {
        if (recorded.isTextual() && FINGERPRINT.matcher(recorded.asText()).matches()) {
            if (fresh.isTextual() && !fresh.asText().startsWith("<redacted")) {
                tokens.put(recorded.asText(), fresh.asText());
            }
        } else if (recorded.isObject() && fresh.isObject()) {
            recorded.fields().forEachRemaining(f -> {
                var other = fresh.get(f.getKey());
                if (other != null) {
                    learnTokens(f.getValue(), other);
                }
            });
        }
    }

    private String replaceTokens(String text) {
        if (tokens.isEmpty() || !text.contains("<redacted:")) {
            return text;
        }
        Matcher m = FINGERPRINT.matcher(text);
        var out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(tokens.getOrDefault(m.group(), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Top-level id fields ({@code id}, {@code ...Id}, {@code ..._id}) of an object, also under {@code data}. */
    static Map<String, String> idValues(JsonNode node) {
        var out = new LinkedHashMap<String, String>();
        collectIds(node, "", out);
        var data = node.get("data");
        if (data != null && data.isObject()) {
            collectIds(data, "data.", out);
        }
        return out;
    }

    private static void collectIds(JsonNode node, String prefix, Map<String, String> out) {
        if (!node.isObject()) {
            return;
        }
        node.fields().forEachRemaining(f -> {
            var k = f.getKey();
            if (k.equals("id") || k.endsWith("Id") || k.endsWith("_id") || k.equals("uuid")) {
                var v = Json.scalar(f.getValue());
                if (v != null && !v.isEmpty()) {
                    out.put(prefix + k, v);
                }
            }
        });
    }

    private static Set<String> fingerprints(ReplayRequest r) {
        var out = new LinkedHashSet<String>(fingerprintsIn(r.target()));
        r.headers().forEach(h -> out.addAll(fingerprintsIn(h.getValue())));
        out.addAll(fingerprintsIn(new String(r.body(), StandardCharsets.UTF_8)));
        return out;
    }

    private static List<String> fingerprintsIn(@Nullable String text) {
        var out = new ArrayList<String>();
        if (text != null) {
            var m = FINGERPRINT.matcher(text);
            while (m.find()) {
                out.add(m.group());
            }
        }
        return out;
    }

    /** The user name of a login request (a JSON body with a redacted password field), or null. */
    static @Nullable String loginUser(ReplayRequest r) {
        if (r.body().length == 0 || !r.method().equals("POST")) {
            return null;
        }
        var json = Json.parse(new String(r.body(), StandardCharsets.UTF_8));
        if (!(json instanceof ObjectNode o)) {
            return null;
        }
        boolean hasPassword = false;
        String user = "";
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            var f = it.next();
            var key = f.getKey().toLowerCase(Locale.ROOT);
            if (isPasswordField(key) && REDACTED.equals(f.getValue().asText())) {
                hasPassword = true;
            } else if (user.isEmpty()
                    && f.getValue().isTextual()
                    && (key.equals("username")
                            || key.equals("user")
                            || key.equals("email")
                            || key.equals("login")
                            || key.equals("name"))) {
                user = f.getValue().asText();
            }
        }
        return hasPassword ? user : null;
    }

    private static boolean isPasswordField(String key) {
        var k = key.toLowerCase(Locale.ROOT);
        return k.contains("pass") || k.equals("pwd");
    }

    /** {@code CHAOS_PASSWORD_<USER>}: the user name upper-cased, every other character than A-Z and 0-9 as {@code _}. */
    public static String passwordVariable(String user) {
        if (user.isEmpty()) {
            return "CHAOS_PASSWORD";
        }
        return "CHAOS_PASSWORD_" + user.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private @Nullable String password(String user) {
        var specific = env.get(passwordVariable(user));
        return specific != null ? specific : env.get("CHAOS_PASSWORD");
    }

    private static @Nullable String lastSegment(@Nullable String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        var l = location.strip();
        int q = l.indexOf('?');
        if (q >= 0) {
            l = l.substring(0, q);
        }
        while (l.endsWith("/")) {
            l = l.substring(0, l.length() - 1);
        }
        int slash = l.lastIndexOf('/');
        var seg = slash < 0 ? l : l.substring(slash + 1);
        return seg.isEmpty() ? null : seg;
    }
}
