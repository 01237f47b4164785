package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.Side;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One side's way back into step after lost bytes: bytes are skipped until a message starts at the beginning of a line
 * (or right after the gap, where segments usually start), and the skipped bytes are recorded as one raw TCP
 * interaction. A possible start cut by the end of a fragment is carried over to the next one, so fragment sizes do not
 * change the result.
 */
final class Resync {

    /** Longest possible start kept back between fragments (a 16-character method, a space, a target start). */
    private static final int MAX_CARRY = 32;

    private final DecoderContext context;
    private final Side side;
    private final Function<ByteBuffer, Detection> startsMessage;
    private boolean active;
    private boolean lineStart;
    private String reason = "";
    private byte[] carry = new byte[0];
    private final ByteArrayOutputStream skipped = new ByteArrayOutputStream();
    private long skippedCount;
    private long firstAt;
    private long lastAt;

    Resync(DecoderContext context, Side side, Function<ByteBuffer, Detection> startsMessage) {
        this.context = context;
        this.side = side;
        this.startsMessage = startsMessage;
    }

    void start(String why) {
        flushSkipped();
        active = true;
        lineStart = true;
        reason = why;
        carry = new byte[0];
    }

    boolean active() {
        return active;
    }

    /**
     * Skips to the next message start. Returns the bytes from that start on (the caller decodes them), or null when
     * no start is in these bytes yet (all were consumed).
     */
    @Nullable
    ByteBuffer skip(ByteBuffer data, long atMicros) {
        var bytes = new byte[carry.length + data.remaining()];
        System.arraycopy(carry, 0, bytes, 0, carry.length);
        data.get(bytes, carry.length, data.remaining());
        carry = new byte[0];
        var all = ByteBuffer.wrap(bytes);
        for (int i = 0; i < bytes.length; i++) {
            boolean atLineStart = i == 0 ? lineStart : bytes[i - 1] == '\n';
            if (!atLineStart) {
                continue;
            }
            var detection = startsMessage.apply(all.duplicate().position(i));
            if (detection == Detection.MATCH) {
                note(bytes, 0, i, atMicros);
                flushSkipped();
                active = false;
                return ByteBuffer.wrap(bytes, i, bytes.length - i).slice();
            }
            if (detection == Detection.NEED_MORE && bytes.length - i <= MAX_CARRY) {
                note(bytes, 0, i, atMicros);
                carry = java.util.Arrays.copyOfRange(bytes, i, bytes.length);
                lineStart = true;
                return null;
            }
        }
        note(bytes, 0, bytes.length, atMicros);
        lineStart = bytes.length > 0 ? bytes[bytes.length - 1] == '\n' : lineStart;
        return null;
    }

    /**
     * Skips everything: nothing can be paired yet. The next bytes may start a message whatever these ended with: they
     * are the first sent after a request that can be answered.
     */
    void skipAll(ByteBuffer data, long atMicros) {
        var bytes = new byte[carry.length + data.remaining()];
        System.arraycopy(carry, 0, bytes, 0, carry.length);
        data.get(bytes, carry.length, data.remaining());
        carry = new byte[0];
        note(bytes, 0, bytes.length, atMicros);
        lineStart = true;
    }

    /** The side ended while skipping: what was skipped (and carried) is recorded. */
    void end() {
        if (carry.length > 0) {
            note(carry, 0, carry.length, lastAt);
            carry = new byte[0];
        }
        flushSkipped();
        active = false;
    }

    private void note(byte[] bytes, int from, int to, long atMicros) {
        if (to <= from) {
            return;
        }
        if (skippedCount == 0) {
            firstAt = atMicros;
        }
        lastAt = atMicros;
        int room = (int) Math.max(0, Math.min(to - from, (long) context.maxBodyBytes() - skipped.size()));
        skipped.write(bytes, from, room);
        skippedCount += to - from;
    }

    private void flushSkipped() {
        if (skippedCount == 0) {
            return;
        }
        RawTurns.emitOnce(
                context,
                side,
                ByteBuffer.wrap(skipped.toByteArray()),
                firstAt,
                lastAt,
                "skipped " + skippedCount + " bytes to the next " + (side == Side.CLIENT ? "request" : "response")
                        + " (" + reason + ")");
        skipped.reset();
        skippedCount = 0;
    }

    /** {@code HTTP/1.x NNN}: the start of a status line. */
    static Detection statusLine(ByteBuffer bytes) {
        var prefix = "HTTP/1.";
        int at = bytes.position();
        int available = bytes.limit() - at;
        for (int i = 0; i < prefix.length() + 5; i++) {
            if (i == available) {
                return Detection.NEED_MORE;
            }
            int b = bytes.get(at + i) & 0xff;
            boolean ok;
            if (i < prefix.length()) {
                ok = b == prefix.charAt(i);
            } else if (i == prefix.length()) {
                ok = b == '0' || b == '1';
            } else if (i == prefix.length() + 1) {
                ok = b == ' ';
            } else {
                ok = b >= '0' && b <= '9';
            }
            if (!ok) {
                return Detection.NO_MATCH;
            }
        }
        return Detection.MATCH;
    }
}
