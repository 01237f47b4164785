package dev.chaostesting.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** ByteInput buffers its reads: the bytes, counts and offsets are those of the stream, however it hands them out. */
class ByteInputTest {

    @Test
    void readsAndSkipsGiveTheStreamsBytesWhateverItsPieces() throws IOException {
        var data = new byte[300_000];
        new Random(3).nextBytes(data);
        for (int piece : new int[] {1, 7, 4096, 65_536, 1 << 20}) {
            var in = new ByteInput(new Pieces(data, piece));
            var random = new Random(piece);
            var copy = new byte[data.length];
            int at = 0;
            while (at < data.length) {
                int n = random.nextInt(4) == 0 ? 70_000 + random.nextInt(10_000) : random.nextInt(2000);
                n = Math.min(n, data.length - at);
                if (random.nextInt(5) == 0) {
                    assertThat(in.skip(n)).isEqualTo(n);
                    System.arraycopy(data, at, copy, at, n);
                } else {
                    assertThat(in.read(copy, at, n)).isEqualTo(n);
                }
                at += n;
                assertThat(in.offset()).isEqualTo(at);
            }
            assertThat(copy).isEqualTo(data);
            assertThat(in.read(new byte[10], 0, 10)).isZero();
            assertThat(in.skip(10)).isZero();
            assertThat(in.offset()).isEqualTo(data.length);
        }
    }

    @Test
    void aShortEndIsReportedAsFewerBytes() throws IOException {
        var in = new ByteInput(new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5}));
        var into = new byte[8];

        assertThat(in.read(into, 0, 2)).isEqualTo(2);
        assertThat(in.read(into, 2, 6)).isEqualTo(3);
        assertThat(Arrays.copyOf(into, 5)).containsExactly(1, 2, 3, 4, 5);
        assertThat(in.offset()).isEqualTo(5);
    }

    @Test
    void bytesAreReturnedAsSoonAsTheOnesAskedForHaveArrived() throws IOException {
        // A stream still being written (tcpdump -w -): read() must not wait to fill its buffer.
        var in = new ByteInput(new Pieces(new byte[] {1, 2, 3}, 1) {
            private int reads;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (++reads > 2) {
                    throw new AssertionError("read more than the 2 bytes asked for");
                }
                return super.read(b, off, len);
            }
        });
        var into = new byte[2];

        assertThat(in.read(into, 0, 2)).isEqualTo(2);
        assertThat(into).containsExactly(1, 2);
    }

    /** Hands out at most {@code piece} bytes per read. */
    private static class Pieces extends InputStream {
        private final byte[] data;
        private final int piece;
        private int at;

        Pieces(byte[] data, int piece) {
            this.data = data;
            this.piece = piece;
        }

        @Override
        public int read() {
            return at < data.length ? data[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (at == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, piece), data.length - at);
            System.arraycopy(data, at, b, off, n);
            at += n;
            return n;
        }
    }
}
