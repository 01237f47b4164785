package dev.chaostesting.protocols.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedisDetectionTest {

    private static final RedisCodec CODEC = new RedisCodec();

    private static Detection detect(String first) {
        return CODEC.detect(
                Side.CLIENT,
                ByteBuffer.wrap(first.getBytes(StandardCharsets.ISO_8859_1)).asReadOnlyBuffer());
    }

    @Test
    void an_array_of_bulk_strings_starting_with_a_command_name_matches() {
        assertThat(detect("*1\r\n$4\r\nPING\r\n")).isEqualTo(Detection.MATCH);
        assertThat(detect("*3\r\n$9\r\nFT.SEARCH\r\n$1")).isEqualTo(Detection.MATCH);
        var full = "*2\r\n$3\r\nGET\r\n";
        for (int n = 1; n < full.length() - 1; n++) {
            assertThat(detect(full.substring(0, n))).as(full.substring(0, n)).isEqualTo(Detection.NEED_MORE);
        }
    }

    @Test
    void inline_commands_of_known_names_match_once_the_line_ends() {
        assertThat(detect("PING\r\n")).isEqualTo(Detection.MATCH);
        assertThat(detect("set a b\n")).isEqualTo(Detection.MATCH);
        assertThat(detect("PIN")).isEqualTo(Detection.NEED_MORE);
        assertThat(detect("GET /index.html")).isEqualTo(Detection.NEED_MORE);
    }

    @Test
    void other_protocols_do_not_match() {
        assertThat(detect("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("POST / HTTP/1.1\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("PRI * HTTP/2.0\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("\u0016\u0003\u0001\u0002\u0000")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("*0\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("*1\r\n:1\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("*1\r\n$4\r\nP NG\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(detect("HELLOWORLD\r\n")).isEqualTo(Detection.NO_MATCH);
        assertThat(CODEC.detect(Side.SERVER, ByteBuffer.wrap("+OK\r\n".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(Detection.NO_MATCH);
    }

    @Test
    void name_and_port_hint() {
        assertThat(CODEC.name()).isEqualTo("redis");
        assertThat(CODEC.portHints()).containsExactly(6379);
    }
}
