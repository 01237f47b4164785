package dev.chaostesting.learn.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Recognises what a string value is: formats, identifiers, tokens. */
public final class Values {
    private static final Pattern DATE_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:?\\d{2})");
    private static final Pattern DATE = Pattern.compile("\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])");
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");
    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^\\s]+");
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern FINGERPRINT = Pattern.compile("<redacted(:sha256:[0-9a-f]+)?>");
    private static final Pattern FINGERPRINT_INSIDE = Pattern.compile("<redacted:sha256:[0-9a-f]+>");
    private static final Pattern JWT_INSIDE =
            Pattern.compile("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{8,}");
    private static final Pattern VERSION = Pattern.compile("[vV]\\d+(\\.\\d+)*");
    private static final Pattern ALNUM_ID = Pattern.compile("[A-Za-z0-9_-]{6,}");
    private static final Pattern SLUG = Pattern.compile("[a-z0-9]+([-_][a-z0-9]+)+");
    private static final Pattern ENUM_LIKE = Pattern.compile("[A-Za-z0-9_.:-]{1,40}");

    /** How strongly a path segment looks like an identifier. */
    public enum IdKind {
        /** A word: {@code api}, {@code v2}, {@code me}. */
        NONE,
        /** Hyphenated lower-case words ({@code the-left-hand}): an id only with much evidence. */
        SLUG,
        /** A number, UUID, hex hash, a mixed letters-and-digits token or a redacted fingerprint. */
        STRONG
    }

    private Values() {}

    /** The format every value of a field must match for the field to carry it, or null. */
    public static @Nullable String format(String value) {
        if (UUID.matcher(value).matches()) {
            return "uuid";
        }
        if (DATE_TIME.matcher(value).matches()) {
            return "date-time";
        }
        if (DATE.matcher(value).matches()) {
            return "date";
        }
        if (IPV4.matcher(value).matches()) {
            return "ipv4";
        }
        if (EMAIL.matcher(value).matches()) {
            return "email";
        }
        if (URI.matcher(value).matches()) {
            return "uri";
        }
        return null;
    }

    public static boolean isJwt(String value) {
        return JWT.matcher(value).matches();
    }

    /** A value redaction replaced: {@code <redacted>} or {@code <redacted:sha256:...>}. */
    public static boolean isRedacted(String value) {
        return FINGERPRINT.matcher(value).matches();
    }

    /** A redacted token fingerprint, which identifies one secret value across the recording. */
    public static boolean isFingerprint(String value) {
        return value.startsWith("<redacted:sha256:") && isRedacted(value);
    }

    /**
     * The token fingerprints and JWTs inside a header value: {@code Bearer <redacted:sha256:…>}, {@code
     * session=<redacted:sha256:…>; Path=/}.
     */
    public static List<String> credentials(String headerValue) {
        var found = new ArrayList<String>(1);
        var fingerprints = FINGERPRINT_INSIDE.matcher(headerValue);
        while (fingerprints.find()) {
            found.add(fingerprints.group());
        }
        var jwts = JWT_INSIDE.matcher(headerValue);
        while (jwts.find()) {
            found.add(jwts.group());
        }
        return found;
    }

    /**
     * The value itself when short, else a SHA-256 digest of it: what is kept to compare values without holding large
     * ones in memory.
     */
    public static String compact(String value) {
        if (value.length() <= 128) {
            return value;
        }
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static boolean isInteger(String value) {
        return INTEGER.matcher(value).matches();
    }

    public static boolean isNumber(String value) {
        return NUMBER.matcher(value).matches();
    }

    /** Whether a low-cardinality string could be a member of an enumeration (no free text). */
    public static boolean enumLike(String value) {
        return ENUM_LIKE.matcher(value).matches() && !isRedacted(value);
    }

    /** Whether a JSON member name names an identifier: {@code id}, {@code bookId}, {@code book_id}. */
    public static boolean idName(String name) {
        var lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("id")
                || lower.equals("uuid")
                || name.endsWith("Id")
                || lower.endsWith("_id")
                || name.endsWith("ID")
                || lower.equals("key");
    }

    public static IdKind idKind(String segment) {
        if (segment.isEmpty() || VERSION.matcher(segment).matches()) {
            return IdKind.NONE;
        }
        if (INTEGER.matcher(segment).matches()
                || UUID.matcher(segment).matches()
                || isRedacted(segment)
                || (HEX.matcher(segment).matches() && hasDigit(segment))) {
            return IdKind.STRONG;
        }
        if (ALNUM_ID.matcher(segment).matches() && hasDigit(segment) && hasLetter(segment)) {
            return SLUG.matcher(segment).matches() ? IdKind.SLUG : IdKind.STRONG;
        }
        return SLUG.matcher(segment).matches() ? IdKind.SLUG : IdKind.NONE;
    }

    /** Replaces identifier-like parts of a key or path ({@code session:42}) with {@code {id}}. */
    public static String generaliseKey(String key) {
        var out = new StringBuilder(key.length());
        var part = new StringBuilder();
        for (int i = 0; i <= key.length(); i++) {
            char c = i < key.length() ? key.charAt(i) : ':';
            boolean separator = c == ':' || c == '/' || c == '.' || c == '|' || c == '#';
            if (!separator) {
                part.append(c);
                continue;
            }
            out.append(idKind(part.toString()) == IdKind.STRONG ? "{id}" : part);
            if (i < key.length()) {
                out.append(c);
            }
            part.setLength(0);
        }
        return out.toString();
    }

    private static boolean hasDigit(String s) {
        return s.chars().anyMatch(Character::isDigit);
    }

    private static boolean hasLetter(String s) {
        return s.chars().anyMatch(Character::isLetter);
    }
}
