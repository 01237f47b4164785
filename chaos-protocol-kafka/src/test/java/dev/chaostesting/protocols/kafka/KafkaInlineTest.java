package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.fault.Effect;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.model.Direction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;

/**
 * The in-line handler fed real frames (made by kafka-clients' own classes) through a fake context: what it sends to
 * each side is the same whole, byte by byte and in random fragments; answers keep their turn; broker addresses are
 * replaced by the interceptor's listeners; faulted requests never reach the broker.
 */
class KafkaInlineTest {

    private static final InetSocketAddress LISTENER = new InetSocketAddress("127.0.0.1", 40001);
    private static final Uuid ORDERS_ID = Uuid.fromString("Ih1B9uAXSC667gzOOg83bQ");

    /** A fake context: what was sent to each side, and which faults acted. */
    static final class FakeContext implements InlineContext {
        final List<ActiveFault> faults = new ArrayList<>();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        /** Sides in the order bytes were sent, consecutive sends to the same side merged. */
        final List<Side> order = new ArrayList<>();

        final List<String> acted = new ArrayList<>();
        final List<InetSocketAddress> listenersAskedFor = new ArrayList<>();

        @Override
        public ConnectionInfo connection() {
            return new ConnectionInfo("c1", "127.0.0.1:50000", "127.0.0.1:9092", 9092, Direction.OUTBOUND);
        }

        @Override
        public List<ActiveFault> faults() {
            return faults;
        }

        @Override
        public void send(Side to, ByteBuffer bytes) {
            var copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            (to == Side.CLIENT ? toClient : toServer).write(copy, 0, copy.length);
            if (copy.length > 0 && (order.isEmpty() || order.get(order.size() - 1) != to)) {
                order.add(to);
            }
        }

        @Override
        public void close(boolean reset) {
            throw new AssertionError("the handler never closes a connection");
        }

        @Override
        public void acted(String faultName) {
            acted.add(faultName);
        }

        @Override
        public InetSocketAddress listenerFor(InetSocketAddress upstream) {
            listenersAskedFor.add(upstream);
            return LISTENER;
        }
    }

    private static InlineContext.ActiveFault active(dev.chaostesting.fault.Fault fault) {
        return new InlineContext.ActiveFault(fault.name(), ((Effect.Protocol) fault.effect()).spec());
    }

    /** A client that pipelines: metadata, a faulted produce and a plain one, before the broker answers. */
    private static List<RewritingRelay.Chunk> session() {
        return session(13);
    }

    /** @param produceVersion of the faulted produce: from 13 it names its topic by id, learned from Metadata */
    private static List<RewritingRelay.Chunk> session(int produceVersion) {
        var apiVersions = Wire.header(ApiKeys.API_VERSIONS, 3, 1);
        var metadata = Wire.header(ApiKeys.METADATA, 12, 2);
        var faulted = Wire.header(ApiKeys.PRODUCE, produceVersion, 3);
        var other = Wire.header(ApiKeys.PRODUCE, 9, 4);
        var fetch = Wire.header(ApiKeys.FETCH, 12, 5);
        var metadataResponse = new MetadataResponseData().setClusterId("c").setControllerId(0);
        metadataResponse
                .brokers()
                .add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(0)
                        .setHost("127.0.0.1")
                        .setPort(9092));
        metadataResponse
                .topics()
                .add(new MetadataResponseData.MetadataResponseTopic()
                        .setName("orders")
                        .setTopicId(ORDERS_ID));
        var otherResponse = new ProduceResponseData();
        otherResponse
                .responses()
                .add(new ProduceResponseData.TopicProduceResponse()
                        .setName("audit")
                        .setPartitionResponses(List.of(new ProduceResponseData.PartitionProduceResponse()
                                .setIndex(0)
                                .setBaseOffset(7))));
        var fetchData =
                new FetchRequestData().setMaxWaitMs(500).setReplicaId(-1).setSessionEpoch(-1);
        for (var topic : List.of("orders", "audit")) {
            fetchData
                    .topics()
                    .add(new FetchRequestData.FetchTopic()
                            .setTopic(topic)
                            .setPartitions(List.of(new FetchRequestData.FetchPartition()
                                    .setPartition(0)
                                    .setFetchOffset(0)
                                    .setPartitionMaxBytes(1 << 20))));
        }
        return new Wire()
                .client(apiVersions, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .server(apiVersions, new ApiVersionsResponseData())
                .client(metadata, new MetadataRequest(new MetadataRequestData().setTopics(null), (short) 12))
                .server(metadata, metadataResponse)
                .client(
                        faulted,
                        Wire.produce("orders", (short) -1, Wire.records(Compression.NONE, "o", 2), produceVersion))
                .client(other, Wire.produce("audit", (short) -1, Wire.records(Compression.NONE, "a", 2), 9))
                .server(other, otherResponse)
                .client(fetch, new FetchRequest(fetchData, (short) 12))
                .chunks();
    }

