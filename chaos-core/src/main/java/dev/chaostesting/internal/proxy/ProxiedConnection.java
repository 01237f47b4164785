package dev.chaostesting.internal.proxy;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.internal.fault.ConnectionFaults;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.spi.Side;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The two channels of one proxied connection and what both relays share. Both channels run on the same event loop, so
 * this state needs no locking.
 */
final class ProxiedConnection {

    private static final System.Logger LOG = System.getLogger(ProxiedConnection.class.getName());

    private final Channel client;
    private @Nullable Channel server;
    private @Nullable ConnectionObserver observer;
    private final ProxyStats stats;
    private final boolean[] inputEnded = new boolean[2];
    private final boolean[] observedEnd = new boolean[2];
    private final @Nullable ConnectionFaults faults;
    private final @Nullable FlowShaper[] shapers = new FlowShaper[2];
    private boolean faultClosed;
    private @Nullable InlinePath inline;

    ProxiedConnection(
            Channel client,
            @Nullable ConnectionObserver observer,
            ProxyStats stats,
            @Nullable ConnectionFaults faults) {
        this.client = client;
        this.observer = observer;
        this.stats = stats;
        this.faults = faults;
    }

    void connected(Channel server) {
        this.server = server;
    }

    Channel channel(Side side) {
        return side == Side.CLIENT ? client : server;
    }

    Channel peer(Side from) {
        return from == Side.CLIENT ? server : client;
    }

    /**
     * Forwards bytes read from one side to the other. This is the single place bytes cross the proxy: the fault engine
     * (latency, bandwidth, slicing, protocol-level faults) takes its place here, between observing and writing.
     */
    void forward(Side from, ByteBuf bytes) {
        (from == Side.CLIENT ? stats.bytesFromClients : stats.bytesFromServers).add(bytes.readableBytes());
        var path = inline;
        if (path != null) {
            // In line, the recording is the conversation as the client had it: what it sent, and what it was sent
            // (the server's bytes or a fault's answer), observed when the in-line path sends it.
            if (from == Side.CLIENT) {
                observe(from, bytes);
            }
            path.onData(from, bytes);
            return;
        }
        observe(from, bytes);
        deliver(from, bytes);
    }

    /** Runs this connection in line (before any byte is read): its codec's handler decides what is sent. */
    void runInline(InlinePath path) {
        this.inline = path;
    }

    /** In line: bytes sent to the client are recorded as the server's (they are what the client receives). */
    void observeSentToClient(ByteBuf bytes) {
        observe(Side.SERVER, bytes);
    }

    /** Flushes what was written to one side (the in-line path answers the side that is being read). */
    void flushTo(Side to) {
        var channel = channel(to);
        if (channel != null) {
            channel.flush();
        }
    }

    /** Sends bytes read from one side to the other, through the TCP-level faults of that direction. */
    void deliver(Side from, ByteBuf bytes) {
        var f = faults;
        if (f != null) {
            var shaper = shapers[from.ordinal()];
            var effects =
                    f.none() ? List.<ConnectionFaults.Active>of() : f.effects(from == Side.CLIENT, System.nanoTime());
            if (!effects.isEmpty() || (shaper != null && shaper.busy())) {
                if (shaper == null) {
                    shaper = new FlowShaper(this, from, f);
                    shapers[from.ordinal()] = shaper;
                }
                shaper.submit(bytes, effects);
                return;
            }
        }
        var peer = peer(from);
        peer.write(bytes, peer.voidPromise());
        if (!peer.isWritable()) {
            channel(from).config().setAutoRead(false);
        }
    }

    /** One side sent FIN: pass it on once what was read before it is written (and what faults hold back). */
    void inputEnded(Side from) {
        if (inputEnded[from.ordinal()]) {
            return;
        }
        inputEnded[from.ordinal()] = true;
        observeEnd(from, false);
        if (inline != null) {
            inline.onEnd(from);
        }
        afterQueued(from, () -> passEnd(from));
    }

