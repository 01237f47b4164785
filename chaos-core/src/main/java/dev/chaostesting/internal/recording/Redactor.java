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

/** Applies a {@link Redaction} to one interaction. */
public final class Redactor {

    public static final String REDACTED = "<redacted>";
    private static final String FINGERPRINT_PREFIX = "<redacted:sha256:";

    private final Redaction policy;

    public Redactor(Redaction policy) {
        this.policy = policy;
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
            var name = e.getKey().toLowerCase(Locale.ROOT);
            if (!policy.headers().contains(name)) {
                continue;
            }
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
        var type = headers.first("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        byte[] redacted;
        if (type.contains("json")) {
            redacted = json(body.bytes());
        } else if (type.contains("x-www-form-urlencoded")) {
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
