package dev.chaostesting.replay.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A small HTTP/1.1 client for the replay: sends requests already encoded (request line, headers, body) to one address
 * over a pool of keep-alive connections, one request at a time per connection, and reads each response with Netty's
 * HTTP/1.1 response decoder (status line and headers; content-length, chunked and close-delimited bodies; interim 1xx
 * responses skipped; no body for HEAD, 1xx, 204 and 304).
 *
 * <p>Each exchange is bounded by the timeout, from the call to the complete response (connecting included). Failures
 * are reported as the JDK's {@code HttpClient} reported them: {@link HttpTimeoutException} "request timed out",
 * {@link HttpConnectTimeoutException}, {@link ConnectException}, {@link ProtocolException} for a response that is not
 * HTTP/1.x, and an {@link IOException} when the connection ends before the response does. A GET or HEAD sent on a
 * reused connection that the service closed before answering a single byte (the usual race with its idle timeout) is
 * sent once more on a new connection, as the JDK client does.
 *
 * <p>All connection work runs on one event loop thread; {@link #exchange} may be called from any thread and its future
 * completes on that thread (never exceptionally).
 */
final class Http1Client implements AutoCloseable {

    /**
     * What one exchange gave.
     *
     * @param status the final response's status, or -1 without one
     * @param location the response's first {@code Location} header, or null
     * @param body at most the first {@code maxBodyBytes} bytes of the response body (empty without a body), or null
     *     without a response
     * @param error why there is no response, or null
     * @param latencyNanos from the call to the complete response or the failure
     */
    record Result(
            int status,
            @Nullable String location,
            byte @Nullable [] body,
            @Nullable Throwable error,
            long latencyNanos) {}

    private final InetSocketAddress address;
    private final long timeoutNanos;
    private final int maxBodyBytes;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    /** Idle keep-alive connections, most recently used first; only touched on {@link #loop}. */
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();

    Http1Client(InetSocketAddress address, Duration timeout, int maxBodyBytes) {
        this.address = address;
        this.timeoutNanos = timeout.toNanos();
        this.maxBodyBytes = maxBodyBytes;
        this.group = new MultiThreadIoEventLoopGroup(
                1,
                r -> {
                    var t = new Thread(r, "chaos-replay-io");
                    t.setDaemon(true);
                    return t;
                },
                NioIoHandler.newFactory());
        this.loop = group.next();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        var decoder = new Decoder();
                        ch.pipeline().addLast("http", decoder).addLast("exchange", new Connection(decoder));
                    }
                });
    }

    /**
     * Sends one request, encoded as it goes on the wire.
     *
     * @param method its method (a HEAD's response has no body; GET and HEAD may be sent again, see above)
     * @param request the bytes of the request
     */
    CompletableFuture<Result> exchange(String method, byte[] request) {
        var ex = new Exchange(method, request, System.nanoTime());
        try {
            loop.execute(() -> start(ex));
        } catch (RejectedExecutionException e) {
            ex.future.complete(new Result(-1, null, null, new IOException("the client is closed"), 0));
        }
        return ex.future;
    }

    /** On the loop. */
    private void start(Exchange ex) {
        ex.timer = loop.schedule(() -> timedOut(ex), timeoutNanos, TimeUnit.NANOSECONDS);
        Channel ch;
        while ((ch = idle.pollFirst()) != null) {
            if (ch.isActive()) {
                send(ch, ex, true);
                return;
            }
            ch.close();
        }
        connect(ex);
    }

    /** On the loop. */
    private void connect(Exchange ex) {
        var f = bootstrap.connect(address);
        f.addListener((ChannelFutureListener) done -> {
            if (ex.finished) {
                done.channel().close();
            } else if (done.isSuccess()) {
                send(done.channel(), ex, false);
            } else {
                var cause = done.cause();
                finish(
                        ex,
                        null,
                        cause instanceof ConnectTimeoutException
                                ? new HttpConnectTimeoutException("HTTP connect timed out")
                                : new ConnectException());
            }
        });
    }

    /** On the loop. */
    private void send(Channel ch, Exchange ex, boolean reused) {
        var connection = (Connection) ch.pipeline().get("exchange");
        connection.begin(ex, reused);
        ch.writeAndFlush(Unpooled.wrappedBuffer(ex.request)).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess()) {
                written.channel().close(); // reported when the connection is seen closed
            }
        });
    }

    /** On the loop. */
    private void timedOut(Exchange ex) {
        if (ex.finished) {
            return;
        }
        var ch = ex.channel;
        finish(ex, null, new HttpTimeoutException("request timed out"));
        if (ch != null) {
            ch.close();
        }
    }

    /** On the loop: completes the exchange once, with a response or an error. */
    private void finish(Exchange ex, @Nullable Result response, @Nullable Throwable error) {
        if (ex.finished) {
            return;
        }
        ex.finished = true;
        ex.channel = null;
        if (ex.timer != null) {
            ex.timer.cancel(false);
        }
        long latency = System.nanoTime() - ex.started;
        ex.future.complete(
                response != null
                        ? new Result(response.status(), response.location(), response.body(), null, latency)
                        : new Result(-1, null, null, error, latency));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** One request and its future. Fields other than the future are only touched on the loop. */
    private static final class Exchange {
        final String method;
        final byte[] request;
        final long started;
        final CompletableFuture<Result> future = new CompletableFuture<>();

        @Nullable
        ScheduledFuture<?> timer;

        @Nullable
        Channel channel;

        boolean finished;
        boolean retried;

        Exchange(String method, byte[] request, long started) {
            this.method = method;
            this.request = request;
            this.started = started;
        }

        boolean head() {
            return method.equals("HEAD");
        }

        boolean mayRetry() {
            return !retried && (method.equals("GET") || method.equals("HEAD"));
        }
    }

    /** Netty's response decoder, told when the request in flight is a HEAD (its response has no body). */
    private static final class Decoder extends HttpResponseDecoder {
        boolean head;
        boolean received;

        Decoder() {
            super(new HttpDecoderConfig()
                    .setMaxInitialLineLength(16 * 1024)
                    .setMaxHeaderSize(256 * 1024)
                    .setMaxChunkSize(64 * 1024));
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (buffer.isReadable()) {
                received = true;
            }
            super.decode(ctx, buffer, out);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (head && msg instanceof HttpResponse r && r.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }

    /** The state of one connection: the exchange in flight and the response read so far. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final Decoder decoder;
        private @Nullable Exchange current;
        private boolean reused;
        private @Nullable HttpResponse response;
        private byte[] body = new byte[0];
        private int bodyLength;
        private long received;

        Connection(Decoder decoder) {
            this.decoder = decoder;
        }

        void begin(Exchange ex, boolean reused) {
            this.current = ex;
            this.reused = reused;
            this.response = null;
            this.bodyLength = 0;
            this.received = 0;
            decoder.head = ex.head();
            decoder.received = false;
            ex.channel = channel;
        }

        private @Nullable Channel channel;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                read(ctx, msg);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void read(ChannelHandlerContext ctx, Object msg) {
            var ex = current;
            if (ex == null || ex.finished) {
                // Nothing asked for this (an answer after a timeout, or bytes on an idle connection): not reusable.
                current = null;
                ctx.close();
                return;
            }
            if (msg instanceof HttpResponse r) {
                if (r.decoderResult().isFailure()) {
                    fail(
                            ctx,
                            ex,
                            new ProtocolException("Invalid response: "
                                    + r.decoderResult().cause().getMessage()));
                    return;
                }
                var version = r.protocolVersion();
                if (!version.protocolName().equals("HTTP") || version.majorVersion() != 1) {
                    fail(
                            ctx,
                            ex,
                            new ProtocolException(
                                    "Invalid status line: \"" + version.text() + " " + r.status() + "\""));
                    return;
                }
                response = r;
            }
            if (msg instanceof HttpContent c) {
                if (c.decoderResult().isFailure()) {
                    fail(
                            ctx,
                            ex,
                            new ProtocolException("Invalid response: "
                                    + c.decoderResult().cause().getMessage()));
                    return;
                }
                var r = response;
                if (r == null) {
                    return;
                }
                var content = c.content();
                int n = content.readableBytes();
                received += n;
                int keep = Math.min(n, maxBodyBytes - bodyLength);
                if (keep > 0) {
                    if (bodyLength + keep > body.length) {
                        body = Arrays.copyOf(
                                body, Math.max(bodyLength + keep, Math.min(maxBodyBytes, body.length * 2)));
                    }
                    content.getBytes(content.readerIndex(), body, bodyLength, keep);
                    bodyLength += keep;
                }
                if (c instanceof LastHttpContent) {
                    int code = r.status().code();
                    if (code >= 100 && code < 200 && code != 101) {
                        response = null; // an interim response: the final one follows
                        bodyLength = 0;
                        received = 0;
                        return;
                    }
                    complete(ctx, ex, r);
                }
            }
        }

        private void complete(ChannelHandlerContext ctx, Exchange ex, HttpResponse r) {
            current = null;
            response = null;
            boolean reusable = ctx.channel().isActive()
                    && HttpUtil.isKeepAlive(r)
                    && r.status().code() != 101;
            var result = new Result(
                    r.status().code(),
                    r.headers().get(HttpHeaderNames.LOCATION),
                    Arrays.copyOf(body, bodyLength),
                    null,
                    0);
            if (body.length > 4096) {
                body = new byte[0]; // large buffers are not kept between exchanges
            }
            if (reusable) {
                idle.addFirst(ctx.channel());
            } else {
                ctx.close();
            }
            finish(ex, result, null);
        }

        private void fail(ChannelHandlerContext ctx, Exchange ex, Throwable error) {
            current = null;
            response = null;
            ctx.close();
            finish(ex, null, error);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(ctx.channel());
            var ex = current;
            current = null;
            if (ex == null || ex.finished) {
                return;
            }
            var r = response;
            response = null;
            if (r == null && !decoder.received && reused && ex.mayRetry()) {
                ex.retried = true;
                ex.channel = null;
                connect(ex);
                return;
            }
            Throwable error;
            if (r == null) {
                error = decoder.received
                        ? new EOFException("EOF reached while reading")
                        : new IOException("HTTP/1.1 header parser received no bytes");
            } else if (HttpUtil.isContentLengthSet(r)) {
                error = new IOException(
                        "fixed content-length: " + HttpUtil.getContentLength(r, -1L) + ", bytes received: " + received);
            } else {
                error = new EOFException("EOF reached while reading");
            }
            finish(ex, null, error);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset or a read error: reported as the connection's end, as the JDK client does
        }
    }
}
