package dev.chaostesting.testing;

import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * A codec wrapped for fuzz tests: every exception its detection or decoder throws is noted in {@code failures} before
 * it reaches the observer (which would turn it into a fail-open and hide it).
 */
public record CheckedCodec(ProtocolCodec codec, List<Throwable> failures) implements ProtocolCodec {

    @Override
    public String name() {
        return codec.name();
    }

    @Override
    public Set<Integer> portHints() {
        return codec.portHints();
    }

    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        try {
            return codec.detect(side, firstBytes);
        } catch (RuntimeException | Error e) {
            failures.add(e);
            throw e;
        }
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        var decoder = codec.newDecoder(context);
        return new StreamDecoder() {
            @Override
            public void onData(Side side, ByteBuffer data, long atMicros) {
                try {
                    decoder.onData(side, data, atMicros);
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                    throw e;
                }
            }

            @Override
            public void onEnd(Side side, boolean reset, long atMicros) {
                try {
                    decoder.onEnd(side, reset, atMicros);
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                    throw e;
                }
            }

            @Override
            public boolean onGap(Side side, long missingBytes, long atMicros) {
                try {
                    return decoder.onGap(side, missingBytes, atMicros);
                } catch (RuntimeException | Error e) {
                    failures.add(e);
                    throw e;
                }
            }
        };
    }
}
