package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Body;
import dev.chaostesting.spi.BodyCollector;
import java.nio.ByteBuffer;
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

    private final BodyCollector wire;
    private final @Nullable Inflation inflation;
    private final @Nullable String encoding;

    BodyRecorder(@Nullable String contentEncoding, int maxBytes) {
        this.wire = new BodyCollector(maxBytes);
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
}
