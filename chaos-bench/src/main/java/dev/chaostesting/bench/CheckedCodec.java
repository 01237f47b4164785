package dev.chaostesting.bench;

import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Set;

/** The codec, with the first exception its detector or decoder throws in an input noted before it propagates. */
final class CheckedCodec implements ProtocolCodec {
    private final ProtocolCodec codec;
    Throwable failure;

    CheckedCodec(ProtocolCodec codec) {
        this.codec = codec;
    }

    private void note(Throwable e) {
        if (failure == null) {
            failure = e;
        }
    }

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
            note(e);
            throw e;
        }
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        StreamDecoder decoder;
        try {
            decoder = codec.newDecoder(context);
        } catch (RuntimeException | Error e) {
            note(e);
            throw e;
        }
        return new StreamDecoder() {
            @Override
            public void onData(Side side, ByteBuffer data, long atMicros) {
                try {
                    decoder.onData(side, data, atMicros);
                } catch (RuntimeException | Error e) {
                    note(e);
                    throw e;
                }
            }

            @Override
            public void onEnd(Side side, boolean reset, long atMicros) {
                try {
                    decoder.onEnd(side, reset, atMicros);
                } catch (RuntimeException | Error e) {
                    note(e);
                    throw e;
                }
            }

            @Override
            public boolean onGap(Side side, long missingBytes, long atMicros) {
                try {
                    return decoder.onGap(side, missingBytes, atMicros);
                } catch (RuntimeException | Error e) {
                    note(e);
                    throw e;
                }
            }
        };
    }
}