    private static FakeContext run(List<RewritingRelay.Chunk> chunks, Random split, boolean byteByByte) {
        var context = new FakeContext();
        context.faults.add(active(KafkaFaults.requestError(
                List.of(ApiKeys.PRODUCE, ApiKeys.FETCH), "ord*", Errors.NOT_LEADER_OR_FOLLOWER)));
        InlineHandler handler = new KafkaCodec().newInlineHandler(context);
        for (var chunk : chunks) {
            var bytes = chunk.bytes();
            int at = 0;
            while (at < bytes.length) {
                int n = byteByByte ? 1 : split == null ? bytes.length : 1 + split.nextInt(Math.min(64, bytes.length));
                n = Math.min(n, bytes.length - at);
                handler.onData(chunk.side(), ByteBuffer.wrap(bytes, at, n).asReadOnlyBuffer());
                at += n;
            }
        }
        return context;
    }

    private static List<ByteBuffer> frames(byte[] stream) {
        var out = new ArrayList<ByteBuffer>();
        var b = ByteBuffer.wrap(stream);
        while (b.remaining() >= 4) {
            int n = b.getInt();
            out.add(b.slice(b.position(), n));
            b.position(b.position() + n);
        }
        assertThat(b.hasRemaining()).isFalse();
        return out;
    }

    @Test
    void faulted_requests_are_answered_in_turn_and_addresses_rewritten() {
        var context = run(session(), null, false);

        var toServer = frames(context.toServer.toByteArray());
        assertThat(toServer)
                .extracting(f -> f.getInt(4))
                .as("correlation ids the broker saw: never the faulted produce (3) or fetch (5)")
                .containsExactly(1, 2, 4);

        var toClient = frames(context.toClient.toByteArray());
        assertThat(toClient).extracting(f -> f.getInt(0)).containsExactly(1, 2, 3, 4, 5);
        var metadata = (MetadataResponse)
                AbstractResponse.parseResponse(toClient.get(1).duplicate(), Wire.header(ApiKeys.METADATA, 12, 2));
        assertThat(metadata.data().brokers())
                .singleElement()
                .satisfies(b -> assertThat(b.host() + ":" + b.port()).isEqualTo("127.0.0.1:40001"));
        assertThat(context.listenersAskedFor).containsExactly(new InetSocketAddress("127.0.0.1", 9092));
        // Produce v13 names the topic by id only: learned from the metadata response.
        var produce = (ProduceResponse)
                AbstractResponse.parseResponse(toClient.get(2).duplicate(), Wire.header(ApiKeys.PRODUCE, 13, 3));
        assertThat(produce.errorCounts()).isEqualTo(Map.of(Errors.NOT_LEADER_OR_FOLLOWER, 1));
        var fetch = (FetchResponse)
                AbstractResponse.parseResponse(toClient.get(4).duplicate(), Wire.header(ApiKeys.FETCH, 12, 5));
        assertThat(fetch.data().responses())
                .extracting(t ->
                        t.topic() + "=" + Errors.forCode(t.partitions().get(0).errorCode()))
                .containsExactly("orders=NOT_LEADER_OR_FOLLOWER", "audit=NONE");
        assertThat(fetch.data().responses().get(0).partitions().get(0).records())
                .isEqualTo(MemoryRecords.EMPTY);
        assertThat(context.acted).containsExactly("kafka_NOT_LEADER_OR_FOLLOWER", "kafka_NOT_LEADER_OR_FOLLOWER");
    }

    @Test
    void an_injected_answer_waits_for_the_broker_to_answer_earlier_requests() {
        var chunks = session(9);
        // Everything the client sends first, then the broker's answers: pipelining.
        var reordered = new ArrayList<RewritingRelay.Chunk>();
        chunks.stream().filter(c -> c.side() == Side.CLIENT).forEach(reordered::add);
        chunks.stream().filter(c -> c.side() == Side.SERVER).forEach(reordered::add);
        var context = run(reordered, null, false);

        assertThat(frames(context.toClient.toByteArray()))
                .extracting(f -> f.getInt(0))
                .containsExactly(1, 2, 3, 4, 5);
        assertThat(frames(context.toServer.toByteArray()))
                .extracting(f -> f.getInt(4))
                .containsExactly(1, 2, 4);
        assertThat(context.order).containsExactly(Side.SERVER, Side.CLIENT);
    }

