package dev.chaostesting.protocols.http2;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.ProtocolCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Plays recorded events through a real {@link ConnectionObserver}: whole, in random fragments, or byte by byte. */
final class Feed {

    static final ConnectionInfo CONNECTION =
            new ConnectionInfo("c1", "127.0.0.1:50000", "127.0.0.1:50051", 50051, Direction.INBOUND);

    enum Mode {
        WHOLE,
        RANDOM,
        BYTES
    }

    private Feed() {}

    static List<Interaction> run(
            List<RecordingRelay.Event> events, Mode mode, long seed, int maxBody, ProtocolCodec codec) {
        var out = new ArrayList<Interaction.Builder>();
        var observer = new ConnectionObserver(CONNECTION, Codecs.of(codec), null, maxBody, out::add);
        var random = new Random(seed);
        for (var e : events) {
            if (e.bytes() == null) {
                observer.onEnd(e.side(), false, e.atMicros());
                continue;
            }
            var bytes = e.bytes();
            switch (mode) {
                case WHOLE -> observer.onData(e.side(), ByteBuffer.wrap(bytes).asReadOnlyBuffer(), e.atMicros());
                case BYTES -> {
                    for (int i = 0; i < bytes.length; i++) {
                        observer.onData(e.side(), ByteBuffer.wrap(bytes, i, 1).asReadOnlyBuffer(), e.atMicros());
                    }
                }
                case RANDOM -> {
                    int i = 0;
                    while (i < bytes.length) {
                        int n = Math.min(bytes.length - i, 1 + random.nextInt(random.nextBoolean() ? 7 : 3000));
                        observer.onData(
                                e.side(),
                                ByteBuffer.wrap(Arrays.copyOfRange(bytes, i, i + n))
                                        .asReadOnlyBuffer(),
                                e.atMicros());
                        i += n;
                    }
                }
            }
        }
        return out.stream().map(Interaction.Builder::build).toList();
    }
}
