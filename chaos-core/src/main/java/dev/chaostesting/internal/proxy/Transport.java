package dev.chaostesting.internal.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The I/O transport: native epoll on Linux when it loads (with {@link EpollFix} for a bug of Netty 4.2.18's epoll
 * registration), NIO elsewhere or with {@code -Dchaos.transport=nio}.
 */
public enum Transport {
    EPOLL,
    NIO;

    public static Transport best() {
        return !"nio".equals(System.getProperty("chaos.transport")) && Epoll.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollFix.factory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, daemonThreads(name), factory);
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> clientChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    private static ThreadFactory daemonThreads(String name) {
        var counter = new AtomicInteger();
        return r -> {
            var t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
