package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MysqlDetectionTest {

    private static final MysqlCodec CODEC = new MysqlCodec();

    static Detection detect(Side side, byte[] bytes) {
        return CODEC.detect(side, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    }

    @Test
    void a_server_greeting_is_claimed_once_seen_and_every_shorter_prefix_asks_for_more() {
        for (var greeting : new byte[][] {
            greeting("8.0.36", BASE, "caching_sha2_password"),
            greeting("5.5.5-10.11.19-MariaDB-0+deb12u1", BASE & ~1L, "mysql_native_password")
        }) {
            assertThat(detect(Side.SERVER, greeting)).isEqualTo(Detection.MATCH);
            int matchedAt = -1;
            for (int n = 0; n < greeting.length; n++) {
                var d = detect(Side.SERVER, Arrays.copyOf(greeting, n));
                if (d == Detection.MATCH && matchedAt < 0) {
                    matchedAt = n;
                }
                assertThat(d).as("first %d bytes", n).isNotEqualTo(Detection.NO_MATCH);
            }
            assertThat(matchedAt)
                    .as("claimed once the filler after the scramble is seen")
                    .isPositive();
        }
    }

    @Test
    void clients_that_speak_first_and_other_server_greetings_are_not_claimed() {
        var greeting = greeting("8.0.36", BASE, "caching_sha2_password");
        assertThat(detect(Side.CLIENT, greeting)).isEqualTo(Detection.NO_MATCH);
        assertThat(detect(Side.SERVER, "220 smtp.example.com ESMTP\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Detection.NO_MATCH);
        assertThat(detect(Side.SERVER, "+OK POP3 ready\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Detection.NO_MATCH);
        assertThat(detect(Side.SERVER, "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(Detection.NO_MATCH);
        var otherProtocol = greeting.clone();
        otherProtocol[4] = 9;
        assertThat(detect(Side.SERVER, otherProtocol)).isEqualTo(Detection.NO_MATCH);
        var notFirstPacket = greeting.clone();
        notFirstPacket[3] = 1;
        assertThat(detect(Side.SERVER, notFirstPacket)).isEqualTo(Detection.NO_MATCH);
        var binaryVersion = greeting.clone();
        binaryVersion[7] = 1;
        assertThat(detect(Side.SERVER, binaryVersion)).isEqualTo(Detection.NO_MATCH);
    }

    @Test
    void the_codec_is_found_by_the_service_loader_with_its_name_and_port() {
        var codec = dev.chaostesting.internal.observe.Codecs.load().byName("mysql");
        assertThat(codec).isPresent();
        assertThat(codec.get().portHints()).containsExactly(3306);
    }
}
