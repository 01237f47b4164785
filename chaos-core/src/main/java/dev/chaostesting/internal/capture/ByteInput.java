package dev.chaostesting.internal.capture;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream read exactly, with the offset of the next byte kept so that errors can say where the file went wrong.
 * Works with streams that return any number of bytes per read, down to one.
 */
final class ByteInput {

    private final InputStream in;
    private final byte[] scratch = new byte[8192];
    private long offset;

    ByteInput(InputStream in) {
        this.in = in;
    }

    /** The offset of the next byte to be read, from the start of the input. */
    long offset() {
        return offset;
    }

    /** Reads {@code length} bytes, fewer only when the input ends first; returns how many were read. */
    int read(byte[] into, int at, int length) throws IOException {
        int n = in.readNBytes(into, at, length);
        offset += n;
        return n;
    }

    /**
     * Skips {@code count} bytes, fewer only when the input ends first; returns how many were skipped. Reads rather than
     * calling {@link InputStream#skip}, which on files happily skips past the end and would hide a cut-short file.
     */
    long skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            int n = in.readNBytes(scratch, 0, (int) Math.min(scratch.length, left));
            if (n == 0) {
                break;
            }
            left -= n;
        }
        offset += count - left;
        return count - left;
    }
}
