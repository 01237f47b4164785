package dev.chaostesting.internal.proxy;

import dev.chaostesting.internal.fault.ConnectionFaults;
import dev.chaostesting.internal.fault.FaultEngine;
import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.internal.transparent.Nftables;
import dev.chaostesting.internal.transparent.OriginalDestination;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.Side;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy: accepts on one address, connects each client to the target, relays bytes unchanged both ways with
 * backpressure, half-close and reset propagation, and lets a {@link ConnectionObserver} watch each connection.
 */
public final class ProxyServer implements AutoCloseable {

    /**
     * How a proxy listens and where it forwards. {@code transparent}: each connection goes to its original destination
     * (SO_ORIGINAL_DST, set by an nftables redirect), {@code target} only for clients that connect to the proxy itself,
     * and the outgoing sockets carry {@link Nftables#MARK} so the redirect skips them.
     */
    public record Settings(
            InetSocketAddress listen,
            InetSocketAddress target,
            int ioThreads,
            Duration connectTimeout,
            @Nullable Observation observation,
            boolean transparent,
            @Nullable FaultEngine faults,
            ConnectionLabels labels,
            Codecs codecs,
            boolean protocolFaults) {}

    /** What to record of the traffic; absent when recording is off. */
    public record Observation(
            Codecs codecs,
            @Nullable String protocol,
            int maxBodyBytes,
            ConnectionLabels labels,
            Consumer<Interaction.Builder> sink) {

        /** The same, noting on each interaction the faults that acted on its connection so far ({@code faults}). */
        Observation withFaultsNoted(ConnectionFaults faults) {
            Consumer<Interaction.Builder> noting = builder -> {
                if (!faults.acted().isEmpty()) {
                    builder.attribute("faults", String.join(",", faults.acted()));
                }
                sink.accept(builder);
            };
            return new Observation(codecs, protocol, maxBodyBytes, labels, noting);
        }

        /** What every interaction of a connection to this target goes with: the label's direction and attributes. */
        Consumer<Interaction.Builder> sinkFor(ConnectionLabels.Label label) {
            if (label.attributes().isEmpty()) {
                return sink;
            }
            return builder -> {
                // Added to what the codec noted, not in place of it.
                label.attributes().forEach(builder::attribute);
                sink.accept(builder);
            };
        }
    }

    /** Per-connection write buffer bounds: above the high mark the other side stops being read. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final Settings settings;
    private final Transport transport;
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup("chaos-proxy", GlobalEventExecutor.INSTANCE);
    private final ProxyStats stats;
    /** Shared with the listeners opened by {@link #listenerFor}: connection ids stay unique in the one recording. */
    private final AtomicLong connectionIds;

    private final Channel serverChannel;
    /** Listeners opened for upstream addresses the traffic named (see {@link #listenerFor}), closed with this one. */
    private final java.util.Map<InetSocketAddress, ProxyServer> siblings;
    /** Whether this is the interceptor's own listener, which closes the others with it. */
    private final boolean opensSiblings;
    /** In transparent mode on IPv4 loopback, the same port on IPv6 loopback, where IPv6 redirects land. */
    private final @Nullable Channel ipv6Loopback;

    private ProxyServer(Settings settings) throws IOException {
        this(settings, new AtomicLong(), new java.util.concurrent.ConcurrentHashMap<>(), new ProxyStats(), true);
    }