    @Test
    void fragments_of_any_size_give_the_same_result() {
        var whole = run(session(), null, false);
        var one = run(session(), null, true);
        assertThat(one.toClient.toByteArray()).isEqualTo(whole.toClient.toByteArray());
        assertThat(one.toServer.toByteArray()).isEqualTo(whole.toServer.toByteArray());
        assertThat(one.order).isEqualTo(whole.order);
        assertThat(one.acted).isEqualTo(whole.acted);
        for (int seed = 0; seed < 50; seed++) {
            var random = run(session(), new Random(seed), false);
            assertThat(random.toClient.toByteArray()).as("seed %d", seed).isEqualTo(whole.toClient.toByteArray());
            assertThat(random.toServer.toByteArray()).as("seed %d", seed).isEqualTo(whole.toServer.toByteArray());
            assertThat(random.order).as("seed %d", seed).isEqualTo(whole.order);
        }
    }

    @Test
    void without_faults_requests_pass_unchanged_and_only_addresses_change() {
        var context = new FakeContext();
        InlineHandler handler = new KafkaCodec().newInlineHandler(context);
        var clientBytes = new ByteArrayOutputStream();
        for (var chunk : session()) {
            handler.onData(chunk.side(), ByteBuffer.wrap(chunk.bytes()));
            if (chunk.side() == Side.CLIENT) {
                clientBytes.writeBytes(chunk.bytes());
            }
        }
        assertThat(context.toServer.toByteArray()).isEqualTo(clientBytes.toByteArray());
        assertThat(context.acted).isEmpty();
    }

    @Test
    void bytes_that_are_not_kafka_pass_through_unchanged_from_then_on() {
        var context = new FakeContext();
        InlineHandler handler = new KafkaCodec().newInlineHandler(context);
        var garbage = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3};
        var random = new byte[4096];
        new Random(7).nextBytes(random);
        handler.onData(Side.CLIENT, ByteBuffer.wrap(garbage));
        handler.onData(Side.CLIENT, ByteBuffer.wrap(random));
        handler.onData(Side.SERVER, ByteBuffer.wrap(random));
        var expected = new ByteArrayOutputStream();
        expected.writeBytes(garbage);
        expected.writeBytes(random);
        assertThat(context.toServer.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(context.toClient.toByteArray()).isEqualTo(random);
    }

