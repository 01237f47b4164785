package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which first bytes the codec claims. */
class Http1DetectionTest {

    private final Http1Codec codec = new Http1Codec();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET ",
                "GET /",
                "POST /api HTTP/1.1\r\n",
                "PUT ",
                "DELETE ",
                "PATCH ",
                "HEAD ",
                "OPTIONS * HTTP/1.1",
                "CONNECT host:443 HTTP/1.1",
                "TRACE ",
                "PROPFIND /dav HTTP/1.1",
                "MKCOL /x",
                "BASELINE-CONTROL /x",
                "PURGE *",
                "M-SEARCH http://x/",
                "LINK HTTP://X/"
            })
    void match(String firstBytes) {
        assertThat(detect(Side.CLIENT, firstBytes)).isEqualTo(Detection.MATCH);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "G", "GE", "GET", "POS", "PROPFIND", "PROPFIND ", "FOO h", "FOO htt", "BASELINE-CONTRO"})
    void needMore(String firstBytes) {
        assertThat(detect(Side.CLIENT, firstBytes)).isEqualTo(Detection.NEED_MORE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "PRI ",
                "get / HTTP/1.1",
                "Get / HTTP/1.1",
                " GET /",
                "\r\nGET /",
                "HELLO world",
                "FOO x",
                "FOO hxtp",
                "AVERYLONGMETHODNAME /",
                "GET\t/",
                "-GET /",
                "SSH-2.0-OpenSSH_9.6\r\n",
                "{\"json\": true}"
            })
    void noMatch(String firstBytes) {
        assertThat(detect(Side.CLIENT, firstBytes)).isEqualTo(Detection.NO_MATCH);
    }

    @Test
    void tlsIsNotHttp() {
        var clientHello = new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03};
        assertThat(codec.detect(Side.CLIENT, ByteBuffer.wrap(clientHello).asReadOnlyBuffer()))
                .isEqualTo(Detection.NO_MATCH);
    }

    @Test
    void serverSpeakingFirstIsNotHttp() {
        assertThat(detect(Side.SERVER, "GET / HTTP/1.1\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect(Side.SERVER, "220 smtp.example ESMTP\r\n")).isEqualTo(Detection.NO_MATCH);
    }

    @Test
    void detectionReadsFromThePositionWithoutMovingIt() {
        var buffer = ByteBuffer.wrap("xxGET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII));
        buffer.position(2);
        assertThat(codec.detect(Side.CLIENT, buffer.asReadOnlyBuffer())).isEqualTo(Detection.MATCH);
        assertThat(buffer.position()).isEqualTo(2);
    }

    @Test
    void registeredAsAService() {
        var codecs = Codecs.load(Http1Codec.class.getClassLoader());
        assertThat(codecs.byName("http")).get().isInstanceOf(Http1Codec.class);
        assertThat(codec.portHints()).contains(80, 8080, 8000, 3000, 5000);
    }

    @Test
    void serverFirstConnectionIsRecordedRaw() {
        var interactions = Script.create()
                .server("220 ready\r\n")
                .client("GET / HTTP/1.1\r\n\r\n")
                .close()
                .runAllWays();

        assertThat(interactions).extracting(Interaction::protocol).containsOnly("tcp");
    }

    @Test
    void http2PriorKnowledgeIsRecordedRaw() {
        var interactions = Script.create()
                .client("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
                .server(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0})
                .close()
                .runAllWays();

        assertThat(interactions).extracting(Interaction::protocol).containsOnly("tcp");
        assertThat(Script.rawBytes(interactions, Side.CLIENT))
                .isEqualTo("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private Detection detect(Side side, String firstBytes) {
        var bytes = ByteBuffer.wrap(firstBytes.getBytes(StandardCharsets.ISO_8859_1))
                .asReadOnlyBuffer();
        return codec.detect(side, bytes);
    }
}
