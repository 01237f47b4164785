package dev.chaostesting.internal.proxy;

import dev.chaostesting.spi.Side;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.lang.System.Logger.Level;

/** Reads one side of a proxied connection and hands what it reads to {@link ProxiedConnection}. */
final class Relay extends ChannelInboundHandlerAdapter {

    private static final System.Logger LOG = System.getLogger(Relay.class.getName());

    private final ProxiedConnection connection;
    private final Side side;

    Relay(ProxiedConnection connection, Side side) {
        this.connection = connection;
        this.side = side;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.forward(side, (ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.peer(side).flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Writes to this side drained below the low mark: the side feeding it may be read again.
        if (ctx.channel().isWritable() && !connection.heldByFaults(side.other())) {
            connection.peer(side).config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            connection.inputEnded(side);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connection.closed(side);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            connection.reset(side);
        } else {
            LOG.log(Level.WARNING, "closing proxied connection after an unexpected error", cause);
            connection.reset(side);
        }
    }
}