    /** Runs {@code action} once the bytes faults hold back in this direction are out, and any slow close has waited. */
    private void afterQueued(Side from, Runnable action) {
        long slow = slowCloseNanos(from);
        Runnable end = slow > 0 ? () -> channel(from).eventLoop().schedule(action, slow, TimeUnit.NANOSECONDS) : action;
        var shaper = shapers[from.ordinal()];
        if (shaper != null) {
            shaper.whenDrained(end);
        } else {
            end.run();
        }
    }

    private long slowCloseNanos(Side from) {
        var f = faults;
        if (f == null || f.none()) {
            return 0;
        }
        long max = 0;
        for (var active : f.effects(from == Side.CLIENT, System.nanoTime())) {
            if (active.effect() instanceof Effect.SlowClose slow) {
                max = Math.max(max, slow.delay().toNanos());
            }
        }
        return max;
    }

    private void passEnd(Side from) {
        var peer = peer(from);
        if (inputEnded[from.other().ordinal()]) {
            // Both directions ended: close each side once what is still queued for it has been written.
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            channel(from).writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (peer instanceof DuplexChannel duplex && peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
        }
    }

    /** One side reset the connection: reset the other side too (RST rather than FIN). */
    void reset(Side from) {
        discardShapers();
        observeEnd(from, true);
        observeEnd(from.other(), true);
        var peer = peer(from);
        if (peer.isActive()) {
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
            peer.close();
        }
        channel(from).close();
    }

    /** A channel closed: close the other once its pending writes (and what faults hold back for it) are out. */
    void closed(Side side) {
        observeEnd(side, false);
        if (inline != null && !inputEnded[side.ordinal()]) {
            inline.onEnd(side);
        }
        var toSide = shapers[side.other().ordinal()];
        if (toSide != null) {
            // Nobody is left to receive these.
            toSide.discard();
        }
        var peer = peer(side);
        if (peer != null && peer.isActive()) {
            afterQueued(side, () -> {
                if (peer.isActive()) {
                    peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            });
        } else {
            discardShapers();
            observeEnd(side.other(), false);
        }
    }

    /** Whether reading {@code side} is paused because faults hold back too much of what it sent. */
    boolean heldByFaults(Side side) {
        var shaper = shapers[side.ordinal()];
        return shaper != null && shaper.holdsReading();
    }

    /** A fault ends the connection (timeout, limit data): both sides are closed, what is held back is dropped. */
    void closeBothByFault() {
        if (faultClosed) {
            return;
        }
        faultClosed = true;
        discardShapers();
        for (var side : Side.values()) {
            var channel = channel(side);
            if (channel != null && channel.isActive()) {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** A fault resets the connection: both peers get an RST. */
    void resetBothByFault() {
        if (faultClosed) {
            return;
        }
        faultClosed = true;
        discardShapers();
        for (var side : Side.values()) {
            var channel = channel(side);
            if (channel != null && channel.isActive()) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
            }
        }
    }

    private void discardShapers() {
        for (var shaper : shapers) {
            if (shaper != null) {
                shaper.discard();
            }
        }
    }

    private void observe(Side from, ByteBuf bytes) {
        var o = observer;
        if (o == null) {
            return;
        }
        try {
            o.onData(from, bytes.nioBuffer(), ConnectionObserver.nowMicros());
        } catch (RuntimeException | Error e) {
            observationFailed(e);
        }
    }

    private void observeEnd(Side side, boolean reset) {
        var o = observer;
        if (o == null || observedEnd[side.ordinal()]) {
            return;
        }
        observedEnd[side.ordinal()] = true;
        try {
            o.onEnd(side, reset, ConnectionObserver.nowMicros());
        } catch (RuntimeException | Error e) {
            observationFailed(e);
        }
    }

    /** Recording must never break the traffic: stop observing this connection and say why once. */
    private void observationFailed(Throwable e) {
        observer = null;
        LOG.log(Level.WARNING, "stopped recording connection " + client.remoteAddress() + ": " + e, e);
    }
}
