package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DynamicMessage;
import dev.chaostesting.Interceptor;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.protocols.grpc.GrpcFaults;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC faults in line with a real grpc-java server and client: a matching call fails with the injected status and
 * message, the server never starts it, other calls on the same channel are unaffected, and the connection stays healthy
 * (its HPACK tables in step) however many calls are faulted among others.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GrpcInlineFaultsTest {

    private static final CallOptions OPTIONS = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);

    private static String unary(Channel channel, String name) {
        return EchoService.text(ClientCalls.blockingUnaryCall(
                channel, EchoService.UNARY, OPTIONS, EchoService.req(name, 1, new byte[0])));
    }

    private static Channel traced(ManagedChannel channel, String trace) {
        var metadata = new Metadata();
        metadata.put(EchoService.TRACE, trace);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
    }

    private static List<String> serverStream(Channel channel, int count) {
        var items = new ArrayList<String>();
        ClientCalls.blockingServerStreamingCall(
                        channel, EchoService.SERVER_STREAM, OPTIONS, EchoService.req("s", count, new byte[0]))
                .forEachRemaining(r -> items.add(EchoService.text(r)));
        return items;
    }

    @Test
    void a_matching_unary_call_gets_unavailable_and_never_reaches_the_server() throws Exception {
        try (var service = new EchoService();
                var proxy = Interceptor.onPort(service.port())
                        .protocolFaults()
                        .record()
                        .start()) {
            var channel = EchoService.channel(proxy.port());
            try {
                assertThat(unary(traced(channel, "before"), "a")).isEqualTo("hello a");
                assertThat(service.calls("Unary")).isEqualTo(1);
                // Injected while the channel's connection is open.
                try (var fault = proxy.inject(GrpcFaults.unavailable("test.Echo/Unary", "backend down: 100% é"))) {
                    for (int i = 0; i < 3; i++) {
                        var trace = "faulted-" + i;
                        assertThatThrownBy(() -> unary(traced(channel, trace), "b"))
                                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                                    assertThat(e.getStatus().getDescription()).isEqualTo("backend down: 100% é");
                                });
                    }
                    // Another method on the same channel, while the fault is there.
                    assertThat(serverStream(traced(channel, "other"), 3)).containsExactly("item 0", "item 1", "item 2");
                    assertThat(service.calls("Unary"))
                            .as("the server never saw the faulted calls")
                            .isEqualTo(1);
                    assertThat(service.traces).doesNotContain("faulted-0", "faulted-1", "faulted-2");
                }
                // Removing the fault restores the method, on the same connection.
                assertThat(unary(traced(channel, "after"), "c")).isEqualTo("hello c");
                assertThat(service.calls("Unary")).isEqualTo(2);
                assertThat(service.traces).contains("before", "other", "after");
                assertThat(service.transports.get())
                        .as("one connection all along")
                        .isEqualTo(1);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            assertThat(proxy.recording().awaitCount(6, Duration.ofSeconds(30))).isTrue();
            List<Interaction> recorded = proxy.recording().interactions();
            // The recording is the conversation as the client had it: the faulted calls with the injected status.
            assertThat(recorded)
                    .filteredOn(i -> "Unary".equals(field(i, true, "method")))
                    .extracting(i -> field(i, false, "status"))
                    .containsExactly(0, 14, 14, 14, 0);
            assertThat(recorded)
                    .filteredOn(i -> Integer.valueOf(14).equals(field(i, false, "status")))
                    .allSatisfy(i -> {
                        assertThat(i.attributes()).containsEntry("faults", "grpc_UNAVAILABLE");
                        assertThat(field(i, false, "statusMessage")).isEqualTo("backend down: 100% é");
                    });
            assertThat(recorded)
                    .filteredOn(i -> "ServerStream".equals(field(i, true, "method")))
                    .singleElement()
                    .satisfies(i -> assertThat(field(i, false, "status")).isEqualTo(0));
        }
    }

    @Test
    void streaming_calls_fail_with_the_status_and_the_server_never_starts_them() throws Exception {
        try (var service = new EchoService();
                // Not in line from the start: connections opened while a protocol fault is injected run in line.
                var proxy = Interceptor.onPort(service.port()).start()) {
            proxy.inject(GrpcFaults.status("test.Echo/*Stream*", "RESOURCE_EXHAUSTED", "quota"));
            proxy.inject(Faults.protocol(
                            "http2",
                            Map.of("match", Map.of("rpc", "test.Echo/Bidi"), "grpcStatus", 4, "message", "slow"))
                    .named("bidi_deadline"));
            var channel = EchoService.channel(proxy.port());
            try {
                assertThatThrownBy(() -> serverStream(channel, 3))
                        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                            assertThat(e.getStatus().getDescription()).isEqualTo("quota");
                        });

                // Client streaming: its messages (1 MiB of them) are dropped, and the connection window given back.
                for (int round = 0; round < 3; round++) {
                    var result = new CompletableFuture<DynamicMessage>();
                    var upload = ClientCalls.asyncClientStreamingCall(
                            channel.newCall(EchoService.CLIENT_STREAM, OPTIONS), observer(result, new ArrayList<>()));
                    for (int i = 0; i < 8; i++) {
                        upload.onNext(EchoService.req("n" + i, 0, new byte[128 * 1024]));
                    }
                    upload.onCompleted();
                    assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(StatusRuntimeException.class)
                            .satisfies(e -> assertThat(
                                            Status.fromThrowable(e.getCause()).getCode())
                                    .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
                }

                var done = new CompletableFuture<DynamicMessage>();
                var received = new ArrayList<DynamicMessage>();
                var bidi = ClientCalls.asyncBidiStreamingCall(
                        channel.newCall(EchoService.BIDI, OPTIONS), observer(done, received));
                bidi.onNext(EchoService.req("x", 0, new byte[0]));
                bidi.onCompleted();
                assertThatThrownBy(() -> done.get(30, TimeUnit.SECONDS)).satisfies(e -> {
                    var status = Status.fromThrowable(e.getCause());
                    assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                    assertThat(status.getDescription()).isEqualTo("slow");
                });
                assertThat(received).isEmpty();

                // Unary is not matched, and the channel is healthy after 1 MiB dropped three times.
                assertThat(unary(channel, "still")).isEqualTo("hello still");
                var big = ClientCalls.blockingUnaryCall(
                        channel, EchoService.UNARY, OPTIONS, EchoService.req("big", 0, new byte[1 << 20]));
                assertThat(EchoService.text(big)).isEqualTo("hello big");
                assertThat(service.calls("ServerStream")).isZero();
                assertThat(service.calls("ClientStream")).isZero();
                assertThat(service.calls("Bidi")).isZero();
                assertThat(service.calls("Unary")).isEqualTo(2);

                proxy.clearFaults();
                assertThat(serverStream(channel, 2)).containsExactly("item 0", "item 1");
                assertThat(service.transports.get()).isEqualTo(1);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void many_concurrent_calls_with_half_of_them_faulted_keep_the_connection_healthy() throws Exception {
        try (var service = new EchoService();
                var proxy = Interceptor.onPort(service.port())
                        .protocolFaults()
                        .seed(7)
                        .start()) {
            var channel = EchoService.channel(proxy.port());
            try {
                assertThat(unary(channel, "warm")).isEqualTo("hello warm");
                proxy.inject(GrpcFaults.unavailable("test.Echo/Unary", "flaky")
                        .toxicity(0.5)
                        .perChunk());
                int calls = 300;
                var ok = new AtomicInteger();
                var failed = new AtomicInteger();
                var unexpected = new ConcurrentHashMap<String, Integer>();
                var okTraces = ConcurrentHashMap.<String>newKeySet();
                var futures = new ArrayList<CompletableFuture<Void>>();
                for (int i = 0; i < calls; i++) {
                    // A new header value per call: the client's HPACK encoder adds each to its table.
                    var trace = "trace-" + i + "-" + "v".repeat(i % 40);
                    var name = "n" + i;
                    var result = new CompletableFuture<Void>();
                    futures.add(result);
                    ClientCalls.asyncUnaryCall(
                            traced(channel, trace).newCall(EchoService.UNARY, OPTIONS),
                            EchoService.req(name, 0, new byte[i % 3 == 0 ? 20_000 : 10]),
                            new StreamObserver<>() {
                                @Override
                                public void onNext(DynamicMessage value) {
                                    if (EchoService.text(value).equals("hello " + name)) {
                                        ok.incrementAndGet();
                                        okTraces.add(trace);
                                    } else {
                                        unexpected.merge("wrong answer " + EchoService.text(value), 1, Integer::sum);
                                    }
                                }

                                @Override
                                public void onError(Throwable t) {
                                    var s = Status.fromThrowable(t);
                                    if (s.getCode() == Status.Code.UNAVAILABLE && "flaky".equals(s.getDescription())) {
                                        failed.incrementAndGet();
                                    } else {
                                        unexpected.merge(s.toString(), 1, Integer::sum);
                                    }
                                    result.complete(null);
                                }

                                @Override
                                public void onCompleted() {
                                    result.complete(null);
                                }
                            });
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                        .get(120, TimeUnit.SECONDS);
                assertThat(unexpected)
                        .as("no other outcome (COMPRESSION_ERROR, GOAWAY...)")
                        .isEmpty();
                assertThat(ok.get() + failed.get()).isEqualTo(calls);
                assertThat(failed.get()).as("about half faulted").isBetween(calls / 4, calls * 3 / 4);
                assertThat(service.calls("Unary")).isEqualTo(1 + ok.get());
                // The server saw exactly the calls that succeeded, with their own headers.
                assertThat(service.traces).containsExactlyInAnyOrderElementsOf(okTraces);

                proxy.clearFaults();
                for (int i = 0; i < 20; i++) {
                    assertThat(unary(traced(channel, "again-" + i), "z" + i)).isEqualTo("hello z" + i);
                }
                assertThat(service.transports.get())
                        .as("no GOAWAY, no reconnection")
                        .isEqualTo(1);
            } finally {
                channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void a_bad_spec_is_refused_in_one_line() throws Exception {
        try (var service = new EchoService();
                var proxy = Interceptor.onPort(service.port()).start()) {
            assertThatThrownBy(() -> proxy.inject(Faults.protocol(
                            "http2", Map.of("match", Map.of("rpc", "a/b"), "grpcStatus", "UNAVAILABLEX"))))
                    .hasMessage("http2 fault: grpcStatus 'UNAVAILABLEX' (expected a name such as UNAVAILABLE, or a"
                            + " number 1..16)");
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("http2", Map.of("match", Map.of("rpc", "a/b")))))
                    .hasMessage("http2 fault: answer (expected exactly one of grpcStatus, status, rstStream; found 0)");
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("http2", Map.of("status", 99))))
                    .hasMessage("http2 fault: status 99 (expected an HTTP status from 200 to 599)");
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("grpc", Map.of("grpcStatus", 14))))
                    .hasMessageStartingWith("grpc fault: inject it as protocol 'http2'");
        }
    }

    static Object field(Interaction i, boolean request, String name) {
        return ((StructuredMessage) (request ? i.request() : i.response())).get(name);
    }

    private static StreamObserver<DynamicMessage> observer(
            CompletableFuture<DynamicMessage> done, List<DynamicMessage> received) {
        return new StreamObserver<>() {
            private DynamicMessage last;

            @Override
            public void onNext(DynamicMessage value) {
                received.add(value);
                last = value;
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
