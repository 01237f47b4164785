package dev.chaostesting.recording;

import dev.chaostesting.internal.recording.Redactor;
import dev.chaostesting.model.Interaction;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which secrets are removed from what is recorded (forwarded traffic is never changed). By default: the credentials of
 * {@code Authorization} and {@code Proxy-Authorization}, cookie values in {@code Cookie} and {@code Set-Cookie}, API-key
 * headers, and fields named like passwords, secrets and tokens in JSON bodies, form bodies and query strings.
 *
 * <p>A redacted token is replaced by {@code <redacted:sha256:…>}: a short fingerprint, so that a later step can still tell
 * that the token a login returned is the one a later request sent, without the recording holding the token. Passwords
 * are replaced by {@code <redacted>}, with no fingerprint, since a short password could be guessed back from one.
 */
public final class Redaction {

    private static final Redaction NONE = new Redaction(false, Set.of(), Set.of());
    private static final Redaction DEFAULTS = new Redaction(
            true,
            Set.of(
                    "authorization",
                    "proxy-authorization",
                    "cookie",
                    "set-cookie",
                    "x-api-key",
                    "api-key",
                    "x-auth-token",
                    "x-access-token",
                    "x-csrf-token",
                    "x-xsrf-token"),
            Set.of());

    private final boolean enabled;
    private final Set<String> headers;
    private final Set<String> extraFields;

    private Redaction(boolean enabled, Set<String> headers, Set<String> extraFields) {
        this.enabled = enabled;
        this.headers = Set.copyOf(headers);
        this.extraFields = Set.copyOf(extraFields);
    }

    /** The default policy described above. */
    public static Redaction defaults() {
        return DEFAULTS;
    }

    /** Records everything as it was sent. Only for traffic that holds no secrets. */
    public static Redaction none() {
        return NONE;
    }

    /** This policy, also redacting the values of these headers (names ignore case). */
    public Redaction withHeaders(String... names) {
        var all = new TreeSet<>(headers);
        for (var n : names) {
            all.add(n.toLowerCase(Locale.ROOT));
        }
        return new Redaction(true, all, extraFields);
    }

    /** This policy, also redacting body, form and query fields with these names (ignoring case, '-' and '_'). */
    public Redaction withFields(String... names) {
        var all = new TreeSet<>(extraFields);
        for (var n : names) {
            all.add(Redactor.normalise(n));
        }
        return new Redaction(true, headers, all);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Header names (lower case) whose values are redacted. */
    public Set<String> headers() {
        return headers;
    }

    /** Field names (normalised) redacted in addition to the built-in password, secret and token names. */
    public Set<String> extraFields() {
        return extraFields;
    }

    /** The interaction with this policy's secrets removed. */
    public Interaction apply(Interaction interaction) {
        return enabled ? new Redactor(this).apply(interaction) : interaction;
    }

    @Override
    public String toString() {
        return enabled ? "Redaction[headers=" + headers + ", extraFields=" + extraFields + "]" : "Redaction[none]";
    }
}
