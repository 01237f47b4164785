package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.junit.jupiter.api.Test;

/** Bytes lost from a capture: inside one frame the framing holds and decoding goes on; elsewhere it fails open. */
class KafkaGapTest {

    private final List<Interaction.Builder> out = new ArrayList<>();
    private final ConnectionObserver observer =
            new ConnectionObserver(Replay.CONNECTION, Codecs.of(new KafkaCodec()), null, 1 << 20, out::add);
    private long at = Replay.START;

    @Test
    void bytes_lost_inside_a_request_damage_that_exchange_only() {
        var produceHeader = Wire.header(ApiKeys.PRODUCE, 12, 2);
        var produce = Wire.request(
                produceHeader, Wire.produce("orders", (short) -1, Wire.records(Compression.NONE, "v", 3), 12));
        var versions = Wire.header(ApiKeys.API_VERSIONS, 3, 3);

        data(Side.CLIENT, Arrays.copyOf(produce, 40));
        observer.onGap(Side.CLIENT, 50, at);
        data(Side.CLIENT, Arrays.copyOfRange(produce, 90, produce.length));
        data(Side.SERVER, Wire.response(produceHeader, new ProduceResponseData()));
        data(Side.CLIENT, Wire.request(versions, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3)));
        data(Side.SERVER, Wire.response(versions, new ApiVersionsResponseData()));

        var recorded = out.stream().map(Interaction.Builder::build).toList();
        assertThat(recorded).extracting(Interaction::protocol).containsExactly("kafka", "kafka");
        var damaged = recorded.get(0);
        assertThat(Recorded.apiKey(damaged)).isEqualTo("PRODUCE");
        assertThat(Recorded.request(damaged, "correlationId")).isEqualTo(2);
        assertThat(damaged.attributes().get("decodeError")).isEqualTo("50 bytes missing from the client");
        assertThat(damaged.requestBytes()).isEqualTo(produce.length);
        assertThat(damaged.response()).isNotNull();
        assertThat(recorded.get(1).attributes()).isEmpty();
        assertThat(Recorded.apiKey(recorded.get(1))).isEqualTo("API_VERSIONS");
    }

    @Test
    void bytes_lost_across_frames_fail_open() {
        var versions = Wire.header(ApiKeys.API_VERSIONS, 3, 1);
        var request = Wire.request(versions, new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3));
        data(Side.CLIENT, request);
        observer.onGap(Side.SERVER, 100, at);
        data(Side.SERVER, new byte[] {1, 2, 3});
        observer.onEnd(Side.SERVER, false, at);
        observer.onEnd(Side.CLIENT, false, at);

        var recorded = out.stream().map(Interaction.Builder::build).toList();
        assertThat(recorded).extracting(Interaction::protocol).containsExactly("kafka", "tcp");
        assertThat(recorded.get(0).error()).isEqualTo("response not decoded: 100 bytes missing from the server");
        assertThat(recorded.get(1).attributes().get("decodeError")).isEqualTo("100 bytes missing from the server");
    }

    private void data(Side side, byte[] bytes) {
        at += 1000;
        observer.onData(side, ByteBuffer.wrap(bytes).asReadOnlyBuffer(), at);
    }
}
