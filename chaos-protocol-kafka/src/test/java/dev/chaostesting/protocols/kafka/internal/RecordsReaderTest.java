package dev.chaostesting.protocols.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Uncompressed batches are read in place, not through a stream: what is recorded is what the stream reading recorded
 * ({@link ReferenceRecordsReader}), records, counts and notes alike, for seeded random batches (keys, values and
 * headers longer than the body limit, nulls), the same batches with bytes mutated or cut, and buffers without an
 * accessible array.
 */
class RecordsReaderTest {

    @Test
    void random_and_mutated_batches_are_read_as_through_a_stream() {
        var random = new Random(20261124);
        int notes = 0;
        for (int run = 0; run < 1500; run++) {
            var compression = switch (random.nextInt(4)) {
                case 0 -> Compression.gzip().build();
                default -> Compression.NONE;
            };
            var bytes = batches(random, compression);
            if (run % 3 != 0) {
                mutate(bytes, random);
            }
            int maxBody = random.nextBoolean() ? 16 : 1 << 20;
            var expected = new LinkedHashMap<String, @Nullable Object>();
            ReferenceRecordsReader.read(ByteBuffer.wrap(bytes), maxBody, expected);
            for (var buffer : new ByteBuffer[] {
                ByteBuffer.wrap(bytes), ByteBuffer.wrap(bytes).asReadOnlyBuffer(), offset(bytes)
            }) {
                var actual = new LinkedHashMap<String, @Nullable Object>();
                RecordsReader.read(buffer, maxBody, actual);
                assertThat(Shapes.of(actual)).as("run %d", run).isEqualTo(Shapes.of(expected));
            }
            notes += expected.containsKey("recordsNote") ? 1 : 0;
        }
        // The mutations reached the checks: many reads ended with a note.
        assertThat(notes).isGreaterThan(300);
    }

    /** The same bytes at a non-zero offset of a larger array. */
    private static ByteBuffer offset(byte[] bytes) {
        var larger = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, larger, 5, bytes.length);
        return ByteBuffer.wrap(larger, 5, bytes.length).slice();
    }

    private static byte[] batches(Random random, Compression compression) {
        var out = ByteBuffer.allocate(1 << 16);
        int batches = 1 + random.nextInt(2);
        for (int b = 0; b < batches; b++) {
            int n = 1 + random.nextInt(4);
            var records = new SimpleRecord[n];
            for (int i = 0; i < n; i++) {
                var key = random.nextInt(4) == 0 ? null : text(random);
                var value = random.nextInt(5) == 0 ? null : new byte[random.nextInt(60)];
                if (value != null) {
                    random.nextBytes(value);
                }
                var headers = random.nextBoolean()
                        ? new Header[0]
                        : new Header[] {new RecordHeader("h", random.nextBoolean() ? null : text(random))};
                records[i] = new SimpleRecord(random.nextInt(1_000_000), key, value, headers);
            }
            out.put(MemoryRecords.withRecords(compression, records).buffer());
        }
        out.flip();
        var bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    private static byte[] text(Random random) {
        return ("k" + "x".repeat(random.nextInt(30))).getBytes(StandardCharsets.UTF_8);
    }

    private static void mutate(byte[] bytes, Random random) {
        switch (random.nextInt(3)) {
            case 0 -> { // a flipped byte in the records (after the batch header)
                if (bytes.length > 61) {
                    bytes[61 + random.nextInt(bytes.length - 61)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // more records announced than the batch holds
                bytes[60] += (byte) (1 + random.nextInt(3));
            }
            default -> { // the batch ends early: its length cut by a few bytes
                int cut = 1 + random.nextInt(20);
                int length = ByteBuffer.wrap(bytes).getInt(8);
                ByteBuffer.wrap(bytes).putInt(8, Math.max(0, length - cut));
            }
        }
    }
}
