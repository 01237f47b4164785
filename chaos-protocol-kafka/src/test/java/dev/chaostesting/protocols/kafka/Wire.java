package dev.chaostesting.protocols.kafka;

import dev.chaostesting.protocols.kafka.internal.Frames;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** Kafka frames made with kafka-clients' own classes, as a client and a broker put them on the wire. */
final class Wire {

    private final List<RewritingRelay.Chunk> chunks = new ArrayList<>();

    static RequestHeader header(ApiKeys key, int version, int correlationId) {
        return new RequestHeader(key, (short) version, "test-client", correlationId);
    }

    /** A request frame, length prefix included. */
    static byte[] request(RequestHeader header, AbstractRequest request) {
        return withLength(request.serializeWithHeader(header));
    }

    /** A response frame, length prefix included. */
    static byte[] response(RequestHeader header, ApiMessage body) {
        return withLength(Frames.response(header, body));
    }

    static byte[] withLength(ByteBuffer frame) {
        var out = ByteBuffer.allocate(4 + frame.remaining());
        out.putInt(frame.remaining()).put(frame.duplicate());
        return out.array();
    }

    /** Records as a producer batches them: keys {@code key-i}, values {@code prefix-i}, one header each. */
    static MemoryRecords records(Compression compression, String prefix, int count) {
        var records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(
                    1_700_000_000_000L + i,
                    ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    (prefix + "-" + i).getBytes(StandardCharsets.UTF_8),
                    new RecordHeader[] {new RecordHeader("trace", ("t" + i).getBytes(StandardCharsets.UTF_8))});
        }
        return MemoryRecords.withRecords(compression, records);
    }

    static ProduceRequest produce(String topic, short acks, MemoryRecords records, int version) {
        var data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        var topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        if (version >= 13) {
            topicData.setName("").setTopicId(Uuid.fromString("Ih1B9uAXSC667gzOOg83bQ"));
        }
        topicData
                .partitionData()
                .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        return new ProduceRequest(data, (short) version);
    }

    Wire client(byte[] bytes) {
        chunks.add(new RewritingRelay.Chunk(Side.CLIENT, bytes));
        return this;
    }

    Wire server(byte[] bytes) {
        chunks.add(new RewritingRelay.Chunk(Side.SERVER, bytes));
        return this;
    }

    Wire client(RequestHeader header, AbstractRequest request) {
        return client(request(header, request));
    }

    Wire server(RequestHeader header, ApiMessage body) {
        return server(response(header, body));
    }

    List<RewritingRelay.Chunk> chunks() {
        return List.copyOf(chunks);
    }
}
