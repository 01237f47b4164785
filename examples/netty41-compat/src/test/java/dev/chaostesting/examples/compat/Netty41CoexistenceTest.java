package dev.chaostesting.examples.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.Version;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user's project with Netty 4.1 on its classpath (here serving HTTP with Netty 4.1 itself) adds the all-in-one
 * chaos-testing artifact: both must work side by side.
 */
class Netty41CoexistenceTest {

    private NioEventLoopGroup group;
    private Channel server;

    @BeforeEach
    void startNetty41Server() throws InterruptedException {
        group = new NioEventLoopGroup(1);
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Hello());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void the_users_netty_is_4_1_and_ours_is_relocated() throws Exception {
        assertThat(Version.identify().get("netty-common").artifactVersion()).startsWith("4.1.");
        assertThat(Class.forName("dev.chaostesting.shaded.io.netty.channel.MultiThreadIoEventLoopGroup"))
                .isNotNull();
        assertThat(Interceptor.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .contains("chaos-testing");
    }

    @Test
    void the_interceptor_records_http_served_by_netty_4_1() throws Exception {
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (var running = Interceptor.onPort(port).record().start()) {
            var client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                var response = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/hello/" + i))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("hello /hello/" + i);
            }
            assertThat(running.recording().awaitCount(3, Duration.ofSeconds(10)))
                    .isTrue();
            assertThat(running.recording().interactions())
                    .extracting(i -> i.protocol() + " " + i.httpRequest().target() + " "
                            + i.httpResponse().status())
                    .containsExactly("http /hello/0 200", "http /hello/1 200", "http /hello/2 200");
        }
    }

    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            var body = Unpooled.copiedBuffer("hello " + request.uri(), StandardCharsets.UTF_8);
            var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
