package dev.chaostesting.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A message body as recorded: binary-safe, possibly truncated.
 *
 * <p>The recorded copy of a body is capped (see {@code Interceptor.maxRecordedBodyBytes}); forwarding never is. When the
 * cap was hit, {@link #truncated()} is true and {@link #size()} still tells the full size. A body that travelled
 * compressed ({@code Content-Encoding: gzip} or {@code deflate}) is stored decoded, and {@link #contentEncoding()} names
 * the encoding it had on the wire.
 *
 * @param size the full size of the (decoded) body in bytes, at least {@code bytes().length}
 * @param truncated whether the recorded bytes are only the first part of the body
 * @param contentEncoding the encoding the body had on the wire when it is stored decoded, else null
 */
public record Body(
        byte[] bytes,
        long size,
        boolean truncated,
        @Nullable String contentEncoding) {

    private static final Body EMPTY = new Body(new byte[0], 0, false, null);

    public Body {
        Objects.requireNonNull(bytes, "bytes");
        bytes = bytes.clone();
        if (size < bytes.length) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= " + bytes.length + ")");
        }
        if (!truncated && size != bytes.length) {
            throw new IllegalArgumentException(
                    "size: " + size + " (expected: " + bytes.length + " when not truncated)");
        }
    }

    /** An empty body. */
    public static Body empty() {
        return EMPTY;
    }

    /** A complete body holding these bytes. */
    public static Body of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Body(bytes, bytes.length, false, null);
    }

    /** A complete body holding this text as UTF-8. */
    public static Body ofText(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the recorded bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The recorded bytes, read-only, without copying. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** Number of recorded bytes (smaller than {@link #size()} when truncated). */
    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Whether the recorded bytes are valid UTF-8 (an empty body is text). */
    public boolean isText() {
        return utf8(bytes) != null;
    }

    /** The recorded bytes decoded as UTF-8, or null when they are not valid UTF-8 (decodes once). */
    public @Nullable String textIfValid() {
        return utf8(bytes);
    }

    /** The recorded bytes as UTF-8, with invalid sequences replaced. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The recorded bytes in base64. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The same bytes marked as decoded from the given wire encoding. */
    public Body withContentEncoding(@Nullable String encoding) {
        return new Body(bytes, size, truncated, encoding);
    }

    private static @Nullable String utf8(byte[] bytes) {
        return utf8(bytes, 0, bytes.length);
    }

    /**
     * Bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code bytes} decoded as UTF-8, or null when they are
     * not valid UTF-8: for codecs that record a protocol's text as a string when it is one.
     */
    public static @Nullable String utf8(byte[] bytes, int from, int to) {
        // The JDK's decoding with replacement is the fast one (ASCII is copied in bulk); only a text holding the
        // replacement character, which a valid text may hold too, is checked strictly.
        var lenient = new String(bytes, from, to - from, StandardCharsets.UTF_8);
        if (lenient.indexOf('\uFFFD') < 0) {
            return lenient;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Body other
                && size == other.size
                && truncated == other.truncated
                && Objects.equals(contentEncoding, other.contentEncoding)
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(bytes), size, truncated, contentEncoding);
    }

    @Override
    public String toString() {
        String shown = isText() ? '"' + abbreviate(text()) + '"' : bytes.length + " binary bytes";
        return "Body[" + shown + (truncated ? ", truncated from " + size : "")
                + (contentEncoding != null ? ", decoded from " + contentEncoding : "") + "]";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