    @Test
    void random_and_mutated_frames_never_throw_and_without_faults_every_byte_goes_on() {
        var random = new Random(42);
        var session = session();
        for (int run = 0; run < 400; run++) {
            boolean withFault = run % 2 == 0;
            var context = new FakeContext();
            if (withFault) {
                context.faults.add(active(KafkaFaults.produceError("*", Errors.REQUEST_TIMED_OUT)));
            }
            InlineHandler handler = new KafkaCodec().newInlineHandler(context);
            var clientIn = new ByteArrayOutputStream();
            long serverIn = 0;
            boolean serverMutated = false;
            for (var chunk : session) {
                var bytes = chunk.bytes().clone();
                int mutations = random.nextInt(3);
                for (int m = 0; m < mutations; m++) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                }
                if (random.nextInt(10) == 0) {
                    random.nextBytes(bytes);
                    mutations++;
                }
                serverMutated |= chunk.side() == Side.SERVER && mutations > 0;
                int at = 0;
                while (at < bytes.length) {
                    int n = Math.min(bytes.length - at, 1 + random.nextInt(32));
                    handler.onData(chunk.side(), ByteBuffer.wrap(bytes, at, n).asReadOnlyBuffer());
                    at += n;
                }
                if (chunk.side() == Side.CLIENT) {
                    clientIn.writeBytes(bytes);
                } else {
                    serverIn += bytes.length;
                }
            }
            handler.onEnd(Side.CLIENT);
            handler.onEnd(Side.SERVER);
            if (withFault) {
                assertThat((long) context.toServer.size()).isLessThanOrEqualTo(clientIn.size());
            } else {
                assertThat(context.toServer.toByteArray()).as("run %d", run).isEqualTo(clientIn.toByteArray());
                // The broker's frames, when not mutated, are rewritten at the same length (127.0.0.1:9092 ->
                // 127.0.0.1:40001); a mutated frame that still parses may be serialised at another length.
                if (!serverMutated) {
                    assertThat((long) context.toClient.size()).as("run %d", run).isEqualTo(serverIn);
                }
            }
        }
    }

    @Test
    void a_partial_frame_held_at_the_end_is_passed_on() {
        var context = new FakeContext();
        context.faults.add(active(KafkaFaults.produceError("orders", Errors.REQUEST_TIMED_OUT)));
        InlineHandler handler = new KafkaCodec().newInlineHandler(context);
        var frame = Wire.request(
                Wire.header(ApiKeys.PRODUCE, 9, 1),
                Wire.produce("orders", (short) -1, Wire.records(Compression.NONE, "o", 1), 9));
        handler.onData(Side.CLIENT, ByteBuffer.wrap(frame, 0, frame.length - 3));
        assertThat(context.toServer.size()).isZero();
        handler.onEnd(Side.CLIENT);
        assertThat(context.toServer.toByteArray()).isEqualTo(java.util.Arrays.copyOf(frame, frame.length - 3));
    }

    @Test
    void frames_over_the_hold_limit_stream_through_unchanged_as_they_come() {
        var context = new FakeContext();
        context.faults.add(active(KafkaFaults.produceError("*", Errors.REQUEST_TIMED_OUT)));
        var handler = new dev.chaostesting.protocols.kafka.internal.KafkaInline(
                context, new dev.chaostesting.protocols.kafka.internal.TopicNames(), context::listenerFor, 200);
        var produceHeader = Wire.header(ApiKeys.PRODUCE, 9, 1);
        var big = Wire.request(
                produceHeader, Wire.produce("orders", (short) -1, Wire.records(Compression.NONE, "o", 20), 9));
        assertThat(big.length).isGreaterThan(200);
        // Streamed: each fragment is passed on as it comes, before the frame is whole.
        handler.onData(Side.CLIENT, ByteBuffer.wrap(big, 0, 100));
        assertThat(context.toServer.size()).isEqualTo(100);
        handler.onData(Side.CLIENT, ByteBuffer.wrap(big, 100, big.length - 100));
        assertThat(context.toServer.toByteArray()).isEqualTo(big);
        assertThat(context.acted).isEmpty();
        // A response too big to hold is not rewritten, and still ends the request's turn.
        var metadataHeader = Wire.header(ApiKeys.METADATA, 12, 2);
        handler.onData(
                Side.CLIENT,
                ByteBuffer.wrap(Wire.request(
                        metadataHeader, new MetadataRequest(new MetadataRequestData().setTopics(null), (short) 12))));
        var metadata = new MetadataResponseData().setClusterId("c".repeat(300));
        metadata.brokers()
                .add(new MetadataResponseData.MetadataResponseBroker()
                        .setNodeId(0)
                        .setHost("127.0.0.1")
                        .setPort(9092));
        var response = Wire.response(metadataHeader, metadata);
        handler.onData(Side.SERVER, ByteBuffer.wrap(response));
        assertThat(context.toClient.toByteArray()).isEqualTo(response);
        assertThat(context.listenersAskedFor).isEmpty();
        // A small faulted produce after it is answered at once: no earlier turn is waiting.
        var small = Wire.request(
                Wire.header(ApiKeys.PRODUCE, 9, 3),
                Wire.produce("orders", (short) -1, Wire.records(Compression.NONE, "s", 1), 9));
        assertThat(small.length).isLessThan(200);
        context.toClient.reset();
        handler.onData(Side.CLIENT, ByteBuffer.wrap(small));
        assertThat(frames(context.toClient.toByteArray()))
                .extracting(f -> f.getInt(0))
                .containsExactly(3);
        assertThat(context.acted).containsExactly("kafka_REQUEST_TIMED_OUT");
    }

    @Test
    void bad_specs_are_refused_in_one_line() {
        var codec = new KafkaCodec();
        assertThatThrownBy(() -> codec.checkFault(Map.of("match", Map.of("apiKeys", "PRODUCER"))))
                .hasMessage("kafka fault: match.apiKeys 'PRODUCER' (expected an API key name of kafka-clients'"
                        + " ApiKeys, e.g. PRODUCE, FETCH, METADATA)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("match", Map.of("apiKeys", "METADATA", "topic", "x"))))
                .hasMessage("kafka fault: match.topic with apiKeys [METADATA] (expected only PRODUCE and FETCH)");
        assertThatThrownBy(() -> codec.checkFault(Map.of("match", Map.of("apiKeys", "FETCH"), "error", "OOPS")))
                .hasMessageStartingWith("kafka fault: error 'OOPS' (expected an error name");
        assertThatThrownBy(() -> codec.checkFault(Map.of("error", "NOT_LEADER_OR_FOLLOWER")))
                .hasMessageStartingWith("kafka fault: match (expected a map with apiKeys");
        assertThatThrownBy(() -> codec.checkFault(Map.of("match", Map.of("apiKeys", "FETCH"), "when", 1)))
                .hasMessage("kafka fault: unknown field 'when' (expected: match, error)");
        codec.checkFault(Map.of("match", Map.of("apiKeys", List.of("PRODUCE", "FETCH"), "topic", "orders*")));
        assertThat(Faults.protocol("kafka", Map.of("match", Map.of("apiKeys", "FETCH")))
                        .name())
                .isEqualTo("kafka_fault");
    }
}
