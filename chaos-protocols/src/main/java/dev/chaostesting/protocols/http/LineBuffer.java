package dev.chaostesting.protocols.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of a section of lines being read (a message head, a chunk-size line, a trailer section). They are kept
 * until the section is done, so that a section found malformed can be handed back exactly as it was sent.
 *
 * <p>Lines end with CRLF or, as RFC 9112 section 2.2 allows a recipient to accept, a bare LF.
 */
final class LineBuffer {

    /** {@link #nextLine} ran out of input before the end of the line. */
    static final int NEED_MORE = -1;

    /** {@link #nextLine} found the line longer than allowed. */
    static final int TOO_LONG = -2;

    private static final int KEPT_CAPACITY = 8 * 1024;

    private final int initialCapacity;
    private byte[] bytes;
    private int length;
    private int lineStart;
    private int lastLine;

    LineBuffer(int initialCapacity) {
        this.initialCapacity = initialCapacity;
        this.bytes = new byte[initialCapacity];
    }

    /**
     * Copies input through the next LF. Returns the completed line's length without its line end, {@link #NEED_MORE}
     * when the input ran out first, or {@link #TOO_LONG} when the line is longer than {@code maxLength}. Copies at most
     * {@code maxLength + 2} bytes of one line, so a line that never ends costs bounded memory.
     */
    int nextLine(ByteBuffer data, int maxLength) {
        int room = maxLength + 2 - (length - lineStart);
        if (maxLength < 0 || room <= 0) {
            return TOO_LONG;
        }
        int from = data.position();
        int end = Math.min(data.limit(), from + room);
        int lf = from;
        while (lf < end && data.get(lf) != '\n') {
            lf++;
        }
        boolean found = lf < end;
        int copyEnd = found ? lf + 1 : end;
        append(data, from, copyEnd - from);
        data.position(copyEnd);
        if (!found) {
            return length - lineStart >= maxLength + 2 ? TOO_LONG : NEED_MORE;
        }
        int lineLength = length - 1 - lineStart;
        if (lineLength > 0 && bytes[length - 2] == '\r') {
            lineLength--;
        }
        lastLine = lineStart;
        lineStart = length;
        return lineLength > maxLength ? TOO_LONG : lineLength;
    }

    /**
     * Copies the next {@code count} bytes of {@code data} to the start of the array, without consuming them or counting
     * them as buffered: the buffer must hold nothing yet. Returns the array; {@link #accept} then keeps some of them.
     */
    byte[] stage(ByteBuffer data, int count) {
        if (length != 0) {
            throw new IllegalStateException("stage: the buffer holds " + length + " bytes (expected: none)");
        }
        if (count > bytes.length) {
            bytes = new byte[Math.max(count, bytes.length * 2)];
        }
        data.get(data.position(), bytes, 0, count);
        return bytes;
    }

    /**
     * Keeps the first {@code count} staged bytes as complete lines, as if read by {@link #nextLine} one line at a time:
     * they must end with a line's LF, and {@code lastLineAt} is where the last line starts.
     */
    void accept(int count, int lastLineAt) {
        length = count;
        lineStart = count;
        lastLine = lastLineAt;
    }

    /** The buffer holding the lines; valid until the next call that changes this buffer. */
    byte[] array() {
        return bytes;
    }

    /** Where the line last returned by {@link #nextLine} starts in {@link #array()}. */
    int lineOffset() {
        return lastLine;
    }

    /** Bytes of the completed lines. */
    int completed() {
        return lineStart;
    }

    /** All bytes buffered, including a line not yet complete. */
    int length() {
        return length;
    }

    /** A copy of all bytes buffered, as sent. */
    ByteBuffer contents() {
        return ByteBuffer.wrap(Arrays.copyOf(bytes, length));
    }

    void clear() {
        length = 0;
        lineStart = 0;
        lastLine = 0;
        if (bytes.length > KEPT_CAPACITY) {
            // One huge head must not pin its buffer for the rest of a long-lived connection.
            bytes = new byte[initialCapacity];
        }
    }

    private void append(ByteBuffer data, int from, int count) {
        if (length + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + count, bytes.length * 2));
        }
        data.get(from, bytes, length, count);
        length += count;
    }
}
