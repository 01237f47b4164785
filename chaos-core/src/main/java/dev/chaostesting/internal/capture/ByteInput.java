package dev.chaostesting.internal.capture;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream read exactly, with the offset of the next byte kept so that errors can say where the file went wrong.
 * Works with streams that return any number of bytes per read, down to one.
 */
final class ByteInput {

    /**
     * Reads from the stream are up to this large, so that a packet costs a copy from memory rather than a call down; as
     * large as libpcap's largest snap length, so that any packet it writes can be seen in place ({@link #fill}).
     */
    static final int BUFFER_BYTES = 1 << 18;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    /** The buffered bytes not yet read: from {@code start} to {@code end}. */
    private int start;

    private int end;
    private long offset;

    ByteInput(InputStream in) {
        this.in = in;
    }

    /** The offset of the next byte to be read, from the start of the input. */
    long offset() {
        return offset;
    }

    /**
     * Reads {@code length} bytes, fewer only when the input ends first; returns how many were read. Each read from the
     * stream takes what it has (it waits only while nothing at all is there), so bytes of a stream still being written
     * are returned as soon as the ones asked for have arrived.
     */
    int read(byte[] into, int at, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int available = end - start;
            if (available == 0) {
                if (length - done >= BUFFER_BYTES) {
                    done += in.readNBytes(into, at + done, length - done);
                    break;
                }
                int n = in.read(buffer, 0, BUFFER_BYTES);
                if (n <= 0) {
                    break;
                }
                start = 0;
                end = n;
                available = n;
            }
            int chunk = Math.min(available, length - done);
            System.arraycopy(buffer, start, into, at + done, chunk);
            start += chunk;
            done += chunk;
        }
        offset += done;
        return done;
    }

    /**
     * Makes the next {@code length} bytes ({@code <=} {@link #BUFFER_BYTES}) readable in place, in {@link #array()}
     * from {@link #position()}, and returns how many are: {@code length}, fewer only when the input ends first. Like
     * {@link #read}, waits only until those bytes have arrived. They stay there until the next call to this object;
     * {@link #consume} then moves past them.
     */
    int fill(int length) throws IOException {
        if (end - start >= length) {
            return length;
        }
        if (BUFFER_BYTES - start < length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < length) {
            int n = in.read(buffer, end, BUFFER_BYTES - end);
            if (n <= 0) {
                break;
            }
            end += n;
        }
        return Math.min(length, end - start);
    }

    /** The buffer {@link #fill} makes bytes readable in. */
    byte[] array() {
        return buffer;
    }

    /** Where the next byte to read is in {@link #array()}. */
    int position() {
        return start;
    }

    /** Moves past {@code count} bytes made readable by {@link #fill}. */
    void consume(int count) {
        if (count < 0 || count > end - start) {
            throw new IllegalArgumentException("count: " + count + " (expected: 0.." + (end - start) + ")");
        }
        start += count;
        offset += count;
    }

    /**
     * Skips {@code count} bytes, fewer only when the input ends first; returns how many were skipped. Reads rather than
     * calling {@link InputStream#skip}, which on files happily skips past the end and would hide a cut-short file.
     */
    long skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (start == end) {
                int n = in.read(buffer, 0, BUFFER_BYTES);
                if (n <= 0) {
                    break;
                }
                start = 0;
                end = n;
            }
            int chunk = (int) Math.min(end - start, left);
            start += chunk;
            left -= chunk;
        }
        offset += count - left;
        return count - left;
    }
}
