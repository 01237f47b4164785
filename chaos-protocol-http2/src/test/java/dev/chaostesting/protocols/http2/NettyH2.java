package dev.chaostesting.protocols.http2;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A real HTTP/2 server and client from Netty's codec, speaking h2c with prior knowledge on loopback. The server answers
 * {@code /gzip} with a gzip-encoded body, anything else with {@code <method> <path> <request body length>} and a trailer.
 */
final class NettyH2 implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    /** {@code <method> <path>} of every request stream the server saw, in order. */
    final List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    NettyH2() throws InterruptedException {
        this(false);
    }

    /** @param upgrade whether connections start as HTTP/1.1 and switch with {@code Upgrade: h2c} */
    NettyH2(boolean upgrade) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!upgrade) {
                            ch.pipeline()
                                    .addLast(Http2FrameCodecBuilder.forServer().build(), new Answer(seen));
                            return;
                        }
                        var http1 = new io.netty.handler.codec.http.HttpServerCodec();
                        ch.pipeline()
                                .addLast(
                                        http1,
                                        new io.netty.handler.codec.http.HttpServerUpgradeHandler(
                                                http1,
                                                protocol -> new io.netty.handler.codec.http2.Http2ServerUpgradeCodec(
                                                        Http2FrameCodecBuilder.forServer()
                                                                .build(),
                                                        new Answer(seen))));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Opens one connection and sends these requests on concurrent streams; returns status and body of each. */
    String[] call(int port, String[][] requests) throws Exception {
        var connection = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forClient().build(),
                                        new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                                            @Override
                                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {}
                                        }));
                    }
                })
                .connect(InetAddress.getLoopbackAddress(), port)
                .sync()
                .channel();
        try {
            var results = new java.util.ArrayList<CompletableFuture<String>>();
            for (int i = 0; i < requests.length; i++) {
                var result = new CompletableFuture<String>();
                results.add(result);
                var method = requests[i][0];
                var path = requests[i][1];
                var body = requests[i][2];
                Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                        .handler(new Collect(result))
                        .open()
                        .sync()
                        .getNow();
                var headers = new DefaultHttp2Headers()
                        .method(method)
                        .path(path)
                        .scheme("http")
                        .authority("localhost")
                        .add("accept-encoding", "gzip")
                        .add("authorization", "Bearer abc");
                if (body.isEmpty()) {
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
                } else {
                    headers.add("content-type", "text/plain");
                    stream.write(new DefaultHttp2HeadersFrame(headers, false));
                    stream.writeAndFlush(
                            new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), true));
                }
            }
            var out = new String[requests.length];
            for (int i = 0; i < requests.length; i++) {
                out[i] = results.get(i).get(30, TimeUnit.SECONDS);
            }
            return out;
        } finally {
            connection.close().sync();
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Collect extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final CompletableFuture<String> result;
        private final StringBuilder text = new StringBuilder();
        private String status = "";

        Collect(CompletableFuture<String> result) {
            this.result = result;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof io.netty.handler.codec.http2.Http2ResetFrame r) {
                result.complete("RST " + r.errorCode());
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof io.netty.handler.codec.http2.Http2ResetFrame r) {
                result.complete("RST " + r.errorCode());
            } else if (frame instanceof Http2HeadersFrame h) {
                if (h.headers().status() != null) {
                    status = h.headers().status().toString();
                }
                if (h.isEndStream()) {
                    result.complete(status + " " + text);
                }
            } else if (frame instanceof Http2DataFrame d) {
                text.append(d.content().toString(StandardCharsets.ISO_8859_1).length());
                text.append(':');
                if (d.isEndStream()) {
                    result.complete(status + " " + text);
                }
            }
        }
    }

    private static final class Answer extends io.netty.channel.ChannelDuplexHandler {
        private final Map<Http2FrameStream, String[]> requests = new HashMap<>();
        private final List<String> seen;

        Answer(List<String> seen) {
            this.seen = seen;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                seen.add(h.headers().method() + " " + h.headers().path());
                requests.put(h.stream(), new String[] {
                    h.headers().method().toString(), h.headers().path().toString(), "0"
                });
                if (h.isEndStream()) {
                    answer(ctx, h.stream());
                }
            } else if (msg instanceof Http2DataFrame d) {
                var r = requests.get(d.stream());
                r[2] = Integer.toString(Integer.parseInt(r[2]) + d.content().readableBytes());
                ctx.write(new io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes())
                        .stream(d.stream()));
                d.release();
                if (d.isEndStream()) {
                    answer(ctx, d.stream());
                }
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx, Http2FrameStream stream) {
            var r = requests.remove(stream);
            if (r[1].equals("/gzip")) {
                var headers = new DefaultHttp2Headers().status("200").add("content-encoding", "gzip");
                ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(gzip("compressed hello ".repeat(50)), true).stream(stream));
                return;
            }
            var body = r[0] + " " + r[1] + " " + r[2];
            ctx.write(new DefaultHttp2HeadersFrame(
                            new DefaultHttp2Headers().status("200").add("content-type", "text/plain"))
                    .stream(stream));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), false)
                    .stream(stream));
            ctx.writeAndFlush(
                    new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("x-length", r[2]), true).stream(stream));
        }

        private static ByteBuf gzip(String text) {
            try {
                var out = new ByteArrayOutputStream();
                try (var gz = new GZIPOutputStream(out)) {
                    gz.write(text.getBytes(StandardCharsets.UTF_8));
                }
                return Unpooled.wrappedBuffer(out.toByteArray());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
