package dev.chaostesting.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Counts the HTTP/1.1 responses arriving on one keep-alive connection. Incremental, because a read may end anywhere
 * in a response or hold several (pipelined) ones; allocation-free after construction, so the load generator's own
 * garbage collection does not show up as latency. Only {@code Content-Length} framing is supported: the benchmark
 * backend (nginx serving a static file) always sends it, and anything else is reported rather than guessed.
 */
final class ResponseParser {

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);

    private final byte[] line = new byte[8192];
    private int lineLength;
    private boolean statusLine = true;
    private boolean ok;
    private long contentLength = -1;
    private long bodyLeft = -1;

    /** What a {@link #feed} call completed. */
    interface Listener {
        void response(boolean ok);
    }

    /** Consumes all of {@code bytes}, telling the listener of every response that completed in them. */
    void feed(ByteBuffer bytes, Listener listener) {
        while (bytes.hasRemaining()) {
            if (bodyLeft >= 0) {
                int skip = (int) Math.min(bodyLeft, bytes.remaining());
                bytes.position(bytes.position() + skip);
                bodyLeft -= skip;
                if (bodyLeft == 0) {
                    completed(listener);
                }
                continue;
            }
            byte b = bytes.get();
            if (b != '\n') {
                if (lineLength == line.length) {
                    throw new IllegalStateException("response header line longer than " + line.length + " bytes");
                }
                line[lineLength++] = b;
                continue;
            }
            int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            lineLength = 0;
            headerLine(length, listener);
        }
    }

    private void headerLine(int length, Listener listener) {
        if (statusLine) {
            statusLine = false;
            // "HTTP/1.1 200 ..." : the status code starts at index 9.
            ok = length >= 12 && line[9] == '2' && line[10] == '0' && line[11] == '0';
            return;
        }
        if (length == 0) {
            if (contentLength < 0) {
                throw new IllegalStateException("response without Content-Length");
            }
            bodyLeft = contentLength;
            if (bodyLeft == 0) {
                completed(listener);
            }
            return;
        }
        if (startsWithIgnoreCase(length, CONTENT_LENGTH)) {
            contentLength = parseDecimal(CONTENT_LENGTH.length, length);
        } else if (startsWithIgnoreCase(length, CHUNKED)) {
            throw new IllegalStateException("chunked responses are not supported by this load generator");
        }
    }

    private void completed(Listener listener) {
        statusLine = true;
        contentLength = -1;
        bodyLeft = -1;
        listener.response(ok);
    }

    private boolean startsWithIgnoreCase(int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            int c = line[i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private long parseDecimal(int from, int to) {
        long value = 0;
        boolean digits = false;
        for (int i = from; i < to; i++) {
            byte c = line[i];
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                digits = true;
            } else if (c != ' ' && c != '\t') {
                throw new IllegalStateException("bad Content-Length");
            }
        }
        if (!digits) {
            throw new IllegalStateException("empty Content-Length");
        }
        return value;
    }
}
