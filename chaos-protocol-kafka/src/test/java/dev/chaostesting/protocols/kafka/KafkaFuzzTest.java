package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.Side;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded mutations of a real conversation (flipped bytes, cut and repeated chunks, random length prefixes, noise):
 * whatever the input, the decoder never throws, agrees with itself however the bytes are fragmented, and accounts for
 * every byte of both sides.
 */
@Timeout(180)
class KafkaFuzzTest {

    private static final String SECRET = "fuzz-s3cr3t";

    @Test
    void mutated_conversations_never_break_the_decoder_and_every_byte_is_accounted_for() throws Exception {
        var base = conversation();
        var random = new Random(20261124);
        // A fixed number of runs, so the result does not depend on how busy the machine is.
        int runs = 0;
        while (runs < 80) {
            var chunks = mutate(base, random);
            var whole = Replay.run(chunks, Replay.Feed.WHOLE, runs, 1 << 20);
            var fragmented = Replay.run(chunks, Replay.Feed.RANDOM, runs, 1 << 20);
            // Decoded exchanges are the same however the bytes came; after a fail-open, raw TCP turns may be cut
            // differently (the handed-back bytes of both sides lose their interleaving) but hold the same bytes.
            assertThat(kafka(fragmented)).as("run %d", runs).isEqualTo(kafka(whole));
            for (var side : Side.values()) {
                assertThat(raw(fragmented, side)).as("run %d", runs).isEqualTo(raw(whole, side));
            }
            for (var i : whole) {
                assertThat(String.valueOf(i.attributes().get("decodeError")))
                        .as("run %d", runs)
                        .doesNotStartWith("kafka decoder failed");
            }
            assertThat(whole.stream().mapToLong(Interaction::requestBytes).sum())
                    .as("client bytes, run %d", runs)
                    .isEqualTo(total(chunks, Side.CLIENT));
            assertThat(whole.stream().mapToLong(Interaction::responseBytes).sum())
                    .as("server bytes, run %d", runs)
                    .isEqualTo(total(chunks, Side.SERVER));
            if (chunks.size() >= 10 && chunks.subList(0, 10).equals(base.subList(0, 10))) {
                // The SASL handshake went through intact: its credentials are never stored, whatever came after.
                assertThat(KafkaDecoderTest.json(whole)).as("run %d", runs).doesNotContain(SECRET);
            }
            runs++;
        }
        assertThat(runs).isEqualTo(80);
    }

    @Test
    void random_bytes_after_a_valid_start_never_break_the_decoder() {
        var random = new Random(7);
        var first = Wire.header(ApiKeys.API_VERSIONS, 3, 1);
        for (int run = 0; run < 200; run++) {
            var noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            var wire = new Wire()
                    .client(first, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                    .client(noise)
                    .server(Arrays.copyOf(noise, random.nextInt(noise.length + 1)));
            var whole = Replay.run(wire.chunks(), Replay.Feed.WHOLE, run, 1024);
            var bytes = Replay.run(wire.chunks(), Replay.Feed.BYTES, run, 1024);
            assertThat(kafka(bytes)).isEqualTo(kafka(whole));
            assertThat(raw(bytes, Side.CLIENT)).isEqualTo(raw(whole, Side.CLIENT));
            assertThat(whole)
                    .allSatisfy(i -> assertThat(String.valueOf(i.attributes().get("decodeError")))
                            .doesNotStartWith("kafka decoder failed"));
        }
    }

    private static List<RewritingRelay.Chunk> conversation() {
        var versions = Wire.header(ApiKeys.API_VERSIONS, 3, 1);
        var metadata = Wire.header(ApiKeys.METADATA, 12, 2);
        var produce = Wire.header(ApiKeys.PRODUCE, 12, 3);
        var fetch = Wire.header(ApiKeys.FETCH, 13, 4);
        var handshake = Wire.header(ApiKeys.SASL_HANDSHAKE, 1, 5);
        var sasl = Wire.header(ApiKeys.SASL_AUTHENTICATE, 2, 6);
        var topicId = Uuid.fromString("Ih1B9uAXSC667gzOOg83bQ");
        var metadataResponse = new MetadataResponseData();
        metadataResponse
                .topics()
                .add(new MetadataResponseData.MetadataResponseTopic()
                        .setName("orders")
                        .setTopicId(topicId));
        var fetchRequest = new FetchRequestData().setReplicaId(-1);
        fetchRequest.topics().add(new FetchRequestData.FetchTopic().setTopicId(topicId));
        var fetchResponse = new FetchResponseData();
        var fetched = new FetchResponseData.FetchableTopicResponse().setTopicId(topicId);
        fetched.partitions()
                .add(new FetchResponseData.PartitionData()
                        .setPartitionIndex(0)
                        .setRecords(Wire.records(Compression.lz4().build(), "fetched", 5)));
        fetchResponse.responses().add(fetched);
        return new Wire()
                .client(versions, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3))
                .server(versions, new ApiVersionsResponseData())
                .client(metadata, new MetadataRequest(new MetadataRequestData(), (short) 12))
                .server(metadata, metadataResponse)
                .client(
                        produce,
                        Wire.produce(
                                "orders",
                                (short) -1,
                                Wire.records(Compression.gzip().build(), "p", 5),
                                12))
                .server(produce, new ProduceResponseData())
                .client(fetch, new FetchRequest(fetchRequest, (short) 13))
                .server(fetch, fetchResponse)
                .client(
                        handshake,
                        new SaslHandshakeRequest(new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 1))
                .server(handshake, new SaslHandshakeResponseData().setMechanisms(List.of("PLAIN")))
                .client(
                        sasl,
                        new SaslAuthenticateRequest(
                                new SaslAuthenticateRequestData().setAuthBytes(SECRET.getBytes(StandardCharsets.UTF_8)),
                                (short) 2))
                .server(sasl, new SaslAuthenticateResponseData())
                .chunks();
    }

