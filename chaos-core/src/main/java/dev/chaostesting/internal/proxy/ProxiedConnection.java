package dev.chaostesting.internal.proxy;

import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.spi.Side;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import java.lang.System.Logger.Level;
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

    ProxiedConnection(Channel client, @Nullable ConnectionObserver observer, ProxyStats stats) {
        this.client = client;
        this.observer = observer;
        this.stats = stats;
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
        observe(from, bytes);
        var peer = peer(from);
        peer.write(bytes, peer.voidPromise());
        if (!peer.isWritable()) {
            channel(from).config().setAutoRead(false);
        }
    }

    /** One side sent FIN: pass it on once what was read before it is written. */
    void inputEnded(Side from) {
        if (inputEnded[from.ordinal()]) {
            return;
        }
        inputEnded[from.ordinal()] = true;
        observeEnd(from, false);
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
        observeEnd(from, true);
        observeEnd(from.other(), true);
        var peer = peer(from);
        if (peer.isActive()) {
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
            peer.close();
        }
        channel(from).close();
    }

    /** A channel closed: close the other once its pending writes are out. */
    void closed(Side side) {
        observeEnd(side, false);
        var peer = peer(side);
        if (peer != null && peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            observeEnd(side.other(), false);
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
