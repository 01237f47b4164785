package dev.chaostesting.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyTest {

    @Test
    void body_text_is_utf8_only_when_the_bytes_are_valid_utf8() {
        assertThat(Body.of("plain ascii".getBytes(StandardCharsets.US_ASCII)).textIfValid())
                .isEqualTo("plain ascii");
        assertThat(Body.of("héllo wörld ✓ 😀".getBytes(StandardCharsets.UTF_8)).textIfValid())
                .isEqualTo("héllo wörld ✓ 😀");
        // The replacement character itself is valid text.
        assertThat(Body.of("a\uFFFDb".getBytes(StandardCharsets.UTF_8)).textIfValid())
                .isEqualTo("a\uFFFDb");
        for (var invalid : List.of(
                new byte[] {'a', (byte) 0xff, 'b'},
                new byte[] {(byte) 0xc3}, // cut short
                new byte[] {(byte) 0xc0, (byte) 0xaf}, // overlong
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a surrogate
                new byte[] {(byte) 0xef, (byte) 0xbf, (byte) 0xbd, (byte) 0xff})) {
            assertThat(Body.of(invalid).textIfValid()).isNull();
            assertThat(Body.of(invalid).isText()).isFalse();
        }
        var bytes = "xx✓yy".getBytes(StandardCharsets.UTF_8);
        assertThat(Body.utf8(bytes, 2, 5)).isEqualTo("✓");
        assertThat(Body.utf8(bytes, 2, 4)).isNull();
        assertThat(Body.utf8(bytes, 0, 0)).isEmpty();
    }
}
