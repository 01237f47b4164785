package dev.chaostesting.internal.capture;

import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * One TCP connection: reassembles both directions and feeds them to one {@link ConnectionSink} in the order they
 * happened. Acknowledgements keep that order honest: before one side's data is passed on, the other side's bytes that
 * it acknowledges must have been passed on, so a hole the peer has already acknowledged is lost from the capture (not
 * merely late) and becomes a gap at once. That keeps a request ahead of its response even when a request segment is
 * missing.
 */
final class TcpConnection {

    private final ReassemblySettings settings;
    private final long order;
    /** The sender of the first segment seen, and its peer; roles are decided later. */
    private final Endpoint first;

    private final Endpoint second;
    private final StreamReassembler fromFirst;
    private final StreamReassembler fromSecond;
    private final boolean[] endReported = new boolean[2];
    private @Nullable Endpoint client;
    private @Nullable ConnectionSink sink;
    /** The time of the latest packet; never goes backwards, so durations are never negative. */
    private long now;

    private boolean closed;

    TcpConnection(ReassemblySettings settings, Endpoint first, Endpoint second, long order) {
        this.settings = settings;
        this.order = order;
        this.first = first;
        this.second = second;
        this.fromFirst = new StreamReassembler(new Out(first), settings.counters());
        this.fromSecond = new StreamReassembler(new Out(second), settings.counters());
    }

    /** Order of creation, so connections still open at the end are flushed in the order they began. */
    long order() {
        return order;
    }

    /** Both sides finished, or one reset: later segments on these addresses are stale or a new connection. */
    boolean closed() {
        return closed;
    }

    /** A SYN that is not this connection's: the addresses and ports were reused by a new connection. */
    boolean isNewConnection(TcpSegment s) {
        return s.syn() && stream(s.source()).isOtherSyn(s.seq());
    }

    void onSegment(TcpSegment s) {
        now = Math.max(now, s.micros());
        var sender = stream(s.source());
        var peer = stream(s.destination());
        if (!sender.started()) {
            sender.start(s.seq(), s.syn());
        }
        long dataStart = sender.unwrap(s.seq()) + (s.syn() ? 1 : 0);
        boolean carries = s.wireLength() > 0 || s.fin();
        if (sink == null && (s.syn() || carries)) {
            open(s);
        }
        if (carries && s.hasAck() && peer.started()) {
            peer.gapTo(peer.unwrap(s.ack()));
        }
        if (carries) {
            sender.segment(dataStart, s.payload(), s.wireLength(), s.fin());
            keepWithinBudget();
        }
        if (s.rst()) {
            reset(s.source());
        } else if (fromFirst.ended() && fromSecond.ended()) {
            closed = true;
        }
    }

    /** The capture ended (or the connection was evicted): pass on what is held and end both sides. */
    void finish() {
        if (closed) {
            return;
        }
        closed = true;
        if (sink == null) {
            return;
        }
        var clientSide = client();
        stream(clientSide).flush();
        stream(peerOf(clientSide)).flush();
        endOnce(Side.CLIENT, false);
        endOnce(Side.SERVER, false);
    }

    private void reset(Endpoint by) {
        closed = true;
        if (sink == null) {
            return;
        }
        var clientSide = client();
        stream(clientSide).flush();
        stream(peerOf(clientSide)).flush();
        // As the proxy reports a reset: the side that reset, then the other, each side's end once.
        var side = side(by);
        endOnce(side, true);
        endOnce(side.other(), true);
    }

    private void keepWithinBudget() {
        while (fromFirst.heldBytes() + fromSecond.heldBytes() > settings.maxHeldBytes()) {
            (fromFirst.heldBytes() >= fromSecond.heldBytes() ? fromFirst : fromSecond).skipFirstHole();
        }
    }

    private void open(TcpSegment s) {
        Endpoint c;
        if (s.syn()) {
            c = s.hasAck() ? s.destination() : s.source();
        } else {
            c = guessClient(s.source(), s.destination());
        }
        client = c;
        var server = peerOf(c);
        var counters = settings.counters();
        counters.connections++;
        var info = new ConnectionInfo(
                "c" + counters.connections, c.toString(), server.toString(), server.port(), settings.direction());
        sink = settings.sinks().apply(info);
        if (!s.syn()) {
            sink.startsMidStream();
        }
    }

    /**
     * No SYN was seen (the connection was open before the capture started): a side on a port the user named is the
     * server; otherwise the higher port is the client's (ephemeral ports are high); with equal ports, whoever sent this
     * first payload is taken for the client.
     */
    private Endpoint guessClient(Endpoint sender, Endpoint receiver) {
        var ports = settings.serverPorts();
        boolean senderListed = ports.contains(sender.port());
        boolean receiverListed = ports.contains(receiver.port());
        if (senderListed != receiverListed) {
            return senderListed ? receiver : sender;
        }
        if (sender.port() != receiver.port()) {
            return sender.port() > receiver.port() ? sender : receiver;
        }
        return sender;
    }

    private Endpoint client() {
        if (client == null) {
            throw new IllegalStateException("roles are decided with the first SYN, payload or FIN");
        }
        return client;
    }

    private ConnectionSink sink() {
        if (sink == null) {
            throw new IllegalStateException("a connection is opened before anything is passed on");
        }
        return sink;
    }

    private Side side(Endpoint sender) {
        return sender.equals(client()) ? Side.CLIENT : Side.SERVER;
    }

    private Endpoint peerOf(Endpoint e) {
        return e.equals(first) ? second : first;
    }

    private StreamReassembler stream(Endpoint sender) {
        return sender.equals(first) ? fromFirst : fromSecond;
    }

    private void endOnce(Side side, boolean reset) {
        if (!endReported[side.ordinal()]) {
            endReported[side.ordinal()] = true;
            sink().onEnd(side, reset, now);
        }
    }

    /** Where one direction's ordered bytes go: to the sink, as that side's. */
    private final class Out implements StreamReassembler.Output {
        private final Endpoint sender;

        Out(Endpoint sender) {
            this.sender = sender;
        }

        @Override
        public void data(ByteBuffer bytes) {
            sink().onData(side(sender), bytes, now);
        }

        @Override
        public void gap(long missingBytes) {
            var counters = settings.counters();
            counters.gaps++;
            counters.missingBytes += missingBytes;
            sink().onGap(side(sender), missingBytes, now);
        }

        @Override
        public void end() {
            endOnce(side(sender), false);
        }
    }
}
