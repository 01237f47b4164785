package dev.chaostesting.protocols.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.chaostesting.protocols.http2.internal.InlineFault;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A gRPC server reflection client ({@code grpc.reflection.v1.ServerReflection/ServerReflectionInfo}, else {@code
 * grpc.reflection.v1alpha}) over h2c with prior knowledge, on Netty's HTTP/2 codec. One connection, one bidirectional
 * stream, one request at a time: {@code list_services}, then {@code file_containing_symbol} for each service, then
 * {@code file_by_filename} for the imports still missing. Bounded by a total deadline, a number of files and a number
 * of bytes. Messages are encoded and decoded per {@code grpc/reflection/v1/reflection.proto} (the same field numbers
 * in v1alpha).
 *
 * <p>Every failure is an {@link IllegalArgumentException} whose message is one line starting with {@code server
 * reflection at HOST:PORT: }.
 */
public final class ReflectionClient {

    /** Most descriptor files fetched. */
    public static final int MAX_FILES = 2_000;

    /** Most services listed. */
    public static final int MAX_SERVICES = 1_000;

    /** Most bytes of one reflection response message. */
    public static final int MAX_MESSAGE_BYTES = 4 << 20;

    /** Most payload bytes read on the stream in all. */
    public static final long MAX_TOTAL_BYTES = 64L << 20;

    private static final int MAX_HEADER_LIST = 64 << 10;

    static final String V1 = "grpc.reflection.v1.ServerReflection";
    static final String V1ALPHA = "grpc.reflection.v1alpha.ServerReflection";

    // ServerReflectionRequest
    private static final int REQ_FILE_BY_FILENAME = 3;
    private static final int REQ_FILE_CONTAINING_SYMBOL = 4;
    private static final int REQ_LIST_SERVICES = 7;
    // ServerReflectionResponse
    private static final int RES_FILE_DESCRIPTOR_RESPONSE = 4;
    private static final int RES_LIST_SERVICES_RESPONSE = 6;
    private static final int RES_ERROR_RESPONSE = 7;
    // FileDescriptorResponse.file_descriptor_proto, ListServiceResponse.service, ServiceResponse.name
    private static final int REPEATED_FIRST = 1;
    // ErrorResponse
    private static final int ERROR_CODE = 1;
    private static final int ERROR_MESSAGE = 2;

    private static final int UNIMPLEMENTED = 12;

    /** What the server described: the files, by name, in the order received, and the services it listed. */
    public record Result(String service, List<String> services, List<FileDescriptorProto> files) {
        public Result {
            services = List.copyOf(services);
            files = List.copyOf(files);
        }
    }

    private final String host;
    private final int port;
    private final Duration timeout;
    private final String label;
    private final long deadline;

    private ReflectionClient(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.label = "server reflection at " + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + ": ";
        this.deadline = System.nanoTime() + timeout.toNanos();
    }

