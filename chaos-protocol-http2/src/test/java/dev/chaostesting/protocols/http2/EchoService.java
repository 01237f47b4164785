package dev.chaostesting.protocols.http2;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real grpc-java service on loopback, built without code generation: the schema is a FileDescriptorProto made here
 * (package {@code test}, service {@code Echo}), messages are DynamicMessages.
 */
final class EchoService implements AutoCloseable {

    static final FileDescriptorProto PROTO = FileDescriptorProto.newBuilder()
            .setName("test/echo.proto")
            .setPackage("test")
            .setSyntax("proto3")
            .addMessageType(DescriptorProto.newBuilder()
                    .setName("Inner")
                    .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_INT64, false, null))
                    .addField(field("tags", 2, FieldDescriptorProto.Type.TYPE_STRING, true, null)))
            .addMessageType(DescriptorProto.newBuilder()
                    .setName("Req")
                    .addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                    .addField(field("count", 2, FieldDescriptorProto.Type.TYPE_INT32, false, null))
                    .addField(field("blob", 3, FieldDescriptorProto.Type.TYPE_BYTES, false, null))
                    .addField(field("inner", 4, FieldDescriptorProto.Type.TYPE_MESSAGE, false, ".test.Inner")))
            .addMessageType(DescriptorProto.newBuilder()
                    .setName("Rep")
                    .addField(field("text", 1, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                    .addField(field("index", 2, FieldDescriptorProto.Type.TYPE_INT32, false, null))
                    .addField(field("blob", 3, FieldDescriptorProto.Type.TYPE_BYTES, false, null)))
            .addService(ServiceDescriptorProto.newBuilder()
                    .setName("Echo")
                    .addMethod(method("Unary", false, false))
                    .addMethod(method("ServerStream", false, true))
                    .addMethod(method("ClientStream", true, false))
                    .addMethod(method("Bidi", true, true)))
            .build();

    static final FileDescriptor FILE;
    static final Descriptor REQ;
    static final Descriptor REP;
    static final Descriptor INNER;

    static {
        try {
            FILE = FileDescriptor.buildFrom(PROTO, new FileDescriptor[0]);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
        REQ = FILE.findMessageTypeByName("Req");
        REP = FILE.findMessageTypeByName("Rep");
        INNER = FILE.findMessageTypeByName("Inner");
    }

    static final MethodDescriptor<DynamicMessage, DynamicMessage> UNARY =
            descriptor("Unary", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> SERVER_STREAM =
            descriptor("ServerStream", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> CLIENT_STREAM =
            descriptor("ClientStream", MethodDescriptor.MethodType.CLIENT_STREAMING);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> BIDI =
            descriptor("Bidi", MethodDescriptor.MethodType.BIDI_STREAMING);

    static final Metadata.Key<String> TRACE = Metadata.Key.of("x-trace-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> AUTH = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> SERVED_BY = Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;

    /** Calls the server started, by full method name ({@code test.Echo/Unary}). */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> calls =
            new java.util.concurrent.ConcurrentHashMap<>();

    EchoService() throws IOException {
        var service = ServerServiceDefinition.builder("test.Echo")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((req, out) -> {
                    var name = (String) req.getField(REQ.findFieldByName("name"));
                    if (name.equals("missing")) {
                        var trailers = new Metadata();
                        trailers.put(SERVED_BY, "echo-1");
                        out.onError(Status.NOT_FOUND
                                .withDescription("no item named 'missing' (été 100%)")
                                .asRuntimeException(trailers));
                        return;
                    }
                    out.onNext(rep("hello " + name, 0, (ByteString) req.getField(REQ.findFieldByName("blob"))));
                    out.onCompleted();
                }))
                .addMethod(SERVER_STREAM, ServerCalls.asyncServerStreamingCall((req, out) -> {
                    int count = (Integer) req.getField(REQ.findFieldByName("count"));
                    for (int i = 0; i < count; i++) {
                        out.onNext(rep("item " + i, i, ByteString.EMPTY));
                    }
                    out.onCompleted();
                }))
                .addMethod(
                        CLIENT_STREAM,
                        ServerCalls.asyncClientStreamingCall((StreamObserver<DynamicMessage> out) ->
                                new StreamObserver<DynamicMessage>() {
                                    private final List<String> names = new ArrayList<>();

                                    @Override
                                    public void onNext(DynamicMessage req) {
                                        names.add((String) req.getField(REQ.findFieldByName("name")));
                                    }

                                    @Override
                                    public void onError(Throwable t) {}

                                    @Override
                                    public void onCompleted() {
                                        out.onNext(rep(String.join(",", names), names.size(), ByteString.EMPTY));
                                        out.onCompleted();
                                    }
                                }))
                .addMethod(
                        BIDI,
                        ServerCalls.asyncBidiStreamingCall((StreamObserver<DynamicMessage> out) ->
                                new StreamObserver<DynamicMessage>() {
                                    private int n;

                                    @Override
                                    public void onNext(DynamicMessage req) {
                                        out.onNext(rep(
                                                "echo " + req.getField(REQ.findFieldByName("name")),
                                                n++,
                                                ByteString.EMPTY));
                                    }

                                    @Override
                                    public void onError(Throwable t) {}

                                    @Override
                                    public void onCompleted() {
                                        out.onCompleted();
                                    }
                                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(io.grpc.ServerInterceptors.intercept(service, new TrailerHeaders(), new Counting()))
                .maxInboundMessageSize(16 << 20)
                .addTransportFilter(new io.grpc.ServerTransportFilter() {
                    @Override
                    public io.grpc.Attributes transportReady(io.grpc.Attributes attributes) {
                        transports.incrementAndGet();
                        return attributes;
                    }
                })
                .build()
                .start();
    }

    /** How many calls of this method ({@code Unary}, {@code Bidi}...) the server started. */
    /** Trace ids ({@code x-trace-id}) of the calls the server started. */
    final java.util.Set<String> traces = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Connections (transports) the server accepted. */
    final java.util.concurrent.atomic.AtomicInteger transports = new java.util.concurrent.atomic.AtomicInteger();

    int calls(String method) {
        var n = calls.get("test.Echo/" + method);
        return n == null ? 0 : n.get();
    }

    private final class Counting implements io.grpc.ServerInterceptor {
        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
                io.grpc.ServerCall<Q, R> call, Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
            calls.computeIfAbsent(
                            call.getMethodDescriptor().getFullMethodName(),
                            k -> new java.util.concurrent.atomic.AtomicInteger())
                    .incrementAndGet();
            var trace = headers.get(TRACE);
            if (trace != null) {
                traces.add(trace);
            }
            return next.startCall(call, headers);
        }
    }

    int port() {
        return server.getPort();
    }

    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(16 << 20)
                .build();
    }

    static DynamicMessage req(String name, int count, byte[] blob) {
        return DynamicMessage.newBuilder(REQ)
                .setField(REQ.findFieldByName("name"), name)
                .setField(REQ.findFieldByName("count"), count)
                .setField(REQ.findFieldByName("blob"), ByteString.copyFrom(blob))
                .setField(
                        REQ.findFieldByName("inner"),
                        DynamicMessage.newBuilder(INNER)
                                .setField(INNER.findFieldByName("id"), 1234567890123L)
                                .addRepeatedField(INNER.findFieldByName("tags"), "a")
                                .addRepeatedField(INNER.findFieldByName("tags"), "b")
                                .build())
                .build();
    }

    static DynamicMessage rep(String text, int index, ByteString blob) {
        return DynamicMessage.newBuilder(REP)
                .setField(REP.findFieldByName("text"), text)
                .setField(REP.findFieldByName("index"), index)
                .setField(REP.findFieldByName("blob"), blob)
                .build();
    }

    static String text(DynamicMessage rep) {
        return (String) rep.getField(REP.findFieldByName("text"));
    }

    static FileDescriptorSet descriptorSet() {
        return FileDescriptorSet.newBuilder().addFile(PROTO).build();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Adds a response header, so that metadata in both header blocks is exercised. */
    private static final class TrailerHeaders implements io.grpc.ServerInterceptor {
        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(
                io.grpc.ServerCall<Q, R> call, Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
            return next.startCall(
                    new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                        @Override
                        public void sendHeaders(Metadata responseHeaders) {
                            responseHeaders.put(SERVED_BY, "echo-1");
                            super.sendHeaders(responseHeaders);
                        }
                    },
                    headers);
        }
    }

    /** A field of a hand-written descriptor ({@code typeName} for message fields, else null). */
    static FieldDescriptorProto.Builder field(
            String name, int number, FieldDescriptorProto.Type type, boolean repeated, String typeName) {
        var b = FieldDescriptorProto.newBuilder()
                .setName(name)
                .setNumber(number)
                .setType(type)
                .setLabel(
                        repeated
                                ? FieldDescriptorProto.Label.LABEL_REPEATED
                                : FieldDescriptorProto.Label.LABEL_OPTIONAL);
        if (typeName != null) {
            b.setTypeName(typeName);
        }
        return b;
    }

    private static MethodDescriptorProto.Builder method(String name, boolean clientStreaming, boolean serverStreaming) {
        return MethodDescriptorProto.newBuilder()
                .setName(name)
                .setInputType(".test.Req")
                .setOutputType(".test.Rep")
                .setClientStreaming(clientStreaming)
                .setServerStreaming(serverStreaming);
    }

    private static MethodDescriptor<DynamicMessage, DynamicMessage> descriptor(
            String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(REQ)))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(REP)))
                .build();
    }
}
