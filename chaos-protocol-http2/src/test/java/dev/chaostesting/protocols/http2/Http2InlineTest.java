package dev.chaostesting.protocols.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.protocols.http2.internal.Http2Inline;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.Side;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-line handler driven directly with the bytes of a real grpc-java session: fragment independence, transparency
 * without faults, HPACK consistency of what each side is sent, and a short seeded fuzz run.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2InlineTest {

    private static final Map<String, Object> UNARY_FAULT =
            Map.of("match", Map.of("rpc", "test.Echo/Unary"), "grpcStatus", "UNAVAILABLE", "message", "down");
    private static final Map<String, Object> CLIENT_STREAM_FAULT =
            Map.of("match", Map.of("path", "/test.Echo/ClientStream"), "rstStream", "REFUSED_STREAM");

    private static List<RecordingRelay.Event> session;

    /** A real session: unary calls with a new header value each (the client's HPACK encoder indexes them) and more. */
    @BeforeAll
    static void record() throws Exception {
        try (var service = new EchoService();
                var relay = new RecordingRelay(service.port())) {
            var channel = EchoService.channel(relay.port());
            var options = CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
            for (int i = 0; i < 6; i++) {
                var metadata = new Metadata();
                metadata.put(EchoService.TRACE, "trace-" + i);
                var traced = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(metadata));
                ClientCalls.blockingUnaryCall(
                        traced, EchoService.UNARY, options, EchoService.req("u" + i, 0, new byte[0]));
                ClientCalls.blockingServerStreamingCall(
                                traced, EchoService.SERVER_STREAM, options, EchoService.req("s", 2, new byte[0]))
                        .forEachRemaining(r -> {});
            }
            var done = new java.util.concurrent.CompletableFuture<Void>();
            var upload = ClientCalls.asyncClientStreamingCall(
                    channel.newCall(EchoService.CLIENT_STREAM, options), new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(com.google.protobuf.DynamicMessage value) {}

                        @Override
                        public void onError(Throwable t) {
                            done.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            done.complete(null);
                        }
                    });
            upload.onNext(EchoService.req("a", 0, new byte[40_000]));
            upload.onNext(EchoService.req("b", 0, new byte[0]));
            upload.onCompleted();
            done.get(30, TimeUnit.SECONDS);
            ClientCalls.blockingUnaryCall(channel, EchoService.UNARY, options, EchoService.req("last", 0, new byte[0]));
            channel.shutdown().awaitTermination(10, TimeUnit.SECONDS);
            session = relay.firstConnectionEnded(java.time.Duration.ofSeconds(20));
        }
    }

    @Test
    void without_faults_every_byte_passes_unchanged() {
        var out = feed(session, n -> n, List.of());
        assertThat(out.toServer()).isEqualTo(concat(session, Side.CLIENT));
        assertThat(out.toClient()).isEqualTo(concat(session, Side.SERVER));
    }

    @Test
    void the_same_bytes_go_out_whatever_the_fragmentation() {
        var faults = List.of(UNARY_FAULT, CLIENT_STREAM_FAULT);
        var whole = feed(session, n -> n, faults);
        assertThat(whole.acted()).hasSize(8);
        var byteByByte = feed(session, n -> 1, faults);
        assertThat(byteByByte.toServer()).isEqualTo(whole.toServer());
        assertThat(byteByByte.toClient()).isEqualTo(whole.toClient());
        var random = new Random(42);
        for (int round = 0; round < 5; round++) {
            var chunked = feed(session, n -> 1 + random.nextInt(Math.max(1, Math.min(n, 700))), faults);
            assertThat(chunked.toServer()).isEqualTo(whole.toServer());
            assertThat(chunked.toClient()).isEqualTo(whole.toClient());
        }
    }

    @Test
    void the_server_gets_every_other_request_with_its_own_headers_and_the_client_gets_the_answers() {
        var original = blocks(concat(session, Side.CLIENT), true);
        var out = feed(session, n -> n, List.of(UNARY_FAULT, CLIENT_STREAM_FAULT));

        // What the server gets decodes with a fresh HPACK decoder, in order, to the fields the client sent.
        var forwarded = blocks(out.toServer(), true);
        var expected = new LinkedHashMap<Integer, List<String>>();
        original.forEach((stream, fields) -> {
            var path = fields.get(0).startsWith(":") ? pathOf(fields) : "";
            if (!path.equals("/test.Echo/Unary") && !path.equals("/test.Echo/ClientStream")) {
                expected.put(stream, fields);
            }
        });
        assertThat(expected).hasSize(6);
        assertThat(forwarded).isEqualTo(expected);

        // The client gets the server's blocks and the injected ones, all decodable in order (its table untouched).
        var answered = blocks(out.toClient(), false);
        assertThat(answered.values().stream().filter(f -> f.contains("grpc-status: 14")))
                .hasSize(7)
                .allSatisfy(f -> assertThat(f).contains("grpc-message: down"));
        var resets = frames(out.toClient(), false).stream()
                .filter(f -> f.type() == 3)
                .toList();
        assertThat(resets)
                .singleElement()
                .satisfies(f -> assertThat(f.payload()).containsExactly(0, 0, 0, 7));
        // The dropped DATA of the faulted client stream is given back to the client's connection window.
        long returned = frames(out.toClient(), false).stream()
                        .filter(f -> f.type() == 8 && f.stream() == 0)
                        .mapToLong(f -> ByteBuffer.wrap(f.payload()).getInt())
                        .sum()
                - frames(concat(session, Side.SERVER), false).stream()
                        .filter(f -> f.type() == 8 && f.stream() == 0)
                        .mapToLong(f -> ByteBuffer.wrap(f.payload()).getInt())
                        .sum();
        long droppedData = frames(concat(session, Side.CLIENT), true).stream()
                .filter(f -> f.type() == 0 && !expected.containsKey(f.stream()))
                .mapToLong(f -> f.payload().length)
                .sum();
        assertThat(droppedData).isGreaterThan(40_000);
        assertThat(returned).isEqualTo(droppedData);
    }

    @Test
    void a_dropped_block_that_resized_and_filled_the_table_leaves_the_servers_decoder_in_step() throws Exception {
        var f = new Frames();
        f.server(Frames.settings(0x1, 2048));
        f.client(Frames.concat(Frames.PREFACE, Frames.settings(), Frames.settingsAck()));
        // The client applies the server's smaller table: its next block must start with a size update.
        f.clientHpack.configuration().maxHeaderTableSize(2048);
        String[] unary = {
            ":method",
            "POST",
            ":scheme",
            "http",
            ":path",
            "/test.Echo/Unary",
            ":authority",
            "x",
            "content-type",
            "application/grpc",
            "x-trace-id",
            "t-1"
        };
        String[] other = unary.clone();
        other[5] = "/test.Echo/Other";
        f.client(Frames.frame(1, 0x5, 1, f.block(Side.CLIENT, unary)));
        f.client(Frames.frame(1, 0x5, 3, f.block(Side.CLIENT, other)));
        f.client(Frames.frame(1, 0x5, 5, f.block(Side.CLIENT, unary)));
        f.client(Frames.frame(1, 0x5, 7, f.block(Side.CLIENT, other)));
        var out = feed(f.events, n -> 1, List.of(UNARY_FAULT));
        assertThat(out.acted()).hasSize(2);

        var decoder = new DefaultHttp2HeadersDecoder(false);
        decoder.maxHeaderTableSize(2048); // the server's own setting, acknowledged: a size update is required
        var sent = frames(out.toServer(), true).stream()
                .filter(fr -> fr.type() == 1)
                .toList();
        assertThat(sent).extracting(Frame::stream).containsExactly(3, 7);
        assertThat(sent.get(0).payload()[0] & 0xe0)
                .as("a table size update first")
                .isEqualTo(0x20);
        for (var fr : sent) {
            var headers = decoder.decodeHeaders(fr.stream(), Unpooled.wrappedBuffer(fr.payload()));
            assertThat(headers.path().toString()).isEqualTo("/test.Echo/Other");
            assertThat(headers.get("x-trace-id").toString()).isEqualTo("t-1");
        }
        var answered = blocks(out.toClient(), false);
        assertThat(answered.keySet()).containsExactly(1, 5);
    }

    @Test
    void a_seeded_fuzz_run_never_throws_and_passes_what_it_does_not_understand() {
        var random = new Random(2026);
        var client = concat(session, Side.CLIENT);
        var server = concat(session, Side.SERVER);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int runs = 0;
        while (System.nanoTime() < deadline && runs < 400) {
            runs++;
            var mutated = client.clone();
            int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++) {
                mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                mutated = Arrays.copyOf(mutated, random.nextInt(mutated.length));
            }
            var events = Arrays.asList(
                    new RecordingRelay.Event(Side.SERVER, Arrays.copyOf(server, Math.min(server.length, 27)), 0),
                    new RecordingRelay.Event(Side.CLIENT, mutated, 0),
                    new RecordingRelay.Event(
                            Side.SERVER, Arrays.copyOfRange(server, Math.min(server.length, 27), server.length), 0),
                    new RecordingRelay.Event(Side.CLIENT, null, 0),
                    new RecordingRelay.Event(Side.SERVER, null, 0));
            var noFaults = feed(events, n -> 1 + random.nextInt(64), List.of());
            assertThat(noFaults.toServer()).isEqualTo(mutated);
            assertThat(noFaults.toClient()).isEqualTo(server);
            var withFaults = feed(events, n -> 1 + random.nextInt(64), List.of(UNARY_FAULT, CLIENT_STREAM_FAULT));
            assertThat(withFaults.toServer().length).isLessThanOrEqualTo(mutated.length * 2 + 1024);
        }
        assertThat(runs).isGreaterThan(10);
    }

    // Driving the handler.

    record Output(byte[] toServer, byte[] toClient, List<String> acted) {}

    private static Output feed(
            List<RecordingRelay.Event> events, IntUnaryOperator chunk, List<Map<String, Object>> faults) {
        var context = new FakeContext(faults);
        var handler = new Http2Inline(context);
        for (var e : events) {
            if (e.bytes() == null) {
                handler.onEnd(e.side());
                continue;
            }
            int at = 0;
            while (at < e.bytes().length) {
                int n = Math.min(e.bytes().length - at, Math.max(1, chunk.applyAsInt(e.bytes().length - at)));
                handler.onData(
                        e.side(), ByteBuffer.wrap(e.bytes(), at, n).slice().asReadOnlyBuffer());
                at += n;
            }
        }
        return new Output(context.toServer.toByteArray(), context.toClient.toByteArray(), context.acted);
    }

    private static byte[] concat(List<RecordingRelay.Event> events, Side side) {
        var out = new ByteArrayOutputStream();
        events.stream().filter(e -> e.side() == side && e.bytes() != null).forEach(e -> out.writeBytes(e.bytes()));
        return out.toByteArray();
    }

    private static final class FakeContext implements InlineContext {
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final List<String> acted = new ArrayList<>();
        private final List<ActiveFault> faults = new ArrayList<>();

        FakeContext(List<Map<String, Object>> specs) {
            for (int i = 0; i < specs.size(); i++) {
                faults.add(new ActiveFault("f" + i, specs.get(i)));
            }
        }

        @Override
        public ConnectionInfo connection() {
            return Feed.CONNECTION;
        }

        @Override
        public List<ActiveFault> faults() {
            return faults;
        }

        @Override
        public void send(Side to, ByteBuffer bytes) {
            var copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            (to == Side.SERVER ? toServer : toClient).writeBytes(copy);
        }

        @Override
        public void close(boolean reset) {}

        @Override
        public void acted(String faultName) {
            acted.add(faultName);
        }

        @Override
        public InetSocketAddress listenerFor(InetSocketAddress upstream) {
            throw new UnsupportedOperationException();
        }
    }

    // Reading what was sent.

    record Frame(int type, int flags, int stream, byte[] payload) {}

    static List<Frame> frames(byte[] bytes, boolean client) {
        var b = ByteBuffer.wrap(bytes);
        if (client) {
            b.position(Frames.PREFACE.length);
        }
        var out = new ArrayList<Frame>();
        while (b.remaining() >= 9) {
            int length = ((b.get() & 0xff) << 16) | ((b.get() & 0xff) << 8) | (b.get() & 0xff);
            int type = b.get() & 0xff;
            int flags = b.get() & 0xff;
            int stream = b.getInt() & 0x7fffffff;
            var payload = new byte[length];
            b.get(payload);
            out.add(new Frame(type, flags, stream, payload));
        }
        assertThat(b.remaining()).as("whole frames").isZero();
        return out;
    }

    /** Every header block, decoded in order with one HPACK decoder: the last block of each stream, as "name: value". */
    static Map<Integer, List<String>> blocks(byte[] bytes, boolean client) {
        var decoder = new DefaultHttp2HeadersDecoder(false);
        var out = new LinkedHashMap<Integer, List<String>>();
        var block = new ByteArrayOutputStream();
        for (var f : frames(bytes, client)) {
            if (f.type() == 4 && (f.flags() & 1) == 0) {
                // Settings the peer acknowledges apply to the decoder; these sessions keep the defaults.
                continue;
            }
            if (f.type() != 1 && f.type() != 9) {
                continue;
            }
            int at = 0;
            int end = f.payload().length;
            if (f.type() == 1) {
                block.reset();
                if ((f.flags() & 0x8) != 0) {
                    end -= f.payload()[at++] & 0xff;
                }
                if ((f.flags() & 0x20) != 0) {
                    at += 5;
                }
            }
            block.write(f.payload(), at, end - at);
            if ((f.flags() & 0x4) != 0) {
                Http2Headers headers;
                try {
                    headers = decoder.decodeHeaders(f.stream(), Unpooled.wrappedBuffer(block.toByteArray()));
                } catch (Exception e) {
                    throw new AssertionError("HPACK of stream " + f.stream() + ": " + e, e);
                }
                var fields = new ArrayList<String>();
                headers.forEach(h -> fields.add(h.getKey() + ": " + h.getValue()));
                out.merge(f.stream(), fields, (a, b) -> {
                    var all = new ArrayList<>(a);
                    all.addAll(b);
                    return all;
                });
            }
        }
        return out;
    }

    private static String pathOf(List<String> fields) {
        return fields.stream()
                .filter(f -> f.startsWith(":path: "))
                .map(f -> f.substring(7))
                .findFirst()
                .orElse("");
    }
}
