package dev.chaostesting.protocols.http2;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import com.google.protobuf.TimestampProto;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real grpc-java service whose schema spans two files and a well-known type: {@code shop/api.proto} (package {@code
 * shop}, service {@code Orders}) imports {@code shop/common.proto} (package {@code shop.common}, message {@code Money})
 * and {@code google/protobuf/timestamp.proto}. The service carries its descriptors as grpc-java's generated code does,
 * so that a reflection service on the same server describes it. Messages are DynamicMessages.
 */
public final class ShopService implements AutoCloseable {

    static final FileDescriptorProto COMMON_PROTO = FileDescriptorProto.newBuilder()
            .setName("shop/common.proto")
            .setPackage("shop.common")
            .setSyntax("proto3")
            .addMessageType(DescriptorProto.newBuilder()
                    .setName("Money")
                    .addField(field("currency", 1, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                    .addField(field("units", 2, FieldDescriptorProto.Type.TYPE_INT64, false, null)))
            .build();

    static final FileDescriptorProto API_PROTO = FileDescriptorProto.newBuilder()
            .setName("shop/api.proto")
            .setPackage("shop")
            .setSyntax("proto3")
            .addDependency("shop/common.proto")
            .addDependency("google/protobuf/timestamp.proto")
            .addMessageType(DescriptorProto.newBuilder()
                    .setName("OrderRequest")
                    .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                    .addField(field("count", 2, FieldDescriptorProto.Type.TYPE_INT32, false, null)))
            .addMessageType(DescriptorProto.newBuilder()
                    .setName("Order")
                    .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_STRING, false, null))
                    .addField(field("total", 2, FieldDescriptorProto.Type.TYPE_MESSAGE, false, ".shop.common.Money"))
                    .addField(field(
                            "created", 3, FieldDescriptorProto.Type.TYPE_MESSAGE, false, ".google.protobuf.Timestamp"))
                    .addField(field("items", 4, FieldDescriptorProto.Type.TYPE_STRING, true, null)))
            .addService(ServiceDescriptorProto.newBuilder()
                    .setName("Orders")
                    .addMethod(MethodDescriptorProto.newBuilder()
                            .setName("Get")
                            .setInputType(".shop.OrderRequest")
                            .setOutputType(".shop.Order"))
                    .addMethod(MethodDescriptorProto.newBuilder()
                            .setName("Watch")
                            .setInputType(".shop.OrderRequest")
                            .setOutputType(".shop.Order")
                            .setServerStreaming(true)))
            .build();

    static final FileDescriptor COMMON;
    static final FileDescriptor API;

    static {
        try {
            COMMON = FileDescriptor.buildFrom(COMMON_PROTO, new FileDescriptor[0]);
            API = FileDescriptor.buildFrom(API_PROTO, new FileDescriptor[] {COMMON, TimestampProto.getDescriptor()});
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final Descriptor REQUEST = API.findMessageTypeByName("OrderRequest");
    static final Descriptor ORDER = API.findMessageTypeByName("Order");
    static final Descriptor MONEY = COMMON.findMessageTypeByName("Money");

    static final MethodDescriptor<DynamicMessage, DynamicMessage> GET =
            method("Get", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<DynamicMessage, DynamicMessage> WATCH =
            method("Watch", MethodDescriptor.MethodType.SERVER_STREAMING);

    /** The descriptor set {@code protoc --include_imports} would write for shop/api.proto. */
    static FileDescriptorSet descriptorSet() {
        return FileDescriptorSet.newBuilder()
                .addFile(TimestampProto.getDescriptor().toProto())
                .addFile(COMMON_PROTO)
                .addFile(API_PROTO)
                .build();
    }

    /** What grpc-java's generated code attaches to a service, and what its reflection services index. */
    private static final class Schema implements ProtoFileDescriptorSupplier, ProtoServiceDescriptorSupplier {
        @Override
        public FileDescriptor getFileDescriptor() {
            return API;
        }

        @Override
        public ServiceDescriptor getServiceDescriptor() {
            return API.findServiceByName("Orders");
        }
    }

    static ServerServiceDefinition definition() {
        var descriptor = io.grpc.ServiceDescriptor.newBuilder("shop.Orders")
                .setSchemaDescriptor(new Schema())
                .addMethod(GET)
                .addMethod(WATCH)
                .build();
        return ServerServiceDefinition.builder(descriptor)
                .addMethod(GET, ServerCalls.asyncUnaryCall((req, out) -> {
                    out.onNext(order(text(req, "id"), 0));
                    out.onCompleted();
                }))
                .addMethod(WATCH, ServerCalls.asyncServerStreamingCall((req, out) -> {
                    int count = (Integer) req.getField(REQUEST.findFieldByName("count"));
                    for (int i = 0; i < count; i++) {
                        out.onNext(order(text(req, "id") + "-" + i, i));
                    }
                    out.onCompleted();
                }))
                .build();
    }

    private final Server server;

    /** The shop service and these others (a reflection service...). */
    public ShopService(BindableService... more) throws IOException {
        var builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(definition());
        for (var service : more) {
            builder.addService(service);
        }
        server = builder.build().start();
    }

    public int port() {
        return server.getPort();
    }

    static DynamicMessage request(String id, int count) {
        return DynamicMessage.newBuilder(REQUEST)
                .setField(REQUEST.findFieldByName("id"), id)
                .setField(REQUEST.findFieldByName("count"), count)
                .build();
    }

    static DynamicMessage order(String id, int index) {
        return DynamicMessage.newBuilder(ORDER)
                .setField(ORDER.findFieldByName("id"), id)
                .setField(
                        ORDER.findFieldByName("total"),
                        DynamicMessage.newBuilder(MONEY)
                                .setField(MONEY.findFieldByName("currency"), "EUR")
                                .setField(MONEY.findFieldByName("units"), 1250L + index)
                                .build())
                .setField(
                        ORDER.findFieldByName("created"),
                        Timestamp.newBuilder()
                                .setSeconds(1_700_000_000L)
                                .setNanos(5)
                                .build())
                .addRepeatedField(ORDER.findFieldByName("items"), "book")
                .addRepeatedField(ORDER.findFieldByName("items"), "pen")
                .build();
    }

    static String text(DynamicMessage m, String field) {
        return (String) m.getField(m.getDescriptorForType().findFieldByName(field));
    }

    /** Calls Get("o-1") and Watch("o-2", 3) on one connection; returns the order ids received. */
    public static List<String> calls(int port) throws InterruptedException {
        ManagedChannel channel = EchoService.channel(port);
        try {
            var ids = new ArrayList<String>();
            ids.add(text(
                    ClientCalls.blockingUnaryCall(
                            channel,
                            GET,
                            io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                            request("o-1", 0)),
                    "id"));
            var watch = ClientCalls.blockingServerStreamingCall(
                    channel,
                    WATCH,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                    request("o-2", 3));
            watch.forEachRemaining(o -> ids.add(text(o, "id")));
            return ids;
        } finally {
            channel.shutdown();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
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

    private static FieldDescriptorProto.Builder field(
            String name, int number, FieldDescriptorProto.Type type, boolean repeated, String typeName) {
        return EchoService.field(name, number, type, repeated, typeName);
    }

    private static MethodDescriptor<DynamicMessage, DynamicMessage> method(
            String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("shop.Orders", name))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(REQUEST)))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(ORDER)))
                .build();
    }
}
