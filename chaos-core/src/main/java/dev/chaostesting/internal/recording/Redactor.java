package dev.chaostesting.internal.recording;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.Message;
import dev.chaostesting.recording.Redaction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Applies a {@link Redaction} to one interaction. */
public final class Redactor {

    public static final String REDACTED = "<redacted>";
    private static final String FINGERPRINT_PREFIX = "<redacted:sha256:";

    private final Redaction policy;
    private final HeaderNames secretHeaders;

    public Redactor(Redaction policy) {
        this.policy = policy;
        var names = lastHeaderNames;
        if (names == null || names.policy != policy) {
            names = new HeaderNames(policy);
            lastHeaderNames = names;
        }
        this.secretHeaders = names;
    }

    /** The lookup of the last policy seen: a new Redactor is made for each interaction, mostly with one policy. */
    private static volatile @Nullable HeaderNames lastHeaderNames;

    /**
     * Whether a header name, lower-cased with {@link Locale#ROOT}, is one of the policy's, without making the lower-case
     * copy: the name's characters are walked, lower-cased one by one, through a trie of the policy's names, and most
     * names leave it after a character or two. This gives the same answer because {@code Locale.ROOT} maps each ASCII
     * character to one ASCII character whatever surrounds it: as long as the name's characters are ASCII, its lower-case
     * form starts with them lower-cased. At the first other character the name is lower-cased and looked up as it
     * always was.
     */
    static final class HeaderNames {
        private final Redaction policy;
        /** {@code children[node][c]}: the node after ASCII character {@code c}, plus one; 0 when no name goes on so. */
        private final int[][] children;
        /** Whether the path to a node spells a whole name of the policy. */
        private final boolean[] names;

        HeaderNames(Redaction policy) {
            this.policy = policy;
            var nodes = new ArrayList<int[]>();
            var ends = new ArrayList<Boolean>();
            nodes.add(new int[128]);
            ends.add(false);
            for (var name : policy.headers()) {
                int node = 0;
                boolean ascii = true;
                for (int i = 0; i < name.length() && ascii; i++) {
                    char c = name.charAt(i);
                    if (c >= 0x80) {
                        ascii = false; // such a name is matched by the general lookup only
                    } else {
                        if (nodes.get(node)[c] == 0) {
                            nodes.add(new int[128]);
                            ends.add(false);
                            nodes.get(node)[c] = nodes.size();
                        }
                        node = nodes.get(node)[c] - 1;
                    }
                }
                if (ascii) {
                    ends.set(node, true);
                }
            }
            children = nodes.toArray(new int[0][]);
            names = new boolean[ends.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = ends.get(i);
            }
        }

        boolean contains(String name) {
            int node = 0;
            for (int i = 0, n = name.length(); i < n; i++) {
                char c = name.charAt(i);
                if (c >= 0x80) {
                    return policy.headers().contains(name.toLowerCase(Locale.ROOT));
                }
                if (c >= 'A' && c <= 'Z') {
                    c = (char) (c + ('a' - 'A'));
                }
                int next = children[node][c];
                if (next == 0) {
                    return false;
                }
                node = next - 1;
            }
            return names[node];
        }
    }

