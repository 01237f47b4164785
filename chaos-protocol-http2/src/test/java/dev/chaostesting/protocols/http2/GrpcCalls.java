package dev.chaostesting.protocols.http2;

import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The calls every gRPC test makes, one after the other on one channel; returns what the client saw. */
final class GrpcCalls {

    static final int LARGE = 3 << 20;

    private GrpcCalls() {}

    static List<String> run(int port) throws Exception {
        ManagedChannel channel = EchoService.channel(port);
        try {
            var results = new ArrayList<String>();
            var metadata = new Metadata();
            metadata.put(EchoService.TRACE, "trace-42");
            metadata.put(EchoService.AUTH, "Bearer s3cr3t-token");
            var withMetadata =
                    ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
            var options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);

            results.add(EchoService.text(ClientCalls.blockingUnaryCall(
                    withMetadata, EchoService.UNARY, options, EchoService.req("world", 1, new byte[] {1, 2, 3}))));

            results.add(EchoService.text(ClientCalls.blockingUnaryCall(
                    channel,
                    EchoService.UNARY,
                    options.withCompression("gzip"),
                    EchoService.req("zipped zipped zipped zipped", 2, new byte[0]))));

            var stream = ClientCalls.blockingServerStreamingCall(
                    channel, EchoService.SERVER_STREAM, options, EchoService.req("s", 5, new byte[0]));
            var items = new ArrayList<String>();
            stream.forEachRemaining(r -> items.add(EchoService.text(r)));
            results.add(String.join(";", items));

            var summed = new CompletableFuture<DynamicMessage>();
            var upload = ClientCalls.asyncClientStreamingCall(
                    channel.newCall(EchoService.CLIENT_STREAM, options), observer(summed, new ArrayList<>()));
            for (var name : List.of("a", "b", "c")) {
                upload.onNext(EchoService.req(name, 0, new byte[0]));
            }
            upload.onCompleted();
            results.add(EchoService.text(summed.get(30, TimeUnit.SECONDS)));

            var done = new CompletableFuture<DynamicMessage>();
            var echoed = new ArrayList<DynamicMessage>();
            var chat = ClientCalls.asyncBidiStreamingCall(
                    channel.newCall(EchoService.BIDI, options), observer(done, echoed));
            for (var name : List.of("x", "y", "z")) {
                chat.onNext(EchoService.req(name, 0, new byte[0]));
            }
            chat.onCompleted();
            done.get(30, TimeUnit.SECONDS);
            results.add(String.join(";", echoed.stream().map(EchoService::text).toList()));

            try {
                ClientCalls.blockingUnaryCall(
                        channel, EchoService.UNARY, options, EchoService.req("missing", 0, new byte[0]));
                results.add("no error");
            } catch (StatusRuntimeException e) {
                results.add(e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            }

            var big = new byte[LARGE];
            new java.util.Random(3).nextBytes(big);
            var rep = ClientCalls.blockingUnaryCall(
                    channel, EchoService.UNARY, options, EchoService.req("large", 0, big));
            var blob = (com.google.protobuf.ByteString) rep.getField(EchoService.REP.findFieldByName("blob"));
            results.add(
                    EchoService.text(rep) + " " + blob.size() + " " + java.util.Arrays.equals(blob.toByteArray(), big));
            return results;
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Collects responses; completes with the last one (or fails). */
    private static StreamObserver<DynamicMessage> observer(
            CompletableFuture<DynamicMessage> done, List<DynamicMessage> all) {
        return new StreamObserver<>() {
            private DynamicMessage last;

            @Override
            public void onNext(DynamicMessage value) {
                last = value;
                synchronized (all) {
                    all.add(value);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(last);
            }
        };
    }
}
