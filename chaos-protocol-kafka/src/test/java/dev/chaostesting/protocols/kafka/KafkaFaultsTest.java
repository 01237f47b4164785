package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class KafkaFaultsTest {

    @Test
    void produce_is_answered_with_the_chosen_error_per_partition() {
        for (int version : new int[] {3, 9, 12}) {
            var header = Wire.header(ApiKeys.PRODUCE, version, 41);
            var request = Wire.produce("orders", (short) -1, Wire.records(Compression.NONE, "v", 2), version);

            var frame = KafkaFaults.partitionErrorResponse(
                            header,
                            request,
                            (topic, partition) -> topic.equals("orders") ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.NONE)
                    .orElseThrow();

            var response = (ProduceResponse) AbstractResponse.parseResponse(frame.duplicate(), header);
            assertThat(response.errorCounts()).isEqualTo(Map.of(Errors.NOT_LEADER_OR_FOLLOWER, 1));
            assertThat(correlationId(frame)).isEqualTo(41);
        }
    }

    @Test
    void the_error_response_is_what_the_codec_records_for_that_request() {
        var header = Wire.header(ApiKeys.PRODUCE, 12, 3);
        var request = Wire.produce("orders", (short) -1, Wire.records(Compression.NONE, "v", 1), 12);
        var frame = KafkaFaults.partitionErrorResponse(header, request, (t, p) -> Errors.REQUEST_TIMED_OUT)
                .orElseThrow();

        var recorded = Replay.runAllWays(
                new Wire()
                        .client(header, request)
                        .server(Wire.withLength(frame))
                        .chunks(),
                1 << 20);

        assertThat(recorded).hasSize(1);
        assertThat(Recorded.response(recorded.get(0), "errorCodes"))
                .isEqualTo(List.of(Map.of(
                        "topic",
                        "orders",
                        "partition",
                        0,
                        "code",
                        7,
                        "error",
                        "REQUEST_TIMED_OUT",
                        "message",
                        "The request timed out.")));
    }

    @Test
    void fetch_partitions_get_their_errors_and_no_records() {
        var header = Wire.header(ApiKeys.FETCH, 12, 9);
        var data = new FetchRequestData().setMaxWaitMs(500).setReplicaId(-1);
        var topic = new FetchRequestData.FetchTopic().setTopic("orders");
        topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0));
        topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(1));
        data.topics().add(topic);
        var request = new FetchRequest(data, (short) 12);

        var frame = KafkaFaults.partitionErrorResponse(
                        header, request, (t, p) -> p == 1 ? Errors.OFFSET_OUT_OF_RANGE : Errors.NOT_LEADER_OR_FOLLOWER)
                .orElseThrow();

        var response = (FetchResponse) AbstractResponse.parseResponse(frame, header);
        var partitions = response.data().responses().get(0).partitions();
        assertThat(partitions)
                .extracting(p -> Errors.forCode(p.errorCode()))
                .containsExactly(Errors.NOT_LEADER_OR_FOLLOWER, Errors.OFFSET_OUT_OF_RANGE);
    }

    @Test
    void any_request_can_be_answered_with_one_error_everywhere() {
        var metadataHeader = Wire.header(ApiKeys.METADATA, 12, 5);
        var metadata = new MetadataRequest(
                new MetadataRequestData()
                        .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("orders"))),
                (short) 12);
        var frame = KafkaFaults.errorResponse(metadataHeader, metadata, Errors.UNKNOWN_TOPIC_OR_PARTITION)
                .orElseThrow();
        assertThat(AbstractResponse.parseResponse(frame, metadataHeader).errorCounts())
                .containsEntry(Errors.UNKNOWN_TOPIC_OR_PARTITION, 1);

        var joinHeader = new RequestHeader(ApiKeys.JOIN_GROUP, (short) 9, "c", 6);
        var join = new JoinGroupRequest(
                new JoinGroupRequestData()
                        .setGroupId("g")
                        .setProtocolType("consumer")
                        .setSessionTimeoutMs(10_000),
                (short) 9);
        frame = KafkaFaults.errorResponse(joinHeader, join, Errors.COORDINATOR_NOT_AVAILABLE)
                .orElseThrow();
        assertThat(correlationId(frame)).isEqualTo(6);
        assertThat(AbstractResponse.parseResponse(frame, joinHeader).errorCounts())
                .isEqualTo(Map.of(Errors.COORDINATOR_NOT_AVAILABLE, 1));
    }

    @Test
    void produce_with_acks_zero_gets_no_response_and_mismatches_are_refused() {
        var header = Wire.header(ApiKeys.PRODUCE, 12, 1);
        var fireAndForget = Wire.produce("orders", (short) 0, Wire.records(Compression.NONE, "v", 1), 12);
        assertThat(KafkaFaults.errorResponse(header, fireAndForget, Errors.REQUEST_TIMED_OUT))
                .isEmpty();
        assertThat(KafkaFaults.partitionErrorResponse(header, fireAndForget, (t, p) -> Errors.REQUEST_TIMED_OUT))
                .isEmpty();
        var metadata = new MetadataRequest(new MetadataRequestData(), (short) 12);
        assertThatThrownBy(() -> KafkaFaults.errorResponse(header, metadata, Errors.REQUEST_TIMED_OUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("request: METADATA v12 (expected: PRODUCE v12 as in the header)");
        var metadataHeader = Wire.header(ApiKeys.METADATA, 12, 1);
        assertThatThrownBy(() -> KafkaFaults.partitionErrorResponse(metadataHeader, metadata, (t, p) -> Errors.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("api key: METADATA (expected: PRODUCE or FETCH for errors per partition)");
    }

    private static int correlationId(ByteBuffer frame) {
        return frame.getInt(frame.position());
    }
}
