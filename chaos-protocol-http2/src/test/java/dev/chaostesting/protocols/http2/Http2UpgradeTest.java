package dev.chaostesting.protocols.http2;

import static dev.chaostesting.protocols.http2.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The entry point the HTTP/1.1 codec hands an {@code Upgrade: h2c} connection to after the 101. */
class Http2UpgradeTest {

    @Test
    void stream_one_pairs_the_upgraded_request_with_its_http2_response() {
        var emitted = new ArrayList<Interaction>();
        var failed = new ArrayList<String>();
        var context = new TestContext(emitted, failed);
        var upgrade = HttpRequest.builder()
                .method("GET")
                .target("/index.html")
                .headers(Headers.of(
                        "Host",
                        "example",
                        "Connection",
                        "Upgrade, HTTP2-Settings",
                        "Upgrade",
                        "h2c",
                        // SETTINGS_HEADER_TABLE_SIZE = 8192, base64url without padding
                        "HTTP2-Settings",
                        "AAEAACAA"))
                .build();
        var f = new Frames();
        var decoder = new Http2Codec().newUpgradedDecoder(context, upgrade, 1000, 2000, 120);
        decoder.onData(Side.SERVER, ByteBuffer.wrap(Frames.settings()), 3000);
        decoder.onData(Side.CLIENT, ByteBuffer.wrap(Frames.concat(Frames.PREFACE, Frames.settings())), 3500);
        decoder.onData(
                Side.SERVER,
                ByteBuffer.wrap(Frames.concat(
                        Frames.settingsAck(),
                        frame(1, 0x04, 1, f.block(Side.SERVER, ":status", "200", "content-type", "text/html")),
                        frame(0, 0x01, 1, "<p>hi</p>".getBytes(StandardCharsets.UTF_8)))),
                4000);
        decoder.onData(
                Side.CLIENT,
                ByteBuffer.wrap(
                        frame(1, 0x05, 3, f.block(Side.CLIENT, ":method", "GET", ":scheme", "http", ":path", "/next"))),
                5000);
        decoder.onData(Side.SERVER, ByteBuffer.wrap(frame(1, 0x05, 3, f.block(Side.SERVER, ":status", "404"))), 6000);

        assertThat(failed).isEmpty();
        assertThat(emitted).hasSize(2);
        var first = emitted.get(0);
        assertThat(first.protocol()).isEqualTo("http2");
        assertThat(first.attributes()).containsEntry("streamId", "1").containsEntry("authority", "example");
        assertThat(first.httpRequest().target()).isEqualTo("/index.html");
        assertThat(first.httpResponse().body().text()).isEqualTo("<p>hi</p>");
        assertThat(first.timeToFirstByteMicros()).isEqualTo(3000);
        assertThat(first.requestBytes()).isEqualTo(120);
        assertThat(emitted.get(1).httpResponse().status()).isEqualTo(404);
    }
}
