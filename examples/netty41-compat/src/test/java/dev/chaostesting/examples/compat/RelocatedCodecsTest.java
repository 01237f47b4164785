package dev.chaostesting.examples.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.StructuredMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The all-in-one artifact carries every codec, with the libraries they stand on relocated (kafka-clients, JSqlParser,
 * protobuf): the codecs are found and decode with the relocated classes.
 */
class RelocatedCodecsTest {

    /** A Kafka ApiVersions v3 request, as a client sends it first: length, api key 18, version 3, correlation 7. */
    private static byte[] apiVersionsRequest() {
        var clientId = "compat".getBytes(StandardCharsets.UTF_8);
        var body = ByteBuffer.allocate(64);
        body.putShort((short) 18).putShort((short) 3).putInt(7);
        body.putShort((short) clientId.length).put(clientId);
        body.put((byte) 0); // header tagged fields
        var name = "java".getBytes(StandardCharsets.UTF_8);
        body.put((byte) (name.length + 1)).put(name); // client software name (compact string)
        var version = "1".getBytes(StandardCharsets.UTF_8);
        body.put((byte) (version.length + 1)).put(version);
        body.put((byte) 0); // request tagged fields
        body.flip();
        var frame = ByteBuffer.allocate(4 + body.remaining());
        frame.putInt(body.remaining()).put(body);
        return frame.array();
    }

    @Test
    void a_kafka_request_is_decoded_by_the_relocated_kafka_classes() throws Exception {
        try (var broker = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            var accepting = new Thread(() -> {
                try (var s = broker.accept()) {
                    s.getInputStream().readNBytes(apiVersionsRequest().length);
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    // the test fails on what is recorded, not here
                }
            });
            accepting.start();
            try (var proxy = Interceptor.onPort(broker.getLocalPort()).record().start()) {
                try (var client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                    client.getOutputStream().write(apiVersionsRequest());
                    accepting.join(5_000);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (proxy.recording().interactions().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                var interaction = proxy.recording().interactions().get(0);
                assertThat(interaction.protocol()).isEqualTo("kafka");
                assertThat(((StructuredMessage) interaction.request()).get("apiKey"))
                        .isEqualTo("API_VERSIONS");
            }
        }
    }

    @Test
    void every_codec_is_found() throws IOException {
        for (var name : new String[] {"http", "postgresql", "mysql", "redis", "kafka", "http2", "grpc"}) {
            try (var proxy = Interceptor.onPort(9).protocol(name).start()) {
                assertThat(proxy.config().protocol()).isEqualTo(name);
            }
        }
    }
}
