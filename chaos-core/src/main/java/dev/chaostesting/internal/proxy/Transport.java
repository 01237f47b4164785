package dev.chaostesting.internal.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
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
 * The I/O transport. NIO by default: Netty 4.2.18's epoll registration (the newest whose native library Maven Central
 * serves here) removes a socket from epoll when its interest set becomes empty but later modifies it as if it were
 * still there (ENOENT), which happens whenever a peer's FIN arrives while reading is paused for backpressure. Epoll can
 * be chosen with {@code -Dchaos.transport=epoll} once a fixed Netty is available; see docs/architecture.md.
 */
public enum Transport {
    EPOLL,
    NIO;

    public static Transport best() {
        return "epoll".equals(System.getProperty("chaos.transport")) && Epoll.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
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
