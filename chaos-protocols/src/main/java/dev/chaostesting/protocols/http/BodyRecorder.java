package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Body;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Records one body as its content streams by: a bounded copy of the bytes as sent and, for a gzip or deflate body, the
 * bounded decoded content. The copy as sent is what is stored when decoding does not work out.
 */
final class BodyRecorder {

    /**
     * @param decodeError why an encoded body is stored as sent, or null
     */
    record Result(Body body, @Nullable String decodeError) {}

    private final Wire wire;
    private final @Nullable Inflation inflation;
    private final @Nullable String encoding;

    /**
     * @param expectedBytes the body's length when its framing says it (Content-Length), else -1: the copy is then made
     *     in an array of the right size from the start
     */
    BodyRecorder(@Nullable String contentEncoding, int maxBytes, long expectedBytes) {
        this.wire = new Wire(maxBytes, expectedBytes);
        var format = Inflation.formatOf(contentEncoding);
        this.inflation = format == null ? null : new Inflation(format, maxBytes);
        this.encoding = format == null || contentEncoding == null
                ? null
                : contentEncoding.trim().toLowerCase(Locale.ROOT);
    }

    /** Records the content's remaining bytes; the position is unchanged. */
    void append(ByteBuffer content) {
        wire.append(content);
        if (inflation != null) {
            int position = content.position();
            inflation.append(content);
            content.position(position);
        }
    }

    /** Content bytes seen, as sent. */
    long size() {
        return wire.size();
    }

    /**
     * @param cutShort whether the body ended before its framing said it would: the bytes as sent are then marked
     *     truncated, and a compressed stream left unfinished is stored as sent
     */
    Result finish(boolean cutShort) {
        if (inflation == null || wire.size() == 0) {
            return new Result(asSent(cutShort), null);
        }
        var problem = inflation.finish();
        if (problem == null) {
            return new Result(inflation.body().withContentEncoding(encoding), null);
        }
        return new Result(asSent(cutShort), encoding + ": " + problem);
    }

    private Body asSent(boolean cutShort) {
        if (!cutShort) {
            return wire.toBody();
        }
        return new Body(wire.bytes(), wire.size(), true, null);
    }

    /**
     * The bytes as sent, at most {@code limit} of them, and how many there were: what {@code BodyCollector} keeps, in an
     * array sized from the expected length when it is known (one array, no copy to trim it, for the usual body).
     */
    private static final class Wire {
        private static final byte[] NONE = new byte[0];

        private final int limit;
        private byte[] bytes;
        private int length;
        private long size;

        Wire(int limit, long expectedBytes) {
            this.limit = limit;
            this.bytes = expectedBytes > 0 && limit > 0 ? new byte[(int) Math.min(limit, expectedBytes)] : NONE;
        }

        /** Keeps the content's remaining bytes (up to the limit); the position is unchanged. */
        void append(ByteBuffer content) {
            int n = content.remaining();
            size += n;
            int take = Math.min(n, limit - length);
            if (take <= 0) {
                return;
            }
            if (length + take > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + take, Math.min(limit, Math.max(256, bytes.length * 2))));
            }
            content.get(content.position(), bytes, length, take);
            length += take;
        }

        long size() {
            return size;
        }

        byte[] bytes() {
            return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
        }

        /** The body as sent; {@link Body} takes its own copy of the bytes. */
        Body toBody() {
            return length == 0 && size == 0 ? Body.empty() : new Body(bytes(), size, size > length, null);
        }
    }
}
