package dev.chaostesting.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A connection's traffic as a list of events, each side's bytes with the time they were seen, played through a real
 * {@link ConnectionObserver} with one codec: whole, in random fragments, or one byte at a time. Each codec's tests
 * extend it with their codec and port ({@code S} is that subclass, so calls chain).
 */
public abstract class CodecScript<S extends CodecScript<S>> {

    public static final long START = 1_700_000_000_000_000L;
    public static final long STEP = 1_000;

    /** The connection the scripts run on: from 127.0.0.1:50000 to the codec's usual port. */
    public static ConnectionInfo connection(int port) {
        return new ConnectionInfo("c1", "127.0.0.1:50000", "127.0.0.1:" + port, port, Direction.INBOUND);
    }

    public enum Feed {
        WHOLE,
        RANDOM,
        BYTES
    }

    public sealed interface Event permits Data, End {}

    public record Data(Side side, byte[] bytes, long at) implements Event {}

    public record End(Side side, boolean reset, long at) implements Event {}

    private final List<Event> events = new ArrayList<>();
    private final ProtocolCodec codec;
    private final ConnectionInfo connection;
    private long clock = START;

    protected CodecScript(ProtocolCodec codec, ConnectionInfo connection) {
        this.codec = codec;
        this.connection = connection;
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** The time of the n-th event (from 0). */
    public static long at(int event) {
        return START + event * STEP;
    }

    public S client(String text) {
        return client(text.getBytes(StandardCharsets.UTF_8));
    }

    public S server(String text) {
        return server(text.getBytes(StandardCharsets.UTF_8));
    }

    public S client(byte[] bytes) {
        return data(Side.CLIENT, bytes);
    }

    public S server(byte[] bytes) {
        return data(Side.SERVER, bytes);
    }

    public S endClient() {
        return add(new End(Side.CLIENT, false, clock));
    }

    public S endServer() {
        return add(new End(Side.SERVER, false, clock));
    }

    /** Both sides close, server first. */
    public S close() {
        return endServer().endClient();
    }

    public S reset(Side side) {
        return add(new End(side, true, clock));
    }

    public List<Event> events() {
        return events;
    }

    public byte[] bytes(Side side) {
        var out = new ByteArrayOutputStream();
        for (var e : events) {
            if (e instanceof Data d && d.side() == side) {
                out.writeBytes(d.bytes());
            }
        }
        return out.toByteArray();
    }

    public List<Interaction> run(Feed feed, int maxBodyBytes, long seed) {
        return run(feed, maxBodyBytes, seed, codec);
    }

    public List<Interaction> run(Feed feed, int maxBodyBytes, long seed, ProtocolCodec with) {
        var out = new ArrayList<Interaction.Builder>();
        var observer = new ConnectionObserver(connection, Codecs.of(with), null, maxBodyBytes, out::add);
        var random = new Random(seed);
        for (var event : events) {
            if (event instanceof Data d) {
                feed(observer, d, feed, random);
            } else if (event instanceof End e) {
                observer.onEnd(e.side(), e.reset(), e.at());
            }
        }
        return out.stream().map(Interaction.Builder::build).toList();
    }

    /**
     * Runs the script whole, in random fragments and one byte at a time, checks that all three give the same
     * interactions, and returns them.
     */
    public List<Interaction> runAllWays(int maxBodyBytes) {
        var whole = run(Feed.WHOLE, maxBodyBytes, 1);
        for (long seed = 1; seed <= 3; seed++) {
            assertThat(comparable(run(Feed.RANDOM, maxBodyBytes, seed)))
                    .as("random fragments, seed %d", seed)
                    .isEqualTo(comparable(whole));
        }
        assertThat(comparable(run(Feed.BYTES, maxBodyBytes, 1)))
                .as("one byte at a time")
                .isEqualTo(comparable(whole));
        return whole;
    }

    public List<Interaction> runAllWays() {
        return runAllWays(1 << 20);
    }

    /**
     * What every codec's fuzz run checks of one input: nothing thrown by the codec ({@code failures}, see {@link
     * CheckedCodec}), every byte of each side counted exactly once, and, when everything was recorded raw with bodies
     * kept whole, exactly the bytes sent.
     */
    public void assertAccountedFor(
            List<Interaction> interactions, List<Throwable> failures, boolean wholeBodies, String where) {
        assertThat(failures).as(where).isEmpty();
        assertThat(countedBytes(interactions, Side.CLIENT)).as(where).isEqualTo(bytes(Side.CLIENT).length);
        assertThat(countedBytes(interactions, Side.SERVER)).as(where).isEqualTo(bytes(Side.SERVER).length);
        boolean allRaw = interactions.stream().allMatch(i -> i.protocol().equals("tcp"));
        if (allRaw && wholeBodies) {
            assertThat(rawBytes(interactions, Side.CLIENT)).as(where).isEqualTo(bytes(Side.CLIENT));
            assertThat(rawBytes(interactions, Side.SERVER)).as(where).isEqualTo(bytes(Side.SERVER));
        }
    }

    /**
     * Raw TCP recorded after a fail-open starts with the handed-back bytes, which the core stamps with the wall clock:
     * their times cannot be compared between runs.
     */
    public static List<Interaction> comparable(List<Interaction> interactions) {
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

    /** The bytes one side sent in the raw TCP interactions, concatenated. */
    public static byte[] rawBytes(List<Interaction> interactions, Side side) {
        var out = new ByteArrayOutputStream();
        for (var i : interactions) {
            var message = side == Side.CLIENT ? i.request() : i.response();
            if (message instanceof TcpData data) {
                out.writeBytes(data.data().bytes());
            }
        }
        return out.toByteArray();
    }

    /** The wire bytes one side sent, as counted by all interactions. */
    public static long countedBytes(List<Interaction> interactions, Side side) {
        return interactions.stream()
                .mapToLong(i -> side == Side.CLIENT ? i.requestBytes() : i.responseBytes())
                .sum();
    }

    private S data(Side side, byte[] bytes) {
        return add(new Data(side, bytes, clock));
    }

    private S add(Event event) {
        events.add(event);
        clock += STEP;
        return self();
    }

    private static void feed(ConnectionObserver observer, Data d, Feed feed, Random random) {
        var bytes = d.bytes();
        switch (feed) {
            case WHOLE -> observer.onData(d.side(), ByteBuffer.wrap(bytes).asReadOnlyBuffer(), d.at());
            case BYTES -> {
                for (int i = 0; i < bytes.length; i++) {
                    observer.onData(d.side(), ByteBuffer.wrap(bytes, i, 1).asReadOnlyBuffer(), d.at());
                }
            }
            case RANDOM -> {
                int i = 0;
                while (i < bytes.length) {
                    int n = Math.min(bytes.length - i, 1 + random.nextInt(random.nextBoolean() ? 8 : 200));
                    // A fresh array per fragment, so that a decoder keeping a view of an old one would show.
                    var fragment = Arrays.copyOfRange(bytes, i, i + n);
                    observer.onData(d.side(), ByteBuffer.wrap(fragment).asReadOnlyBuffer(), d.at());
                    i += n;
                }
            }
        }
    }
}