    private static List<RewritingRelay.Chunk> mutate(List<RewritingRelay.Chunk> base, Random random) {
        var chunks = new ArrayList<>(base);
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int index = random.nextInt(chunks.size());
            var chunk = chunks.get(index);
            var bytes = chunk.bytes().clone();
            if (bytes.length < 4) {
                continue;
            }
            switch (random.nextInt(6)) {
                case 0 -> { // flip bytes
                    for (int k = 0; k < 1 + random.nextInt(4); k++) {
                        bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                    chunks.set(index, new RewritingRelay.Chunk(chunk.side(), bytes));
                }
                case 1 ->
                    chunks.set( // cut short
                            index,
                            new RewritingRelay.Chunk(chunk.side(), Arrays.copyOf(bytes, random.nextInt(bytes.length))));
                case 2 -> chunks.add(index, chunk); // repeated
                case 3 -> chunks.remove(index); // lost
                case 4 -> { // a random length prefix
                    int length = random.nextBoolean() ? random.nextInt() : random.nextInt(bytes.length + 8);
                    bytes[0] = (byte) (length >>> 24);
                    bytes[1] = (byte) (length >>> 16);
                    bytes[2] = (byte) (length >>> 8);
                    bytes[3] = (byte) length;
                    chunks.set(index, new RewritingRelay.Chunk(chunk.side(), bytes));
                }
                default -> { // noise inserted
                    var noise = new byte[1 + random.nextInt(40)];
                    random.nextBytes(noise);
                    chunks.add(
                            index, new RewritingRelay.Chunk(random.nextBoolean() ? Side.CLIENT : Side.SERVER, noise));
                }
            }
            if (chunks.isEmpty()) {
                chunks.addAll(base);
            }
        }
        return chunks;
    }

    private static List<Interaction> kafka(List<Interaction> interactions) {
        return interactions.stream().filter(i -> i.protocol().equals("kafka")).toList();
    }

    private static byte[] raw(List<Interaction> interactions, Side side) {
        var out = new java.io.ByteArrayOutputStream();
        for (var i : interactions) {
            if ((side == Side.CLIENT ? i.request() : i.response()) instanceof TcpData data) {
                out.writeBytes(data.data().bytes());
            }
        }
        return out.toByteArray();
    }

    private static long total(List<RewritingRelay.Chunk> chunks, Side side) {
        return chunks.stream()
                .filter(c -> c.side() == side)
                .mapToLong(c -> c.bytes().length)
                .sum();
    }
}
