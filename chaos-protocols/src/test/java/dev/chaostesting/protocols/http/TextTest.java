package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void latin1IsIso88591DecodingForEveryByteAndRange() {
        var all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertThat(Text.latin1(all, 0, all.length)).isEqualTo(new String(all, StandardCharsets.ISO_8859_1));
        var random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            int from = random.nextInt(all.length + 1);
            int to = from + random.nextInt(all.length - from + 1);
            assertThat(Text.latin1(all, from, to))
                    .isEqualTo(new String(all, from, to - from, StandardCharsets.ISO_8859_1));
        }
        assertThat(Text.latin1(all, 7, 7)).isEmpty();
    }
}
