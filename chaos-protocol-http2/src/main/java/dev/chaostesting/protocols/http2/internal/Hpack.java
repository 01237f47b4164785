package dev.chaostesting.protocols.http2.internal;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;

/** What the in-line handler needs of HPACK (RFC 7541) beyond Netty's decoder: scanning and literal encoding. */
public final class Hpack {

    private Hpack() {}

    /**
     * Whether decoding this header block changes the decoder's dynamic table: it holds a literal with incremental
     * indexing or a dynamic table size update. A block that cannot be scanned counts as changing it.
     */
    static boolean changesTable(byte[] block) {
        int[] at = {0};
        while (at[0] < block.length) {
            int b = block[at[0]] & 0xff;
            if ((b & 0x80) != 0) {
                if (integer(block, at, 7) < 0) {
                    return true;
                }
            } else if ((b & 0xc0) == 0x40 || (b & 0xe0) == 0x20) {
                return true;
            } else {
                // Literal without indexing (0000) or never indexed (0001).
                long index = integer(block, at, 4);
                if (index < 0 || (index == 0 && !skipString(block, at)) || !skipString(block, at)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How many bytes at the start of a block are dynamic table size updates (RFC 7541 section 4.2). */
    static int leadingSizeUpdates(byte[] block) {
        int[] at = {0};
        int end = 0;
        while (at[0] < block.length && (block[at[0]] & 0xe0) == 0x20) {
            if (integer(block, at, 5) < 0) {
                return end;
            }
            end = at[0];
        }
        return end;
    }

    /**
     * A header block of these fields, after {@code prefixLength} bytes of {@code prefix}: every field a literal never
     * indexed (RFC 7541 section 6.2.3) with a literal name, no Huffman coding, so the block neither uses nor changes
     * the dynamic table of whoever decodes it. Never indexed rather than without indexing: whether the client marked a
     * field sensitive (an authorization header) is lost in decoding, so no field is offered to a later intermediary's
     * table. Names and values keep their bytes.
     */
    static byte[] literals(byte[] prefix, int prefixLength, Http2Headers headers) {
        var out = new ByteArrayOutputStream(prefixLength + 64);
        out.write(prefix, 0, prefixLength);
        for (var field : headers) {
            out.write(0x10);
            string(out, AsciiString.of(field.getKey()));
            string(out, AsciiString.of(field.getValue()));
        }
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, AsciiString s) {
        writeInteger(out, 0x00, 7, s.length());
        out.write(s.array(), s.arrayOffset(), s.length());
    }

    /** An HPACK integer with an N-bit prefix (RFC 7541 section 5.1). */
    public static void writeInteger(ByteArrayOutputStream out, int firstBits, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(firstBits | value);
            return;
        }
        out.write(firstBits | max);
        value -= max;
        while (value >= 128) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    /** Reads an integer with an N-bit prefix at {@code at[0]}, advancing it; -1 when malformed or truncated. */
    private static long integer(byte[] block, int[] at, int prefixBits) {
        if (at[0] >= block.length) {
            return -1;
        }
        int max = (1 << prefixBits) - 1;
        long value = block[at[0]++] & max;
        if (value < max) {
            return value;
        }
        for (int shift = 0; shift <= 28; shift += 7) {
            if (at[0] >= block.length) {
                return -1;
            }
            int b = block[at[0]++] & 0xff;
            value += (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    private static boolean skipString(byte[] block, int[] at) {
        long length = integer(block, at, 7);
        if (length < 0 || length > block.length - at[0]) {
            return false;
        }
        at[0] += (int) length;
        return true;
    }
}
