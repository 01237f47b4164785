package dev.chaostesting.protocols.redis.internal;

import dev.chaostesting.spi.BodyCollector;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Incremental RESP2/RESP3 reader for one direction of a connection: fed fragments of any size, down to one byte, it
 * returns each top-level value when its last byte arrives. Memory is bounded: each value records at most a budget of
 * bytes (the rest is only counted), lines have limits, and the raw bytes of the value being read are held back only up
 * to {@link #HOLD_LIMIT} (to hand them to the raw recorder if decoding fails).
 *
 * <p>On the client side a top-level value must be an array of bulk strings, or an inline command (a line of words, as
 * typed in telnet). Empty arrays and empty inline lines are no command (the server ignores them): their bytes count
 * towards the next command.
 */
public final class RespReader {

    /** Raw bytes of an unfinished value held back for a fail-open. */
    public static final int HOLD_LIMIT = 64 * 1024;
    /** Longest inline command line (the server's own limit). */
    public static final int INLINE_LIMIT = 64 * 1024;

    static final int NUMBER_LINE_LIMIT = 64;
    static final int BIG_NUMBER_LIMIT = 16 * 1024;
    static final long MAX_BLOB = 1L << 32;
    static final long MAX_COUNT = Integer.MAX_VALUE;
    static final int MAX_DEPTH = 64;
    /** What recording one element costs the budget, besides its bytes. */
    static final int ELEMENT_COST = 8;

    /** A complete top-level value and where it was on the wire. */
    public record Frame(Resp value, long startMicros, long endMicros, long bytes, boolean inline) {}

    private enum State {
        TYPE,
        LINE,
        LINE_LF,
        BLOB,
        BLOB_CR,
        BLOB_LF,
        CHUNK_TYPE,
        INLINE
    }

    private record Aggregate(Resp node, boolean streamed, long[] remaining) {}

    private final boolean client;
    private final int blobLimit;
    private final int budgetSize;

    private State state = State.TYPE;
    private final ArrayDeque<Aggregate> stack = new ArrayDeque<>();
    private @Nullable Resp pendingAttribute;
    private int pendingAttributeDepth;

    private char lineMarker;
    private @Nullable RespType lineType;
    private byte[] line = new byte[64];
    private int lineLength;
    private long lineSize;
    private int lineLimit;
    private boolean lineTruncates;

    private @Nullable Resp blob;
    private long blobRemaining;
    private boolean streamedBlob;
    private BodyCollector blobBytes = new BodyCollector(0);

    private long frameStart;
    private long lastMicros;
    /** The raw bytes of the value being read: counted, and held up to {@link #HOLD_LIMIT}. */
    private final HeldBytes held = new HeldBytes(HOLD_LIMIT);

    private long budget;

    /**
     * @param client whether this reads what the client sent (commands) rather than replies
     * @param maxBodyBytes the most bytes to record of one string; the budget of one whole value is at least 1 KiB
     */
    public RespReader(boolean client, int maxBodyBytes) {
        this.client = client;
        this.blobLimit = client ? Math.max(maxBodyBytes, 64) : maxBodyBytes;
        this.budgetSize = Math.max(maxBodyBytes, 1024);
    }

    /** Whether bytes of an unfinished value were read. */
    public boolean inFrame() {
        return held.count() > 0;
    }

    /** Bytes of the unfinished value read so far. */
    public long frameBytes() {
        return held.count();
    }

    /** When the unfinished value's first byte was seen. */
    public long frameStartMicros() {
        return frameStart;
    }

    /** Whether all bytes of the unfinished value are held ({@link #held()}). */
    public boolean holdsFrame() {
        return held.complete();
    }

    /** The held raw bytes of the unfinished value (all of them when {@link #holdsFrame()}). */
    public ByteBuffer held() {
        return held.view();
    }

    /** Forgets the unfinished value (its side ended); the reader starts afresh. */
    public void discardFrame() {
        state = State.TYPE;
        stack.clear();
        pendingAttribute = null;
        blob = null;
        streamedBlob = false;
        held.reset();
    }

    /** When the last byte of the unfinished value was seen. */
    public long lastMicros() {
        return lastMicros;
    }

    /** The outermost unfinished aggregate (a command's arguments so far), or null. */
    public @Nullable Resp partial() {
        return stack.isEmpty() ? null : stack.peekLast().node;
    }

    /**
     * Reads bytes until a top-level value completes (returned, with the buffer positioned after it) or the buffer is
     * exhausted (null). On malformed input the buffer is positioned at the offending byte, which is not consumed.
     */
    public @Nullable Frame next(ByteBuffer data, long atMicros) throws MalformedRespException {
        if (state == State.TYPE && held.count() == 0 && stack.isEmpty() && pendingAttribute == null) {
            var frame = whole(data, atMicros);
            if (frame != null) {
                return frame;
            }
        }
        while (data.hasRemaining()) {
            lastMicros = atMicros;
            if (held.count() == 0) {
                frameStart = atMicros;
                budget = budgetSize;
            }
            if (state == State.BLOB) {
                int n = (int) Math.min(data.remaining(), blobRemaining);
                recordBlob(data, n);
                held.add(data, n);
                data.position(data.position() + n);
                blobRemaining -= n;
                if (blobRemaining == 0) {
                    state = State.BLOB_CR;
                }
                continue;
            }
            int at = data.position();
            byte b = data.get(at);
            held.add(b);
            Frame frame;
            try {
                frame = step(b, atMicros);
            } catch (MalformedRespException e) {
                held.removeLast();
                throw e;
            }
            data.position(at + 1);
            if (frame != null) {
                return frame;
            }
        }
        return null;
    }

    /**
     * The common values read in one pass when they are in the buffer whole: an array of bulk strings (a command, or a
     * reply such as LRANGE's), and on the server side a simple string, error, integer or bulk string; each recorded
     * whole (nothing over the budget or the blob limit). Anything else, anything cut by the buffer's end or malformed,
     * returns null with nothing consumed: the byte-by-byte reader then reads it, and says what is wrong with it. The
     * values made are the ones that reader makes of the same bytes (tests compare the two by feeding whole buffers and
     * single bytes).
     */
    private @Nullable Frame whole(ByteBuffer data, long at) {
        int p = data.position();
        int limit = data.limit();
        if (p >= limit) {
            return null;
        }
        byte type = data.get(p);
        Resp node;
        int end;
        if (type == '*') {
            long n = digits(data, p + 1, limit);
            if (n <= 0 || n > 4096) {
                return null;
            }
            node = new Resp(RespType.ARRAY);
            int q = lineEnd;
            long left = budgetSize;
            for (int i = 0; i < n; i++) {
                if (q >= limit || data.get(q) != '$') {
                    return null;
                }
                long len = digits(data, q + 1, limit);
                if (len < 0 || len > Math.min(blobLimit, left) || lineEnd + len + 2 > limit) {
                    return null;
                }
                int from = lineEnd;
                int to = from + (int) len;
                if (data.get(to) != '\r' || data.get(to + 1) != '\n') {
                    return null;
                }
                var arg = new Resp(RespType.BULK);
                arg.data = new byte[(int) len];
                data.get(from, arg.data);
                arg.size = len;
                left -= len;
                node.count++;
                if (left >= ELEMENT_COST || len > 0) {
                    node.elements.add(arg);
                    left -= ELEMENT_COST;
                } else {
                    return null; // an element the budget leaves out: the byte-by-byte reader knows the rule
                }
                q = to + 2;
            }
            end = q;
        } else if (client) {
            return null;
        } else if (type == '+' || type == '-' || type == ':') {
            int q = p + 1;
            int max = (int)
                    Math.min(limit, (long) q + (type == ':' ? NUMBER_LINE_LIMIT : Math.min(blobLimit, budgetSize)));
            while (q < max && data.get(q) != '\r' && data.get(q) != '\n') {
                q++;
            }
            if (q + 1 >= limit || data.get(q) != '\r' || data.get(q + 1) != '\n') {
                return null;
            }
            node = new Resp(type == '+' ? RespType.SIMPLE : type == '-' ? RespType.ERROR : RespType.INTEGER);
            node.data = new byte[q - p - 1];
            data.get(p + 1, node.data);
            node.size = node.data.length;
            if (type == ':') {
                try {
                    Lines.checkScalar(RespType.INTEGER, node.data, node.data.length);
                } catch (MalformedRespException e) {
                    return null;
                }
            }
            end = q + 2;
        } else if (type == '$') {
            long len = digits(data, p + 1, limit);
            if (len < 0 || len > Math.min(blobLimit, budgetSize) || lineEnd + len + 2 > limit) {
                return null;
            }
            int to = lineEnd + (int) len;
            if (data.get(to) != '\r' || data.get(to + 1) != '\n') {
                return null;
            }
            node = new Resp(RespType.BULK);
            node.data = new byte[(int) len];
            data.get(lineEnd, node.data);
            node.size = len;
            end = to + 2;
        } else {
            return null;
        }
        lastMicros = at;
        frameStart = at;
        data.position(end);
        return new Frame(node, at, at, end - p, false);
    }

    /** Where the line read by {@link #digits} ends (after its CRLF). */
    private int lineEnd;

    /**
     * The decimal number (1 to 9 digits) on the line that starts at {@code from} and ends with CRLF before {@code
     * limit}, with {@link #lineEnd} set after the CRLF; -1 when the line is anything else.
     */
    private int digits(ByteBuffer data, int from, int limit) {
        int value = 0;
        int i = from;
        for (; i < limit && i - from < 10; i++) {
            byte c = data.get(i);
            if (c == '\r') {
                break;
            }
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        int count = i - from;
        if (count < 1 || count > 9 || i + 1 >= limit || data.get(i) != '\r' || data.get(i + 1) != '\n') {
            return -1;
        }
        lineEnd = i + 2;
        return value;
    }

    private @Nullable Frame step(byte b, long at) throws MalformedRespException {
        switch (state) {
            case TYPE -> {
                return type(b, at);
            }
            case CHUNK_TYPE -> {
                if (b != ';') {
                    throw new MalformedRespException(
                            "streamed string: " + Lines.describe(b) + " (expected: ';' and a chunk length)");
                }
                startLine(';', null, NUMBER_LINE_LIMIT, false);
            }
            case LINE -> {
                if (b == '\r') {
                    state = State.LINE_LF;
                } else if (b == '\n') {
                    throw new MalformedRespException(lineName() + " line: bare LF (expected: CRLF)");
                } else {
                    appendLine(b);
                }
            }
            case LINE_LF -> {
                if (b != '\n') {
                    throw new MalformedRespException(
                            lineName() + " line: CR followed by " + Lines.describe(b) + " (expected: LF)");
                }
                state = State.TYPE;
                return lineDone(at);
            }
            case BLOB_CR -> {
                if (b != '\r') {
                    throw new MalformedRespException(
                            "bulk string: " + Lines.describe(b) + " after " + blobSize() + " bytes (expected: CRLF)");
                }
                state = State.BLOB_LF;
            }
            case BLOB_LF -> {
                if (b != '\n') {
                    throw new MalformedRespException(
                            "bulk string: CR followed by " + Lines.describe(b) + " (expected: LF)");
                }
                if (streamedBlob) {
                    state = State.CHUNK_TYPE;
                    return null;
                }
                state = State.TYPE;
                return complete(finishBlob(), at);
            }
            case INLINE -> {
                if (b == '\n') {
                    state = State.TYPE;
                    return inlineDone(at);
                }
                if (lineLength >= INLINE_LIMIT) {
                    throw new MalformedRespException("inline command: over " + INLINE_LIMIT
                            + " bytes without a line end (expected: <= " + INLINE_LIMIT + ")");
                }
                appendLine(b);
            }
            default -> throw new IllegalStateException(state.name());
        }
        return null;
    }

    private @Nullable Frame type(byte b, long at) throws MalformedRespException {
        if (client && stack.isEmpty()) {
            if (b != '*') {
                state = State.INLINE;
                lineLength = 0;
                lineSize = 0;
                lineTruncates = false;
                lineLimit = INLINE_LIMIT;
                if (b == '\n') {
                    state = State.TYPE;
                    return inlineDone(at);
                }
                appendLine(b);
                return null;
            }
        } else if (client && b != '$') {
            throw new MalformedRespException(
                    "command argument: type byte " + Lines.describe(b) + " (expected: '$' and a bulk string)");
        }
        if (b == '.') {
            if (stack.isEmpty() || !stack.peek().streamed) {
                throw new MalformedRespException(
                        "'.': end of a streamed aggregate outside one (expected: a type byte)");
            }
            startLine('.', null, NUMBER_LINE_LIMIT, false);
            return null;
        }
        var t = RespType.of(b);
        if (t == null) {
            throw new MalformedRespException(
                    "type byte: " + Lines.describe(b) + " (expected one of + - : $ * _ # , ( ! = % ~ | >)");
        }
        boolean text = t == RespType.SIMPLE || t == RespType.ERROR;
        startLine(
                (char) b,
                t,
                text ? Integer.MAX_VALUE : t == RespType.BIG_NUMBER ? BIG_NUMBER_LIMIT : NUMBER_LINE_LIMIT,
                text);
        return null;
    }

    private void startLine(char marker, @Nullable RespType type, int limit, boolean truncates) {
        lineMarker = marker;
        lineType = type;
        lineLength = 0;
        lineSize = 0;
        lineLimit = limit;
        lineTruncates = truncates;
        state = State.LINE;
    }

    private void appendLine(byte b) throws MalformedRespException {
        lineSize++;
        if (lineTruncates) {
            if (lineLength >= Math.min(blobLimit, budget)) {
                return;
            }
        } else if (lineSize > lineLimit) {
            throw new MalformedRespException(
                    lineName() + " line: over " + lineLimit + " bytes (expected: <= " + lineLimit + ")");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.max(64, line.length * 2));
        }
        line[lineLength++] = b;
    }

    private String lineName() {
        return switch (lineMarker) {
            case ';' -> "streamed string chunk";
            case '.' -> "streamed aggregate end";
            default -> lineType == null ? "inline command" : lineType.recordedName();
        };
    }

    private String lineText() {
        return Lines.text(line, lineLength);
    }

    /** Whether the line is exactly {@code text} (ASCII), without making a string of it. */
    private boolean lineIs(String text) {
        if (lineLength != text.length()) {
            return false;
        }
        for (int i = 0; i < lineLength; i++) {
            if (line[i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private @Nullable Frame lineDone(long at) throws MalformedRespException {
        if (lineMarker == ';') {
            long n = length(null, "streamed string chunk length", false);
            if (n == 0) {
                streamedBlob = false;
                state = State.TYPE;
                return complete(finishBlob(), at);
            }
            blobRemaining = n;
            state = State.BLOB;
            return null;
        }
        if (lineMarker == '.') {
            expectEmpty("streamed aggregate end");
            var top = stack.pop();
            return complete(top.node, at);
        }
        var t = lineType;
        var node = new Resp(t);
        switch (t) {
            case SIMPLE, ERROR -> {
                node.data = Arrays.copyOf(line, lineLength);
                node.size = lineSize;
                budget -= lineLength;
                return complete(node, at);
            }
            case INTEGER, DOUBLE, BIG_NUMBER, BOOLEAN -> {
                Lines.checkScalar(t, line, lineLength);
                return scalar(node, at);
            }
            case NULL -> {
                expectEmpty("null");
                return complete(node, at);
            }
            case BULK, BULK_ERROR, VERBATIM -> {
                return blobHeader(t, at);
            }
            default -> {
                return aggregateHeader(t, at);
            }
        }
    }

    private @Nullable Frame scalar(Resp node, long at) {
        node.data = Arrays.copyOf(line, lineLength);
        node.size = lineLength;
        return complete(node, at);
    }

    private void expectEmpty(String what) throws MalformedRespException {
        if (lineLength != 0) {
            throw new MalformedRespException(
                    what + ": '" + Lines.abbreviate(lineText()) + "' (expected: an empty line)");
        }
    }

    private @Nullable Frame blobHeader(RespType t, long at) throws MalformedRespException {
        if (t == RespType.BULK && !client && lineIs("?")) {
            startBlob(t);
            streamedBlob = true;
            state = State.CHUNK_TYPE;
            return null;
        }
        if (t == RespType.BULK && !client && lineIs("-1")) {
            var node = new Resp(RespType.NULL);
            node.nullOf = RespType.BULK;
            return complete(node, at);
        }
        long n = length(t, "length", false);
        if (t == RespType.VERBATIM && n < 4) {
            throw new MalformedRespException("verbatim string length: " + n + " (expected: >= 4, for 'fmt:')");
        }
        startBlob(t);
        blobRemaining = n;
        state = n == 0 ? State.BLOB_CR : State.BLOB;
        return null;
    }

    private @Nullable Frame aggregateHeader(RespType t, long at) throws MalformedRespException {
        boolean streamed = lineIs("?") && (t == RespType.ARRAY || t == RespType.SET || t == RespType.MAP);
        long n = 0;
        if (!streamed) {
            if (t == RespType.ARRAY && lineIs("-1")) {
                var node = new Resp(RespType.NULL);
                node.nullOf = RespType.ARRAY;
                return complete(node, at);
            }
            n = length(t, "length", true);
        }
        if (stack.size() >= MAX_DEPTH) {
            throw new MalformedRespException("nesting: over " + MAX_DEPTH + " levels (expected: <= " + MAX_DEPTH + ")");
        }
        var node = new Resp(t);
        long elements = t == RespType.MAP || t == RespType.ATTRIBUTE ? n * 2 : n;
        if (!streamed && elements == 0) {
            return complete(node, at);
        }
        stack.push(new Aggregate(node, streamed, new long[] {elements}));
        return null;
    }

    private long length(@Nullable RespType type, String what, boolean count) throws MalformedRespException {
        return Lines.length(type, what, line, lineLength, count ? MAX_COUNT : MAX_BLOB);
    }

    private void startBlob(RespType t) {
        blob = new Resp(t);
        blobBytes = new BodyCollector((int) Math.max(0, Math.min(blobLimit, budget)));
    }

    private void recordBlob(ByteBuffer data, int n) {
        blobBytes.append(data.slice().limit(n));
    }

    private long blobSize() {
        return blobBytes.size();
    }

    private Resp finishBlob() {
        var node = blob;
        blob = null;
        node.data = blobBytes.bytes();
        node.size = blobBytes.size();
        budget -= node.data.length;
        blobBytes = new BodyCollector(0);
        return node;
    }

    private @Nullable Frame inlineDone(long at) throws MalformedRespException {
        int end = lineLength;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        var words = InlineCommand.split(line, end);
        if (words == null) {
            throw new MalformedRespException("inline command: unbalanced quotes (expected: closed quotes)");
        }
        if (words.isEmpty()) {
            return null;
        }
        var node = new Resp(RespType.ARRAY);
        for (var word : words) {
            var arg = new Resp(RespType.BULK);
            int take = (int) Math.max(0, Math.min(word.length, Math.min(blobLimit, budget)));
            arg.data = Arrays.copyOf(word, take);
            arg.size = word.length;
            budget -= take;
            node.count++;
            if (budget >= ELEMENT_COST || take > 0) {
                node.elements.add(arg);
                budget -= ELEMENT_COST;
            }
        }
        return endFrame(node, at, true);
    }

    private @Nullable Frame complete(Resp node, long at) {
        while (true) {
            if (node.type == RespType.ATTRIBUTE) {
                pendingAttribute = node;
                pendingAttributeDepth = stack.size();
                return null;
            }
            if (pendingAttribute != null && pendingAttributeDepth == stack.size()) {
                node.attributes = pendingAttribute;
                pendingAttribute = null;
            }
            if (stack.isEmpty()) {
                if (client && (node.type == RespType.NULL || node.count == 0)) {
                    return null;
                }
                return endFrame(node, at, false);
            }
            var top = stack.peek();
            top.node.count++;
            // An element whose content was recorded is kept even when that content used up the budget (the overrun
            // is at most one element cost per level).
            if (budget >= ELEMENT_COST || node.data.length > 0 || !node.elements.isEmpty()) {
                top.node.elements.add(node);
                budget -= ELEMENT_COST;
            }
            if (top.streamed || --top.remaining[0] > 0) {
                return null;
            }
            stack.pop();
            node = top.node;
        }
    }

    private Frame endFrame(Resp node, long at, boolean inline) {
        var frame = new Frame(node, frameStart, at, held.count(), inline);
        held.reset();
        pendingAttribute = null;
        return frame;
    }
}