    /**
     * Fetches every file descriptor the server's reflection service describes.
     *
     * @throws IllegalArgumentException with one line when the server cannot be reached, does not answer in time, is
     *     not HTTP/2, has no reflection service, or answers something that is not reflection
     */
    public static Result fetch(String host, int port, Duration timeout) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server reflection: port " + port + " (expected 1 to 65535)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("server reflection: timeout " + timeout + " (expected more than 0)");
        }
        var client = new ReflectionClient(host, port, timeout);
        var group = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("chaos-grpc-reflection", true), NioIoHandler.newFactory());
        try {
            return client.run(group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw client.fail("interrupted");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private IllegalArgumentException fail(String reason) {
        return new IllegalArgumentException(label + reason);
    }

    private long remainingNanos() {
        return deadline - System.nanoTime();
    }

    private IllegalArgumentException timedOut(String waitingFor) {
        return fail("no answer within " + human(timeout) + " (waiting for " + waitingFor + ")");
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    // ---- events from the event loop -------------------------------------------------------------------------

    private record Settings() {}

    private record Closed(@Nullable Object stream) {}

    private record GoAway(long errorCode, String debug) {}

    private record Failure(@Nullable Object stream, Throwable cause) {}

    private record Headers(Object stream, Http2Headers headers, boolean endStream) {}

    private record Data(Object stream, byte[] bytes, boolean endStream) {}

    private record Reset(Object stream, long errorCode) {}

    private static final class ConnectionEvents extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<Object> events;

        ConnectionEvents(BlockingQueue<Object> events) {
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2SettingsFrame) {
                    events.add(new Settings());
                } else if (msg instanceof Http2GoAwayFrame g) {
                    events.add(new GoAway(g.errorCode(), g.content().toString(StandardCharsets.UTF_8)));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(new Failure(null, cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add(new Closed(null));
        }
    }

    private static final class StreamEvents extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<Object> events;

        /** Bytes queued so far: past the limit the connection is closed, so the queue stays bounded. */
        private long queued;

        StreamEvents(BlockingQueue<Object> events) {
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    events.add(new Headers(ctx.channel(), h.headers(), h.isEndStream()));
                } else if (msg instanceof Http2DataFrame d) {
                    queued += d.content().readableBytes();
                    if (queued > MAX_TOTAL_BYTES) {
                        events.add(new Failure(
                                ctx.channel(), new IOException("more than " + MAX_TOTAL_BYTES + " bytes of answers")));
                        ctx.channel().parent().close();
                        return;
                    }
                    var bytes = new byte[d.content().readableBytes()];
                    d.content().readBytes(bytes);
                    events.add(new Data(ctx.channel(), bytes, d.isEndStream()));
                } else if (msg instanceof Http2ResetFrame r) {
                    events.add(new Reset(ctx.channel(), r.errorCode()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(new Failure(ctx.channel(), cause));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add(new Closed(ctx.channel()));
        }
    }

    // ---- the exchange -----------------------------------------------------------------------------------------

    private Result run(MultiThreadIoEventLoopGroup group) throws InterruptedException {
        var address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw fail("unknown host");
        }
        var events = new LinkedBlockingQueue<Object>();
        long connectMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos()));
        var bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forClient()
                                                .initialSettings(Http2Settings.defaultSettings()
                                                        .pushEnabled(false)
                                                        .maxHeaderListSize(MAX_HEADER_LIST))
                                                .build(),
                                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                        new ConnectionEvents(events));
                    }
                });
        var connect = bootstrap.connect(address);
        if (!connect.await(Math.max(1, remainingNanos()), TimeUnit.NANOSECONDS)) {
            connect.cancel(false);
            throw timedOut("the TCP connection");
        }
        if (!connect.isSuccess()) {
            var cause = connect.cause();
            if (cause instanceof ConnectTimeoutException) {
                throw timedOut("the TCP connection");
            }
            if (cause instanceof ConnectException) {
                throw fail("connection refused");
            }
            throw fail("cannot connect (" + oneLine(cause) + ")");
        }
        var channel = connect.channel();
        try {
            awaitSettings(events);
            var exchange = new Exchange(channel, events, V1);
            var services = exchange.listServices();
            if (services == null) {
                exchange.close();
                exchange = new Exchange(channel, events, V1ALPHA);
                services = exchange.listServices();
                if (services == null) {
                    throw fail("reflection is not enabled on the server (" + V1 + " and " + V1ALPHA
                            + ": grpc-status 12 UNIMPLEMENTED)");
                }
            }
            var files = exchange.describe(services);
            exchange.close();
            return new Result(exchange.service, services, files);
        } finally {
            channel.close();
        }
    }

    private void awaitSettings(BlockingQueue<Object> events) throws InterruptedException {
        while (true) {
            var event = poll(events, "the server's HTTP/2 SETTINGS frame");
            if (event instanceof Settings) {
                return;
            }
            if (event instanceof Failure f) {
                throw fail("not HTTP/2: the server's first bytes are not an HTTP/2 SETTINGS frame (" + oneLine(f.cause)
                        + ")");
            }
            if (event instanceof Closed || event instanceof GoAway) {
                throw fail("not HTTP/2: the server closed the connection before its HTTP/2 SETTINGS frame (expected a"
                        + " gRPC server on plain TCP, h2c)");
            }
        }
    }

    private Object poll(BlockingQueue<Object> events, String waitingFor) throws InterruptedException {
        long left = remainingNanos();
        var event = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
        if (event == null) {
            throw timedOut(waitingFor);
        }
        return event;
    }

    private static String oneLine(Throwable t) {
        var message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** One ServerReflectionInfo stream. */
    private final class Exchange {
        final String service;
        private final Http2StreamChannel stream;
        private final BlockingQueue<Object> events;
        private byte[] pendingBytes = new byte[1024];
        private int pendingLength;
        private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
        private boolean headersSeen;
        private boolean ended;
        private long totalBytes;

        Exchange(Channel channel, BlockingQueue<Object> events, String service) throws InterruptedException {
            this.service = service;
            this.events = events;
            var open = new Http2StreamChannelBootstrap(channel)
                    .handler(new StreamEvents(events))
                    .open();
            if (!open.await(Math.max(1, remainingNanos()), TimeUnit.NANOSECONDS)) {
                throw timedOut("an HTTP/2 stream");
            }
            if (!open.isSuccess()) {
                throw fail("cannot open an HTTP/2 stream (" + oneLine(open.cause()) + ")");
            }
            this.stream = open.getNow();
            var headers = new DefaultHttp2Headers()
                    .method("POST")
                    .scheme("http")
                    .path("/" + service + "/ServerReflectionInfo")
                    .authority((host.contains(":") ? "[" + host + "]" : host) + ":" + port);
            headers.add("content-type", "application/grpc");
            headers.add("te", "trailers");
            headers.add("user-agent", "chaos-testing-grpc-reflection");
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        }

        void close() {
            if (!ended) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            }
            stream.close();
        }

        /** The services listed, or null when this version of the service is UNIMPLEMENTED. */
        @Nullable
        List<String> listServices() throws InterruptedException {
            var response = call(request(REQ_LIST_SERVICES, ""), "list_services", true);
            if (response == null) {
                return null;
            }
            if (response.error != null) {
                throw fail("list_services: " + response.error);
            }
            if (response.services == null) {
                throw fail("list_services: the answer holds no list_services_response");
            }
            return response.services;
        }

        List<FileDescriptorProto> describe(List<String> services) throws InterruptedException {
            var files = new LinkedHashMap<String, FileDescriptorProto>();
            var wanted = new ArrayDeque<String>();
            var asked = new LinkedHashSet<String>();
            for (var name : services) {
                if (definesService(files, name)) {
                    continue;
                }
                var response = call(request(REQ_FILE_CONTAINING_SYMBOL, name), "file_containing_symbol " + name, false);
                if (response.error != null) {
                    // A service the server lists but cannot describe (NOT_FOUND): its calls stay without names.
                    continue;
                }
                add(files, response, "file_containing_symbol " + name, wanted);
            }
            while (!wanted.isEmpty()) {
                var file = wanted.poll();
                if (files.containsKey(file) || !asked.add(file)) {
                    continue;
                }
                var response = call(request(REQ_FILE_BY_FILENAME, file), "file_by_filename " + file, false);
                if (response.error == null) {
                    add(files, response, "file_by_filename " + file, wanted);
                }
                // Not found: the schemas report the missing import (well-known types are built in).
            }
            return new ArrayList<>(files.values());
        }

        private void add(
                Map<String, FileDescriptorProto> files, Answer response, String what, ArrayDeque<String> wanted) {
            if (response.files == null) {
                throw fail(what + ": the answer holds no file_descriptor_response");
            }
            for (var bytes : response.files) {
                FileDescriptorProto file;
                try {
                    file = FileDescriptorProto.parseFrom(bytes);
                } catch (InvalidProtocolBufferException e) {
                    throw fail(what + ": not a FileDescriptorProto (" + oneLine(e) + ")");
                }
                if (!files.containsKey(file.getName())) {
                    if (files.size() >= MAX_FILES) {
                        throw fail("more than " + MAX_FILES + " descriptor files");
                    }
                    files.put(file.getName(), file);
                }
                for (var dependency : file.getDependencyList()) {
                    if (!files.containsKey(dependency)) {
                        wanted.add(dependency);
                    }
                }
            }
        }

        private static boolean definesService(Map<String, FileDescriptorProto> files, String fullName) {
            for (var file : files.values()) {
                var prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
                for (var s : file.getServiceList()) {
                    if ((prefix + s.getName()).equals(fullName)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * Sends one request and reads its answer; null when the stream ended UNIMPLEMENTED and {@code orUnimplemented}.
         */
        private @Nullable Answer call(byte[] request, String what, boolean orUnimplemented)
                throws InterruptedException {
            if (ended) {
                throw fail(what + ": the server ended the reflection stream");
            }
            var framed = new byte[5 + request.length];
            framed[1] = (byte) (request.length >>> 24);
            framed[2] = (byte) (request.length >>> 16);
            framed[3] = (byte) (request.length >>> 8);
            framed[4] = (byte) request.length;
            System.arraycopy(request, 0, framed, 5, request.length);
            stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(framed), false));
            while (messages.isEmpty()) {
                var status = next(what);
                if (status != null) {
                    if (status.code == UNIMPLEMENTED && orUnimplemented) {
                        return null;
                    }
                    throw fail(what + ": " + status);
                }
            }
            try {
                return Answer.parse(messages.poll(), what);
            } catch (IllegalArgumentException e) {
                throw fail(what + ": " + e.getMessage());
            }
        }

        /** Waits for the next event of this stream; a status when the stream ended without a message pending. */
        private @Nullable Status next(String what) throws InterruptedException {
            var event = poll(events, "the answer to " + what);
            if (event instanceof Headers h && h.stream == stream) {
                if (!headersSeen) {
                    headersSeen = true;
                    var status = h.headers.status();
                    if (status == null || !status.toString().equals("200")) {
                        throw fail(service + ": HTTP status " + status + " (expected 200 from a gRPC server)");
                    }
                    var type = h.headers.get("content-type");
                    if (type == null || !type.toString().startsWith("application/grpc")) {
                        throw fail(service + ": content-type " + type + " (expected application/grpc)");
                    }
                }
                if (h.endStream) {
                    ended = true;
                    return Status.of(h.headers);
                }
                if (h.headers.get("grpc-status") != null) {
                    throw fail(service + ": trailers without END_STREAM");
                }
            } else if (event instanceof Data d && d.stream == stream) {
                totalBytes += d.bytes.length;
                if (totalBytes > MAX_TOTAL_BYTES) {
                    throw fail("more than " + MAX_TOTAL_BYTES + " bytes of answers");
                }
                append(d.bytes);
                if (d.endStream) {
                    ended = true;
                    if (messages.isEmpty()) {
                        throw fail(what + ": the stream ended without trailers");
                    }
                }
            } else if (event instanceof Reset r && r.stream == stream) {
                ended = true;
                throw fail(what + ": the server reset the stream ("
                        + (Http2Error.valueOf(r.errorCode) == null ? r.errorCode : Http2Error.valueOf(r.errorCode))
                        + ")");
            } else if (event instanceof Failure f && (f.stream == null || f.stream == stream)) {
                throw fail(what + ": " + oneLine(f.cause));
            } else if (event instanceof Closed c && (c.stream == null || c.stream == stream)) {
                if (!ended) {
                    throw fail(what + ": the server closed the " + (c.stream == null ? "connection" : "stream"));
                }
            } else if (event instanceof GoAway g) {
                throw fail(what + ": the server sent GOAWAY ("
                        + (Http2Error.valueOf(g.errorCode) == null ? g.errorCode : Http2Error.valueOf(g.errorCode))
                        + (g.debug.isEmpty() ? "" : ": " + g.debug) + ")");
            }
            return null;
        }

        /** Appends bytes and moves every complete message to {@link #messages}; holds at most one message. */
        private void append(byte[] bytes) {
            if (pendingLength + bytes.length > pendingBytes.length) {
                var grown = new byte[Math.max(pendingLength + bytes.length, pendingBytes.length * 2)];
                System.arraycopy(pendingBytes, 0, grown, 0, pendingLength);
                pendingBytes = grown;
            }
            System.arraycopy(bytes, 0, pendingBytes, pendingLength, bytes.length);
            pendingLength += bytes.length;
            int at = 0;
            while (pendingLength - at >= 5) {
                if (pendingBytes[at] != 0) {
                    throw fail(service + ": a compressed answer (none was asked for)");
                }
                long length = ((pendingBytes[at + 1] & 0xffL) << 24)
                        | ((pendingBytes[at + 2] & 0xff) << 16)
                        | ((pendingBytes[at + 3] & 0xff) << 8)
                        | (pendingBytes[at + 4] & 0xff);
                if (length > MAX_MESSAGE_BYTES) {
                    throw fail("an answer of " + length + " bytes (at most " + MAX_MESSAGE_BYTES + ")");
                }
                if (pendingLength - at - 5 < length) {
                    break;
                }
                var message = new byte[(int) length];
                System.arraycopy(pendingBytes, at + 5, message, 0, message.length);
                messages.add(message);
                at += 5 + (int) length;
            }
            if (at > 0) {
                System.arraycopy(pendingBytes, at, pendingBytes, 0, pendingLength - at);
                pendingLength -= at;
            }
        }
    }

    private record Status(int code, String message) {
        static Status of(Http2Headers trailers) {
            var code = trailers.get("grpc-status");
            var message = trailers.get("grpc-message");
            int value;
            try {
                value = code == null ? -1 : Integer.parseInt(code.toString().trim());
            } catch (NumberFormatException e) {
                value = -1;
            }
            String text = "";
            if (message != null) {
                try {
                    text = URLDecoder.decode(message.toString().replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    text = message.toString();
                }
            }
            return new Status(value, text);
        }

        @Override
        public String toString() {
            var name = code < 0 ? "no grpc-status" : "grpc-status " + code + codeName(code);
            return name + (message.isEmpty() ? "" : ": " + oneLineOf(message));
        }

        private static String oneLineOf(String s) {
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }

        private static String codeName(int code) {
            var names = InlineFault.GRPC_CODES;
            return code >= 0 && code < names.size() ? " " + names.get(code) : "";
        }
    }

    /** A decoded {@code ServerReflectionResponse}: one of its answers. */
    private static final class Answer {
        @Nullable
        List<String> services;

        @Nullable
        List<byte[]> files;

        @Nullable
        String error;

        static Answer parse(byte[] message, String what) {
            var answer = new Answer();
            try {
                var in = CodedInputStream.newInstance(message);
                while (true) {
                    int tag = in.readTag();
                    if (tag == 0) {
                        break;
                    }
                    int field = WireFormat.getTagFieldNumber(tag);
                    boolean len = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                    if (field == RES_LIST_SERVICES_RESPONSE && len) {
                        answer.services = listServices(in.readByteArray());
                    } else if (field == RES_FILE_DESCRIPTOR_RESPONSE && len) {
                        answer.files = repeatedBytes(in.readByteArray());
                    } else if (field == RES_ERROR_RESPONSE && len) {
                        answer.error = error(in.readByteArray());
                    } else if (!in.skipField(tag)) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("not a ServerReflectionResponse (" + oneLine(e) + ")", e);
            }
            if (answer.services == null && answer.files == null && answer.error == null) {
                answer.error = "the answer to " + what + " is empty";
            }
            return answer;
        }

        private static List<String> listServices(byte[] bytes) throws IOException {
            var names = new ArrayList<String>();
            for (var service : repeatedBytes(bytes)) {
                // ServiceResponse: its name is field 1 (the last one wins, as protobuf reads a singular field).
                var fields = repeatedBytes(service);
                var name = fields.isEmpty() ? "" : utf8(fields.get(fields.size() - 1));
                if (!name.isEmpty()) {
                    if (names.size() >= MAX_SERVICES) {
                        throw new IOException("more than " + MAX_SERVICES + " services");
                    }
                    names.add(name);
                }
            }
            return names;
        }

        private static String utf8(byte[] bytes) throws IOException {
            var text = ByteString.copyFrom(bytes);
            if (!text.isValidUtf8()) {
                throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
            }
            return text.toStringUtf8();
        }

        /** The values of field 1 (length-delimited, repeated or not) of a message, in order. */
        private static List<byte[]> repeatedBytes(byte[] bytes) throws IOException {
            var values = new ArrayList<byte[]>();
            var in = CodedInputStream.newInstance(bytes);
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                if (WireFormat.getTagFieldNumber(tag) == REPEATED_FIRST
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    values.add(in.readByteArray());
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            return values;
        }

        private static String error(byte[] bytes) throws IOException {
            var in = CodedInputStream.newInstance(bytes);
            int code = 0;
            String message = "";
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int field = WireFormat.getTagFieldNumber(tag);
                if (field == ERROR_CODE && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                    code = in.readInt32();
                } else if (field == ERROR_MESSAGE
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    message = in.readString();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            return new Status(code, message).toString();
        }
    }

    /** A {@code ServerReflectionRequest} with one of its string requests set. */
    static byte[] request(int field, String value) {
        try {
            var size = CodedOutputStream.computeStringSize(field, value);
            var bytes = new byte[size];
            var out = CodedOutputStream.newInstance(bytes);
            out.writeString(field, value);
            out.checkNoSpaceLeft();
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For tests: the encoded request messages. */
    public static byte[] listServicesRequest() {
        return request(REQ_LIST_SERVICES, "");
    }

    /** For tests: the encoded {@code file_containing_symbol} request. */
    public static byte[] fileContainingSymbolRequest(String symbol) {
        return request(REQ_FILE_CONTAINING_SYMBOL, symbol);
    }

    /** For tests: the encoded {@code file_by_filename} request. */
    public static byte[] fileByFilenameRequest(String file) {
        return request(REQ_FILE_BY_FILENAME, file);
    }
}
