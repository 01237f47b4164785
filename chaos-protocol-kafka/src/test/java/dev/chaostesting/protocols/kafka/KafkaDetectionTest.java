package dev.chaostesting.protocols.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class KafkaDetectionTest {

    private final KafkaCodec codec = new KafkaCodec();

    @Test
    void names_itself_kafka_with_port_9092() {
        assertThat(codec.name()).isEqualTo("kafka");
        assertThat(codec.portHints()).containsExactly(9092);
    }

    @Test
    void a_client_first_frame_matches_and_every_prefix_of_it_asks_for_more() {
        for (var frame : new byte[][] {
            Wire.request(
                    Wire.header(ApiKeys.API_VERSIONS, 4, 0),
                    new ApiVersionsRequest(
                            new ApiVersionsRequestData()
                                    .setClientSoftwareName("apache-kafka-java")
                                    .setClientSoftwareVersion("4.2.0"),
                            (short) 4)),
            Wire.request(
                    new RequestHeader(ApiKeys.METADATA, (short) 0, null, 1),
                    new MetadataRequest(new MetadataRequestData(), (short) 0)),
        }) {
            assertThat(detect(frame, frame.length)).isEqualTo(Detection.MATCH);
            int clientIdEnd = 14 + Math.max(0, ByteBuffer.wrap(frame).getShort(12));
            for (int n = 0; n < clientIdEnd; n++) {
                assertThat(detect(frame, n)).as("first %d bytes", n).isEqualTo(Detection.NEED_MORE);
            }
        }
    }

    @Test
    void other_protocols_and_implausible_frames_do_not_match() {
        assertThat(detect("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Detection.NO_MATCH);
        // A TLS ClientHello: Kafka over TLS is not recognised (recorded as raw TCP).
        assertThat(detect(HexFormat.of().parseHex("160301020001000200030300000000000000")))
                .isEqualTo(Detection.NO_MATCH);
        // PostgreSQL startup message.
        assertThat(detect(HexFormat.of().parseHex("0000000800030000"))).isEqualTo(Detection.NO_MATCH);
        assertThat(detect(frame(200 << 20, 18, 3, 1, "x"))).as("length").isEqualTo(Detection.NO_MATCH);
        assertThat(detect(frame(20, 999, 0, 1, "x"))).as("api key").isEqualTo(Detection.NO_MATCH);
        assertThat(detect(frame(20, 18, 300, 1, "x"))).as("version").isEqualTo(Detection.NO_MATCH);
        assertThat(detect(frame(20, 18, 3, 1, "a\u0001"))).as("client id").isEqualTo(Detection.NO_MATCH);
        assertThat(detect(frame(12, 18, 3, 1, "abcdefgh")))
                .as("client id past the frame")
                .isEqualTo(Detection.NO_MATCH);
        var frame = Wire.request(
                Wire.header(ApiKeys.API_VERSIONS, 3, 0),
                new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 3));
        assertThat(codec.detect(Side.SERVER, ByteBuffer.wrap(frame))).isEqualTo(Detection.NO_MATCH);
    }

    private Detection detect(byte[] bytes) {
        return detect(bytes, bytes.length);
    }

    private Detection detect(byte[] bytes, int n) {
        return codec.detect(Side.CLIENT, ByteBuffer.wrap(bytes, 0, n).slice().asReadOnlyBuffer());
    }

    private static byte[] frame(int length, int key, int version, int correlationId, String clientId) {
        var id = clientId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(14 + id.length)
                .putInt(length)
                .putShort((short) key)
                .putShort((short) version)
                .putInt(correlationId)
                .putShort((short) id.length)
                .put(id)
                .array();
    }
}
