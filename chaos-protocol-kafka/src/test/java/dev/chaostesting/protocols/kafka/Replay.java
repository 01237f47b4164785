package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A connection's chunks played through a real {@link ConnectionObserver} with the Kafka codec: whole, in random
 * fragments, or one byte at a time. Each chunk gets its own time, so all ways give comparable interactions.
 */
final class Replay {

    static final long START = 1_700_000_000_000_000L;
    static final ConnectionInfo CONNECTION =
            new ConnectionInfo("c1", "127.0.0.1:50000", "127.0.0.1:9092", 9092, Direction.INBOUND);

    enum Feed {
        WHOLE,
        RANDOM,
        BYTES
    }

    private Replay() {}

    static List<Interaction> run(List<RewritingRelay.Chunk> chunks, Feed feed, long seed, int maxBodyBytes) {
        return run(chunks, feed, seed, maxBodyBytes, new KafkaCodec());
    }

    /**
     * @param codec shared by the connections of one recording (it learns topic names from one connection's Metadata
     *     for another's Produce and Fetch)
     */
    static List<Interaction> run(
            List<RewritingRelay.Chunk> chunks, Feed feed, long seed, int maxBodyBytes, KafkaCodec codec) {
        var out = new ArrayList<Interaction.Builder>();
        var observer = new ConnectionObserver(CONNECTION, Codecs.of(codec), null, maxBodyBytes, out::add);
        var random = new Random(seed);
        long at = START;
        for (var chunk : chunks) {
            at += 1000;
            feed(observer, chunk.side(), chunk.bytes(), at, feed, random);
        }
        observer.onEnd(Side.CLIENT, false, at + 1000);
        observer.onEnd(Side.SERVER, false, at + 2000);
        return out.stream().map(Interaction.Builder::build).toList();
    }

    static List<Interaction> runAllWays(List<RewritingRelay.Chunk> chunks, int maxBodyBytes) {
        return runAllWays(chunks, maxBodyBytes, new KafkaCodec());
    }

    /** Runs whole, in random fragments (three seeds) and byte by byte; asserts all agree; returns them. */
    static List<Interaction> runAllWays(List<RewritingRelay.Chunk> chunks, int maxBodyBytes, KafkaCodec codec) {
        var whole = run(chunks, Feed.WHOLE, 1, maxBodyBytes, codec);
        for (long seed = 1; seed <= 3; seed++) {
            assertThat(comparable(run(chunks, Feed.RANDOM, seed, maxBodyBytes, codec)))
                    .as("random fragments, seed %d", seed)
                    .isEqualTo(comparable(whole));
        }
        assertThat(comparable(run(chunks, Feed.BYTES, 1, maxBodyBytes, codec)))
                .as("one byte at a time")
                .isEqualTo(comparable(whole));
        return whole;
    }

    /** Raw TCP after a fail-open is stamped with the wall clock: those times cannot be compared between runs. */
    static List<Interaction> comparable(List<Interaction> interactions) {
        return interactions.stream()
                .map(i -> i.protocol().equals("tcp")
                        ? i.newBuilder()
                                .startedAt(Instant.EPOCH)
                                .durationMicros(0)
                                .timeToFirstByteMicros(i.timeToFirstByteMicros() < 0 ? -1 : 0)
                                .build()
                        : i)
                .toList();
    }

    private static void feed(ConnectionObserver observer, Side side, byte[] bytes, long at, Feed feed, Random random) {
        switch (feed) {
            case WHOLE -> observer.onData(side, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), at);
            case BYTES -> {
                for (int i = 0; i < bytes.length; i++) {
                    observer.onData(side, ByteBuffer.wrap(bytes, i, 1).asReadOnlyBuffer(), at);
                }
            }
            case RANDOM -> {
                int i = 0;
                while (i < bytes.length) {
                    int n = Math.min(bytes.length - i, 1 + random.nextInt(random.nextBoolean() ? 8 : 300));
                    var fragment = Arrays.copyOfRange(bytes, i, i + n);
                    observer.onData(side, ByteBuffer.wrap(fragment).asReadOnlyBuffer(), at);
                    i += n;
                }
            }
        }
    }
}