    /** A listener opened by {@link #listenerFor} shares the numbering, the listeners and the counters. */
    private ProxyServer(
            Settings settings,
            AtomicLong connectionIds,
            java.util.Map<InetSocketAddress, ProxyServer> siblings,
            ProxyStats stats,
            boolean opensSiblings)
            throws IOException {
        this.connectionIds = connectionIds;
        this.siblings = siblings;
        this.stats = stats;
        this.opensSiblings = opensSiblings;
        this.settings = settings;
        this.transport = Transport.best();
        if (settings.transparent() && transport != Transport.EPOLL) {
            throw new IOException("transparent mode needs the native epoll transport");
        }
        this.group = transport.newGroup(settings.ioThreads(), "chaos-proxy");
        var bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ch.pipeline().addLast("accept", new Acceptor());
                    }
                });
        try {
            this.serverChannel =
                    bootstrap.bind(settings.listen()).syncUninterruptibly().channel();
        } catch (Exception e) { // bind failures arrive as undeclared checked exceptions
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + Addresses.format(settings.listen()) + ": " + e.getMessage(), e);
        }
        this.ipv6Loopback = settings.transparent() ? bindIpv6Loopback(bootstrap) : null;
    }

    /**
     * An IPv6 connection redirected on this host lands on {@code ::1} at the proxy's port: in transparent mode on
     * {@code 127.0.0.1} the proxy listens there too (best effort: without IPv6, or with the port taken there, only
     * IPv4 is intercepted).
     */
    private @Nullable Channel bindIpv6Loopback(ServerBootstrap bootstrap) {
        var listen = settings.listen();
        if (!listen.getAddress().isLoopbackAddress() || !(listen.getAddress() instanceof java.net.Inet4Address)) {
            return null;
        }
        try {
            var v6 = new InetSocketAddress(
                    java.net.InetAddress.getByName("::1"), localAddress().getPort());
            return bootstrap.bind(v6).syncUninterruptibly().channel();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * An address of this proxy that forwards to {@code upstream}: a listener on this proxy's host, port chosen by the
     * system, with the same settings (recording, faults, labels), opened on first use. Thread-safe; may be called from
     * an I/O thread (the listener has its own thread).
     */
    public InetSocketAddress listenerFor(InetSocketAddress upstream) {
        var sibling = siblings.computeIfAbsent(upstream, u -> {
            var listen = new InetSocketAddress(settings.listen().getAddress(), 0);
            var s = new Settings(
                    listen,
                    u,
                    1,
                    settings.connectTimeout(),
                    settings.observation(),
                    false,
                    settings.faults(),
                    settings.labels(),
                    settings.codecs(),
                    settings.protocolFaults());
            try {
                return new ProxyServer(s, connectionIds, siblings, stats, false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return sibling.localAddress();
    }

    /** Whether IPv6 loopback connections can be redirected to this proxy. */
    public boolean listensOnIpv6Loopback() {
        return ipv6Loopback != null || localAddress().getAddress() instanceof java.net.Inet6Address;
    }

    public static ProxyServer start(Settings settings) throws IOException {
        return new ProxyServer(settings);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public InetSocketAddress target() {
        return settings.target();
    }

    public ProxyStats stats() {
        return stats;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Stops accepting and closes every proxied connection, keeping the threads: in transparent mode this must happen
     * while the redirect rules still exist, since the kernel translates the closing packets back to the address the
     * client connected to only while a NAT chain is hooked (without it, the client never learns its connection ended).
     */
    public void closeConnections() {
        if (opensSiblings) {
            for (var sibling : siblings.values()) {
                sibling.closeConnections();
            }
        }
        serverChannel.close().syncUninterruptibly();
        if (ipv6Loopback != null) {
            ipv6Loopback.close().syncUninterruptibly();
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Stops accepting, closes every proxied connection and releases the threads. */
    @Override
    public void close() {
        closeConnections();
        if (opensSiblings) {
            for (var sibling : siblings.values()) {
                sibling.close();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /**
     * Opens the connection to the target for each accepted client, then hands both to relays. Reading the client is
     * paused until then, but epoll still reads what arrives together with a FIN: that is kept here, in order, and
     * replayed into the relay.
     */
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        private final List<ByteBuf> early = new ArrayList<>();
        private boolean earlyEnd;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            early.add((ByteBuf) msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                earlyEnd = true;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            release();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            stats.connectionsOpened.increment();
            var client = ctx.channel();
            client.closeFuture().addListener(f -> stats.connectionsClosed.increment());
            long number = connectionIds.incrementAndGet();
            var id = "c" + number;
            var target = target(client);
            var engine = settings.faults();
            var direction = settings.labels().label(target).direction();
            var connectionFaults = engine == null ? null : engine.open(number, direction, target);
            if (connectionFaults != null && connectionFaults.refused()) {
                // The "down" fault: refused as a closed port would be, without contacting the target.
                release();
                recordRefusal(id, client, target, connectionFaults);
                client.config().setOption(ChannelOption.SO_LINGER, 0);
                client.close();
                return;
            }
            var observer = observer(id, (InetSocketAddress) client.remoteAddress(), target, connectionFaults);
            var connection = new ProxiedConnection(client, observer, stats, connectionFaults);
            if (connectionFaults != null && (settings.protocolFaults() || connectionFaults.anyProtocolFault())) {
                var info = new ConnectionInfo(
                        id,
                        Addresses.format((InetSocketAddress) client.remoteAddress()),
                        Addresses.format(target),
                        target.getPort(),
                        direction);
                connection.runInline(
                        new InlinePath(connection, info, settings.codecs(), connectionFaults, ProxyServer.this));
            }
            long startedAt = ConnectionObserver.nowMicros();
            var bootstrap = new Bootstrap();
            if (settings.transparent()) {
                bootstrap.option(Nftables.SO_MARK, Nftables.MARK);
            }
            bootstrap
                    .group(client.eventLoop())
                    .channel(transport.clientChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                            settings.connectTimeout().toMillis())
                    .handler(new Relay(connection, Side.SERVER))
                    .connect(target)
                    .addListener((ChannelFutureListener) f -> {
                        if (f.isSuccess() && !client.isActive() && early.isEmpty()) {
                            // The client left while we were connecting, having sent nothing: nobody to relay for.
                            f.channel().close();
                        } else if (f.isSuccess()) {
                            channels.add(f.channel());
                            connection.connected(f.channel());
                            ctx.pipeline().replace(this, "relay", new Relay(connection, Side.CLIENT));
                            replay(connection);
                            client.config().setAutoRead(true);
                            f.channel().config().setAutoRead(true);
                        } else {
                            release();
                            stats.connectFailures.increment();
                            recordConnectFailure(id, client, target, startedAt, f.cause());
                            client.close();
                        }
                    });
        }

        private void replay(ProxiedConnection connection) {
            for (var buf : early) {
                connection.forward(Side.CLIENT, buf);
            }
            early.clear();
            connection.peer(Side.CLIENT).flush();
            if (earlyEnd) {
                connection.inputEnded(Side.CLIENT);
            }
        }

        private void release() {
            early.forEach(ByteBuf::release);
            early.clear();
        }

        private InetSocketAddress target(Channel client) {
            if (!settings.transparent()) {
                return settings.target();
            }
            var original = OriginalDestination.of(client);
            return original == null ? settings.target() : original;
        }

        private @Nullable ConnectionObserver observer(
                String id,
                InetSocketAddress clientAddress,
                InetSocketAddress target,
                @Nullable ConnectionFaults connectionFaults) {
            var observation = settings.observation();
            if (observation == null) {
                return null;
            }
            if (connectionFaults != null) {
                observation = observation.withFaultsNoted(connectionFaults);
            }
            var label = observation.labels().label(target);
            var info = new ConnectionInfo(
                    id, Addresses.format(clientAddress), Addresses.format(target), target.getPort(), label.direction());
            return new ConnectionObserver(
                    info,
                    observation.codecs(),
                    observation.protocol(),
                    observation.maxBodyBytes(),
                    observation.sinkFor(label));
        }

        private void recordRefusal(String id, Channel client, InetSocketAddress target, ConnectionFaults faults) {
            var observation = settings.observation();
            if (observation == null) {
                return;
            }
            var label = observation.labels().label(target);
            var now = ConnectionObserver.nowMicros();
            observation
                    .withFaultsNoted(faults)
                    .sinkFor(label)
                    .accept(Interaction.builder()
                            .protocol(observation.protocol() == null ? Codecs.RAW_TCP : observation.protocol())
                            .direction(label.direction())
                            .connection(id)
                            .client(Addresses.format((InetSocketAddress) client.remoteAddress()))
                            .server(Addresses.format(target))
                            .startedAt(ConnectionObserver.toInstant(now))
                            .durationMicros(0)
                            .error("connection refused by a fault (down)"));
        }

        private void recordConnectFailure(
                String id, Channel client, InetSocketAddress target, long startedAt, Throwable cause) {
            var observation = settings.observation();
            if (observation == null) {
                return;
            }
            var reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            var label = observation.labels().label(target);
            observation
                    .sinkFor(label)
                    .accept(Interaction.builder()
                            .protocol(observation.protocol() == null ? Codecs.RAW_TCP : observation.protocol())
                            .direction(label.direction())
                            .connection(id)
                            .client(Addresses.format((InetSocketAddress) client.remoteAddress()))
                            .server(Addresses.format(target))
                            .startedAt(ConnectionObserver.toInstant(startedAt))
                            .durationMicros(ConnectionObserver.nowMicros() - startedAt)
                            .error("connect to " + Addresses.format(target) + " failed: " + reason));
        }
    }
}
