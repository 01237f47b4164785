package dev.chaostesting.protocols.http2.internal;

import dev.chaostesting.model.Body;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Decodes gzip and deflate content that was captured whole (or its first bytes), keeping at most {@code limit} decoded
 * bytes: a small input that inflates to gigabytes stops at {@code limit + 1} decoded bytes.
 */
public final class Decompression {

    /**
     * @param body the decoded body when {@code error} is null
     * @param error why the content could not be decoded
     */
    public record Result(@Nullable Body body, @Nullable String error) {}

    private Decompression() {}

    /** Whether this content-encoding (or grpc-encoding) is one this class decodes. */
    public static boolean supports(@Nullable String encoding) {
        if (encoding == null) {
            return false;
        }
        var e = encoding.trim().toLowerCase(Locale.ROOT);
        return e.equals("gzip") || e.equals("x-gzip") || e.equals("deflate");
    }

    /**
     * @param input the compressed bytes captured
     * @param inputComplete whether {@code input} is all of the compressed content
     */
    public static Result decode(String encoding, byte[] input, boolean inputComplete, int limit) {
        var e = encoding.trim().toLowerCase(Locale.ROOT);
        try {
            if (e.equals("deflate")) {
                boolean zlib = input.length >= 2
                        && (input[0] & 0x0f) == 8
                        && ((input[0] & 0xff) >> 4) <= 7
                        && (((input[0] & 0xff) << 8) | (input[1] & 0xff)) % 31 == 0;
                var inflater = new Inflater(!zlib);
                try {
                    return read(
                            new InflaterInputStream(new ByteArrayInputStream(input), inflater),
                            e,
                            inputComplete,
                            limit);
                } finally {
                    inflater.end();
                }
            }
            try (var in = new GZIPInputStream(new ByteArrayInputStream(input))) {
                return read(in, e, inputComplete, limit);
            }
        } catch (IOException ex) {
            return new Result(null, e + ": " + (ex.getMessage() == null ? "invalid compressed data" : ex.getMessage()));
        }
    }

    private static Result read(InputStream in, String encoding, boolean inputComplete, int limit) throws IOException {
        var out = new ByteArrayOutputStream();
        var buf = new byte[8192];
        long total = 0;
        try {
            while (total <= limit) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, limit + 1L - total));
                if (n < 0) {
                    break;
                }
                total += n;
                out.write(buf, 0, Math.min(n, (int) Math.max(0, limit - (total - n))));
            }
        } catch (java.io.EOFException eof) {
            if (inputComplete) {
                return new Result(null, encoding + ": compressed data ended before the end of the stream");
            }
            // The capture kept only the first bytes: what decoded so far is the start of the content.
            var bytes = out.toByteArray();
            return new Result(new Body(bytes, Math.max(total, bytes.length + 1L), true, encoding), null);
        }
        var bytes = out.toByteArray();
        boolean truncated = total > limit;
        if (!truncated && !inputComplete) {
            return new Result(new Body(bytes, bytes.length + 1L, true, encoding), null);
        }
        return new Result(new Body(bytes, total, truncated, encoding), null);
    }
}