    /** Lower case, without '-', '_' and '.', so that {@code api_key}, {@code Api-Key} and {@code apiKey} are alike. */
    public static String normalise(String name) {
        var sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_' && c != '.' && c != ' ') {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    /** The replacement for a token: a fingerprint, so equal tokens can still be matched. */
    public static String fingerprint(String secret) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return FINGERPRINT_PREFIX + HexFormat.of().formatHex(digest, 0, 6) + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public Interaction apply(Interaction interaction) {
        var request = redact(interaction.request());
        var response = redact(interaction.response());
        if (request == interaction.request() && response == interaction.response()) {
            return interaction;
        }
        return interaction.newBuilder().request(request).response(response).build();
    }

    private Message redact(Message message) {
        if (message instanceof HttpRequest r) {
            var headers = headers(r.headers());
            var target = query(r.target());
            var body = body(r.headers(), r.body());
            var trailers = headers(r.trailers());
            if (headers == r.headers() && target.equals(r.target()) && body == r.body() && trailers == r.trailers()) {
                return r;
            }
            return r.newBuilder()
                    .headers(headers)
                    .target(target)
                    .body(body)
                    .trailers(trailers)
                    .build();
        }
        if (message instanceof HttpResponse r) {
            var headers = headers(r.headers());
            var body = body(r.headers(), r.body());
            var trailers = headers(r.trailers());
            if (headers == r.headers() && body == r.body() && trailers == r.trailers()) {
                return r;
            }
            return r.newBuilder().headers(headers).body(body).trailers(trailers).build();
        }
        return message;
    }

    private boolean isSecretField(String name) {
        var n = normalise(name);
        return isPasswordField(n)
                || n.contains("secret")
                || n.endsWith("token")
                || n.equals("apikey")
                || n.equals("accesskey")
                || n.equals("privatekey")
                || n.equals("sessionid")
                || n.equals("authorization")
                || policy.extraFields().contains(n);
    }

    private static boolean isPasswordField(String normalised) {
        return normalised.contains("password") || normalised.contains("passwd") || normalised.equals("pwd");
    }

    private String replacement(String name, String value) {
        return isPasswordField(normalise(name)) ? REDACTED : fingerprint(value);
    }

    private Headers headers(Headers headers) {
        if (headers.isEmpty()) {
            return headers;
        }
        Headers.Builder changed = null;
        var entries = headers.entries();
        for (int i = 0; i < entries.size(); i++) {
            var e = entries.get(i);
            if (!secretHeaders.contains(e.getKey())) {
                continue;
            }
            var name = e.getKey().toLowerCase(Locale.ROOT);
            if (changed == null) {
                changed = Headers.builder();
                for (int j = 0; j < i; j++) {
                    changed.add(entries.get(j).getKey(), entries.get(j).getValue());
                }
            }
            changed.add(e.getKey(), headerValue(name, e.getValue()));
            for (int j = i + 1; j < entries.size(); j++) {
                var next = entries.get(j);
                var nextName = next.getKey().toLowerCase(Locale.ROOT);
                changed.add(
                        next.getKey(),
                        policy.headers().contains(nextName) ? headerValue(nextName, next.getValue()) : next.getValue());
            }
            return changed.build();
        }
        return headers;
    }

    private static String headerValue(String name, String value) {
        if (value.contains("<redacted")) {
            return value;
        }
        switch (name) {
            case "authorization", "proxy-authorization" -> {
                int space = value.indexOf(' ');
                if (space < 0) {
                    return fingerprint(value);
                }
                var scheme = value.substring(0, space);
                // Basic carries a password: no fingerprint that could be guessed back.
                return scheme + " "
                        + (scheme.equalsIgnoreCase("basic")
                                ? REDACTED
                                : fingerprint(value.substring(space + 1).trim()));
            }
            case "cookie" -> {
                var parts = new ArrayList<String>();
                for (var cookie : value.split(";")) {
                    parts.add(cookieValue(cookie.trim()));
                }
                return String.join("; ", parts);
            }
            case "set-cookie" -> {
                int semi = value.indexOf(';');
                return semi < 0 ? cookieValue(value) : cookieValue(value.substring(0, semi)) + value.substring(semi);
            }
            default -> {
                return fingerprint(value);
            }
        }
    }

    private static String cookieValue(String pair) {
        int eq = pair.indexOf('=');
        return eq < 0 ? pair : pair.substring(0, eq + 1) + fingerprint(pair.substring(eq + 1));
    }

    /** Redacts secret fields of a query string or form body ({@code a=1&token=x}), keeping everything else as is. */
    private String form(String form) {
        if (form.isEmpty()) {
            return form;
        }
        var parts = form.split("&", -1);
        boolean changed = false;
        for (int i = 0; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            var name = decode(parts[i].substring(0, eq));
            if (isSecretField(name)) {
                var value = decode(parts[i].substring(eq + 1));
                parts[i] = parts[i].substring(0, eq + 1) + replacement(name, value);
                changed = true;
            }
        }
        return changed ? String.join("&", parts) : form;
    }

    private String query(String target) {
        int q = target.indexOf('?');
        if (q < 0) {
            return target;
        }
        var query = target.substring(q + 1);
        var redacted = form(query);
        return redacted == query ? target : target.substring(0, q + 1) + redacted;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private Body body(Headers headers, Body body) {
        if (body.isEmpty()) {
            return body;
        }
        var type = contentType(headers);
        byte[] redacted;
        if (containsLowerCased(type, "json")) {
            redacted = json(body.bytes());
        } else if (containsLowerCased(type, "x-www-form-urlencoded")) {
            var text = body.text();
            var form = form(text);
            redacted = form == text ? null : form.getBytes(StandardCharsets.UTF_8);
        } else {
            return body;
        }
        if (redacted == null) {
            return body;
        }
        long size = body.size() - body.length() + redacted.length;
        return new Body(redacted, Math.max(size, redacted.length), body.truncated(), body.contentEncoding());
    }

    /** As {@code headers.first("Content-Type").orElse("")}, without the Optional. */
    private static String contentType(Headers headers) {
        var entries = headers.entries();
        for (int i = 0, n = entries.size(); i < n; i++) {
            var e = entries.get(i);
            var name = e.getKey();
            if (name.equals("Content-Type") || name.equalsIgnoreCase("Content-Type")) {
                return e.getValue();
            }
        }
        return "";
    }

    /**
     * As {@code value.toLowerCase(Locale.ROOT).contains(lower)} for a lower-case ASCII {@code lower}: without the copy
     * when {@code value} is ASCII, else by making it.
     */
    static boolean containsLowerCased(String value, String lower) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            if (value.charAt(i) >= 0x80) {
                return value.toLowerCase(Locale.ROOT).contains(lower);
            }
        }
        int m = lower.length();
        outer:
        for (int i = 0; i + m <= n; i++) {
            for (int j = 0; j < m; j++) {
                char c = value.charAt(i + j);
                if (c >= 'A' && c <= 'Z') {
                    c = (char) (c + ('a' - 'A'));
                }
                if (c != lower.charAt(j)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Replaces the string values of secret fields in place, so the rest of the document keeps its exact bytes. A
     * truncated document is redacted up to where it ends. Returns null when nothing changed.
     */
    private byte[] json(byte[] bytes) {
        var spans = new ArrayList<Map.Entry<long[], String>>();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(bytes)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING) {
                    var field = p.currentName();
                    if (field != null
                            && isSecretField(field)
                            && p.getParsingContext().inObject()) {
                        long start = p.currentTokenLocation().getByteOffset();
                        var value = p.getText();
                        long end = p.currentLocation().getByteOffset();
                        if (!value.startsWith(FINGERPRINT_PREFIX) && !value.equals(REDACTED)) {
                            spans.add(Map.entry(new long[] {start, end}, replacement(field, value)));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON after all, or cut short: keep the replacements found so far.
        }
        if (spans.isEmpty()) {
            return null;
        }
        return splice(bytes, spans);
    }

    private static byte[] splice(byte[] bytes, List<Map.Entry<long[], String>> spans) {
        var out = new ByteArrayOutputStream(bytes.length);
        int at = 0;
        for (var span : spans) {
            int start = (int) span.getKey()[0];
            int end = (int) span.getKey()[1];
            out.write(bytes, at, start - at);
            var quoted = "\"" + span.getValue() + "\"";
            out.writeBytes(quoted.getBytes(StandardCharsets.UTF_8));
            at = end;
        }
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }
}
