package dev.chaostesting.protocols.kafka.internal;

import dev.chaostesting.model.Body;
import dev.chaostesting.spi.BodyCollector;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.jspecify.annotations.Nullable;

/**
 * RecordsReader as it was before uncompressed batches were read in place (through a stream, like compressed ones):
 * the reference the faster reader must agree with.
 *
 * <p>Its own description:
 * Reads the records of one partition (a sequence of record batches, magic 2) into recorded fields, within bounds: at
 * most {@link #MAX_RECORDS} records, keys, values and header values cut to {@code maxBodyBytes}, and at most
 * {@link #MAX_DECOMPRESSED_BYTES} read from compressed batches. Compressed batches are opened with kafka-clients'
 * decompression (gzip, snappy, lz4, zstd); records are parsed here so that an announced size never allocates more than
 * the bound.
 */
final class ReferenceRecordsReader {

    public static final int MAX_RECORDS = 100;
    static final long MAX_DECOMPRESSED_BYTES = 64L << 20;
    private static final int RECORDS_OFFSET = 61;

    private final int maxBodyBytes;
    private final List<Map<String, @Nullable Object>> records = new ArrayList<>();
    private long recordCount;
    private final List<String> compressions = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long decompressed;

    private ReferenceRecordsReader(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Adds {@code records} (the records field, count of the batches, compression and notes on what was not read) to
     * {@code into}.
     */
    public static void read(ByteBuffer buffer, int maxBodyBytes, Map<String, @Nullable Object> into) {
        var reader = new ReferenceRecordsReader(maxBodyBytes);
        reader.batches(buffer.duplicate());
        into.put("records", reader.records);
        into.put("recordCount", reader.recordCount);
        if (!reader.compressions.isEmpty()) {
            into.put("compression", String.join(",", reader.compressions));
        }
        if (!reader.notes.isEmpty()) {
            into.put("recordsNote", String.join("; ", reader.notes));
        }
    }

    private void batches(ByteBuffer buf) {
        while (buf.remaining() >= 12) {
            int start = buf.position();
            long baseOffset = buf.getLong(start);
            int length = buf.getInt(start + 8);
            if (length < RECORDS_OFFSET - 12 || length > buf.remaining() - 12) {
                // A fetch may end with a partial batch: that is normal, the client ignores it as well.
                if (length > buf.remaining() - 12) {
                    note("last batch partial (" + (buf.remaining()) + " of " + (length + 12) + " bytes)");
                } else {
                    note("batch length: " + length + " (expected: >= " + (RECORDS_OFFSET - 12) + ")");
                }
                return;
            }
            int end = start + 12 + length;
            byte magic = buf.get(start + 16);
            if (magic != 2) {
                note("message format v" + magic + " not decoded");
            } else {
                batch(buf, start, end, baseOffset);
            }
            buf.position(end);
        }
        if (buf.hasRemaining()) {
            note("last batch partial (" + buf.remaining() + " bytes)");
        }
    }

    private void batch(ByteBuffer buf, int start, int end, long baseOffset) {
        short attributes = buf.getShort(start + 21);
        boolean logAppendTime = (attributes & 0x08) != 0;
        boolean control = (attributes & 0x20) != 0;
        long baseTimestamp = buf.getLong(start + 27);
        long maxTimestamp = buf.getLong(start + 35);
        int count = buf.getInt(start + 57);
        if (control) {
            return;
        }
        recordCount += Math.max(0, count);
        if (records.size() >= MAX_RECORDS) {
            return;
        }
        int compressionId = attributes & 0x07;
        var slice = buf.duplicate().position(start + RECORDS_OFFSET).limit(end).slice();
        InputStream in;
        try {
            var type = CompressionType.forId(compressionId);
            if (type != CompressionType.NONE) {
                var name = type.name.toLowerCase(Locale.ROOT);
                if (!compressions.contains(name)) {
                    compressions.add(name);
                }
                in = Compression.of(type).build().wrapForInput(slice, (byte) 2, BufferSupplier.NO_CACHING);
            } else {
                var bytes = new byte[slice.remaining()];
                slice.get(bytes);
                in = new ByteArrayInputStream(bytes);
            }
        } catch (RuntimeException | LinkageError e) {
            note("compression " + compressionId + " not decoded: " + e);
            return;
        }
        var varints = new VarintStream(in);
        try (in) {
            for (int i = 0; i < count && records.size() < MAX_RECORDS; i++) {
                if (decompressed + varints.read > MAX_DECOMPRESSED_BYTES) {
                    note("stopped after " + MAX_DECOMPRESSED_BYTES + " decompressed bytes");
                    return;
                }
                records.add(record(varints, baseOffset, baseTimestamp, logAppendTime ? maxTimestamp : -1));
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            note("records at offset " + baseOffset + " not decoded: " + e);
        } finally {
            decompressed += varints.read;
        }
    }

    private Map<String, @Nullable Object> record(VarintStream in, long baseOffset, long baseTimestamp, long appendTime)
            throws IOException {
        int size = in.varint();
        long before = in.read;
        in.readByte(); // attributes, unused
        long timestampDelta = in.varlong();
        int offsetDelta = in.varint();
        var record = new LinkedHashMap<String, @Nullable Object>();
        record.put("offset", baseOffset + offsetDelta);
        record.put("timestamp", appendTime >= 0 ? appendTime : baseTimestamp + timestampDelta);
        record.put("key", in.bytes());
        record.put("value", in.bytes());
        int headerCount = in.varint();
        var headers = new ArrayList<Map<String, @Nullable Object>>();
        for (int h = 0; h < headerCount; h++) {
            var key = in.bytes();
            var value = in.bytes();
            if (headers.size() < MAX_RECORDS) {
                var header = new LinkedHashMap<String, @Nullable Object>();
                header.put("key", key == null ? null : key.text());
                header.put("value", value);
                headers.add(header);
            }
        }
        record.put("headers", headers);
        if (in.read - before != size) {
            throw new IOException("record size: " + (in.read - before) + " (expected: " + size + ")");
        }
        return record;
    }

    private void note(String note) {
        if (notes.size() < 10) {
            notes.add(note);
        }
    }

    /** Kafka's zig-zag varints and length-prefixed byte strings over a stream, counting what it read. */
    private final class VarintStream {
        private final InputStream in;
        long read;

        VarintStream(InputStream in) {
            this.in = in;
        }

        int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("records end early");
            }
            read++;
            return b;
        }

        int varint() throws IOException {
            long v = varlong();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IOException("varint: " + v + " (expected: a 32-bit value)");
            }
            return (int) v;
        }

        long varlong() throws IOException {
            long raw = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                raw |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw new IOException("varint longer than 10 bytes");
        }

        /** A length-prefixed byte string (-1 is null), keeping at most maxBodyBytes and skipping the rest. */
        @Nullable
        Body bytes() throws IOException {
            int length = varint();
            if (length < 0) {
                return null;
            }
            var collector = new BodyCollector(maxBodyBytes);
            var chunk = new byte[Math.min(8192, Math.max(1, length))];
            int left = length;
            while (left > 0) {
                if (decompressed + read > MAX_DECOMPRESSED_BYTES) {
                    throw new IOException("more than " + MAX_DECOMPRESSED_BYTES + " bytes of records");
                }
                int n = in.read(chunk, 0, Math.min(chunk.length, left));
                if (n < 0) {
                    throw new EOFException("records end early");
                }
                collector.append(chunk, 0, n);
                read += n;
                left -= n;
            }
            return collector.toBody();
        }
    }
}
