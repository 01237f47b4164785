package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Headers;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The body framing state machine (RFC 9112 sections 6 and 7.1): a fixed length, chunks with their extensions and
 * trailer section, or everything until the connection closes. Passes the content, without framing, to a
 * {@link BodyRecorder}, slicing the input in place: nothing of the body is copied here.
 */
final class BodyReader {

    private enum State {
        FIXED,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_DATA_END,
        TRAILERS,
        UNTIL_CLOSE,
        DONE
    }

    private final LineBuffer chunkLine = new LineBuffer(32);
    private @Nullable HeadParser trailerParser;
    private State state = State.DONE;
    private long remaining;
    private long declared;
    private long chunkSize;
    private long contentBytes;
    private Headers trailers = Headers.empty();

    void start(Framing framing) {
        contentBytes = 0;
        trailers = Headers.empty();
        chunkLine.clear();
        if (trailerParser != null) {
            trailerParser.reset();
        }
        switch (framing.kind()) {
            case FIXED -> {
                state = State.FIXED;
                declared = remaining = framing.length();
            }
            case CHUNKED -> state = State.CHUNK_SIZE;
            case UNTIL_CLOSE -> state = State.UNTIL_CLOSE;
            case NONE -> state = State.DONE;
        }
    }

    /**
     * Consumes body bytes from the input; true once the body is complete. A null sink only frames the body (the in-line
     * path streams the bytes consumed on).
     */
    boolean read(ByteBuffer data, @Nullable BodyRecorder sink) throws MalformedHttpException {
        while (true) {
            switch (state) {
                case FIXED, CHUNK_DATA -> {
                    if (remaining > 0) {
                        if (!data.hasRemaining()) {
                            return false;
                        }
                        deliver(data, (int) Math.min(remaining, data.remaining()), sink);
                        if (remaining > 0) {
                            return false;
                        }
                    }
                    state = state == State.FIXED ? State.DONE : State.CHUNK_DATA_END;
                }
                case UNTIL_CLOSE -> {
                    deliver(data, data.remaining(), sink);
                    return false;
                }
                case CHUNK_SIZE -> {
                    int n = chunkLine.nextLine(data, Limits.MAX_CHUNK_LINE);
                    if (n == LineBuffer.NEED_MORE) {
                        return false;
                    }
                    if (n == LineBuffer.TOO_LONG) {
                        throw new MalformedHttpException("chunk size line: over " + Limits.MAX_CHUNK_LINE
                                + " bytes (expected: <= " + Limits.MAX_CHUNK_LINE + ")");
                    }
                    chunkSize = chunkSize(chunkLine.array(), chunkLine.lineOffset(), chunkLine.lineOffset() + n);
                    chunkLine.clear();
                    remaining = chunkSize;
                    state = chunkSize == 0 ? State.TRAILERS : State.CHUNK_DATA;
                }
                case CHUNK_DATA_END -> {
                    int n = chunkLine.nextLine(data, 0);
                    if (n == LineBuffer.NEED_MORE) {
                        return false;
                    }
                    if (n == LineBuffer.TOO_LONG) {
                        throw new MalformedHttpException("chunk data: more than the chunk size " + chunkSize
                                + " (expected: CRLF after " + chunkSize + " bytes)");
                    }
                    chunkLine.clear();
                    state = State.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    var parser = trailerParser();
                    if (!parser.parse(data)) {
                        return false;
                    }
                    trailers = parser.head().headers();
                    parser.reset();
                    state = State.DONE;
                }
                case DONE -> {
                    return true;
                }
            }
        }
    }

    Headers trailers() {
        return trailers;
    }

    boolean untilClose() {
        return state == State.UNTIL_CLOSE;
    }

    /** The bytes of a chunk-size line, chunk end or trailer section being read, as sent. */
    ByteBuffer unparsed() {
        return switch (state) {
            case CHUNK_SIZE, CHUNK_DATA_END -> chunkLine.contents();
            case TRAILERS -> trailerParser().unparsed();
            default -> ByteBuffer.allocate(0);
        };
    }

    /** One line saying where a body that ended early stopped, e.g. "response ended after 10 of 100 body bytes". */
    String cutShort(String what, boolean reset) {
        var ended = what + (reset ? " was reset" : " ended");
        return switch (state) {
            case FIXED -> ended + " after " + contentBytes + " of " + declared + " body bytes";
            case TRAILERS -> ended + " in its trailer section";
            case DONE -> ended;
            default -> ended + " in its body after " + contentBytes + " body bytes";
        };
    }

    private void deliver(ByteBuffer data, int n, @Nullable BodyRecorder sink) {
        if (sink != null) {
            int limit = data.limit();
            data.limit(data.position() + n);
            sink.append(data);
            data.position(data.limit());
            data.limit(limit);
        } else {
            data.position(data.position() + n);
        }
        remaining -= n;
        contentBytes += n;
    }

    private HeadParser trailerParser() {
        if (trailerParser == null) {
            trailerParser = new HeadParser(HeadParser.Kind.TRAILERS);
        }
        return trailerParser;
    }

    /** chunk-size [ BWS ";" chunk-ext ]: extensions are allowed and skipped, the model has no place for them. */
    private static long chunkSize(byte[] b, int from, int to) throws MalformedHttpException {
        int i = from;
        long size = 0;
        while (i < to && hexValue(b[i]) >= 0) {
            if (i - from == 15) {
                throw new MalformedHttpException(
                        "chunk size: " + Text.quote(b, from, to) + " (expected: at most 15 hex digits)");
            }
            size = size * 16 + hexValue(b[i]);
            i++;
        }
        int digitsEnd = i;
        while (i < to && Text.isWhitespace(b[i])) {
            i++;
        }
        if (digitsEnd == from || (i < to && b[i] != ';')) {
            throw new MalformedHttpException("chunk size: " + Text.quote(b, from, to) + " (expected: hex digits)");
        }
        return size;
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
