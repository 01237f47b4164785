package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Headers;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Reads the messages one side sends, one at a time: the head, then the body as the connection decoder frames it (the
 * framing of a response depends on its request, which only the connection decoder knows). Counts the wire bytes and
 * notes when the first and last of them were seen.
 */
final class MessageReader {

    enum Step {
        /** The input ran out before the next step. */
        NEED_MORE,
        /** The head is parsed: call {@link #beginBody} or {@link #next}. */
        HEAD_DONE,
        /** The message is complete: take its content, then call {@link #next}. */
        COMPLETE
    }

    private enum State {
        IDLE,
        HEAD,
        HEAD_DONE,
        BODY,
        COMPLETE
    }

    /**
     * @param decodeError why an encoded body is stored as sent, or null
     */
    record Content(Body body, Headers trailers, @Nullable String decodeError) {}

    private static final Content NO_CONTENT = new Content(Body.empty(), Headers.empty(), null);

    private final HeadParser headParser;
    private final BodyReader bodyReader = new BodyReader();
    private final int maxBodyBytes;
    private State state = State.IDLE;
    private @Nullable Head head;
    private @Nullable BodyRecorder recorder;
    private long firstByteAt;
    private long lastByteAt;
    private long wireBytes;

    MessageReader(HeadParser.Kind kind, int maxBodyBytes) {
        this.headParser = new HeadParser(kind);
        this.maxBodyBytes = maxBodyBytes;
    }

    Step read(ByteBuffer data, long atMicros) throws MalformedHttpException {
        while (true) {
            switch (state) {
                case IDLE -> {
                    if (!data.hasRemaining()) {
                        return Step.NEED_MORE;
                    }
                    firstByteAt = atMicros;
                    state = State.HEAD;
                }
                case HEAD -> {
                    int start = data.position();
                    boolean done;
                    try {
                        done = headParser.parse(data);
                    } finally {
                        consumed(data.position() - start, atMicros);
                    }
                    if (!done) {
                        return Step.NEED_MORE;
                    }
                    head = headParser.head();
                    state = State.HEAD_DONE;
                    return Step.HEAD_DONE;
                }
                case HEAD_DONE -> throw new IllegalStateException("read: head not acted upon");
                case BODY -> {
                    int start = data.position();
                    boolean done;
                    try {
                        done = bodyReader.read(data, recorder());
                    } finally {
                        // Counted even when the read fails: takeUnparsed() takes back the bytes not decoded.
                        consumed(data.position() - start, atMicros);
                    }
                    if (!done) {
                        return Step.NEED_MORE;
                    }
                    state = State.COMPLETE;
                    return Step.COMPLETE;
                }
                case COMPLETE -> {
                    return Step.COMPLETE;
                }
            }
        }
    }

    void beginBody(Framing framing) {
        if (framing.kind() == Framing.Kind.NONE) {
            state = State.COMPLETE;
            return;
        }
        recorder = new BodyRecorder(
                head().contentEncoding(), maxBodyBytes, framing.kind() == Framing.Kind.FIXED ? framing.length() : -1);
        bodyReader.start(framing);
        state = State.BODY;
    }

    /** The body and trailers; {@code cutShort} when the message ended before its framing said it would. */
    Content content(boolean cutShort) {
        if (recorder == null) {
            return NO_CONTENT;
        }
        var result = recorder.finish(cutShort);
        return new Content(result.body(), bodyReader.trailers(), result.decodeError());
    }

    String cutShortReason(String what, boolean reset) {
        return bodyReader.cutShort(what, reset);
    }

    /**
     * Hands back the bytes read but not yet part of anything decoded: the head so far, or the framing line being read
     * in the body. Those bytes stop counting as this message's wire bytes.
     */
    ByteBuffer takeUnparsed() {
        var bytes = switch (state) {
            case HEAD, HEAD_DONE -> headParser.unparsed();
            case BODY -> bodyReader.unparsed();
            default -> ByteBuffer.allocate(0);
        };
        if (state == State.BODY) {
            wireBytes -= bytes.remaining();
        }
        return bytes;
    }

    /** Gets ready for the next message. */
    void next() {
        state = State.IDLE;
        headParser.reset();
        head = null;
        recorder = null;
        wireBytes = 0;
    }

    Head head() {
        if (head == null) {
            throw new IllegalStateException("head: not parsed yet");
        }
        return head;
    }

    boolean isIdle() {
        return state == State.IDLE;
    }

    boolean inHead() {
        return state == State.HEAD || state == State.HEAD_DONE;
    }

    boolean inBody() {
        return state == State.BODY;
    }

    boolean readsUntilClose() {
        return state == State.BODY && bodyReader.untilClose();
    }

    long firstByteAt() {
        return firstByteAt;
    }

    long lastByteAt() {
        return lastByteAt;
    }

    long wireBytes() {
        return wireBytes;
    }

    private BodyRecorder recorder() {
        if (recorder == null) {
            throw new IllegalStateException("body: not begun");
        }
        return recorder;
    }

    private void consumed(int n, long atMicros) {
        if (n > 0) {
            wireBytes += n;
            lastByteAt = atMicros;
        }
    }
}
