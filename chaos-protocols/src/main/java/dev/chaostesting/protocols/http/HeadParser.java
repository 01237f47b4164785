package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Headers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Parses a message head (start line and header section, RFC 9112 sections 3 to 5) or a trailer section, from input
 * arriving in pieces of any size. {@link #parse} consumes what it can and returns false until the section is complete.
 */
final class HeadParser {

    enum Kind {
        REQUEST("request line", "header"),
        RESPONSE("status line", "header"),
        TRAILERS("", "trailer");

        private final String startLine;
        private final String field;

        Kind(String startLine, String field) {
            this.startLine = startLine;
            this.field = field;
        }
    }

    private enum State {
        START_LINE,
        FIELDS,
        DONE
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final Kind kind;
    private final LineBuffer lines = new LineBuffer(512);
    private final ArrayList<String> fields = new ArrayList<>();
    /** Whether the head being parsed by {@link #wholeHead} is known to be ASCII: its text needs no decoding. */
    private boolean ascii;

    /** Where each line of a whole head ends (its LF), from the head's start; see {@link #wholeHead}. */
    private int[] lineEnds = new int[32];

    private State state = State.START_LINE;
    private int sectionStart;
    private String method = "";
    private String target = "";
    private String version = "";
    private String reason = "";
    private int status;
    private @Nullable Head head;

    HeadParser(Kind kind) {
        this.kind = kind;
        reset();
    }

    /** Consumes input up to the end of the section; true once it is complete. */
    boolean parse(ByteBuffer data) throws MalformedHttpException {
        if (state == State.START_LINE && lines.length() == 0 && kind != Kind.TRAILERS && wholeHead(data)) {
            return true;
        }
        while (state != State.DONE) {
            if (state == State.START_LINE) {
                int n = lines.nextLine(data, Limits.MAX_START_LINE - lines.completed());
                if (n == LineBuffer.NEED_MORE) {
                    return false;
                }
                if (n == LineBuffer.TOO_LONG) {
                    throw new MalformedHttpException(kind.startLine + ": over " + Limits.MAX_START_LINE
                            + " bytes (expected: <= " + Limits.MAX_START_LINE + ")");
                }
                // Empty lines before a start line are skipped, as RFC 9112 section 2.2 recommends for requests.
                if (n > 0) {
                    int from = lines.lineOffset();
                    if (kind == Kind.REQUEST) {
                        requestLine(lines.array(), from, from + n);
                    } else {
                        statusLine(lines.array(), from, from + n);
                    }
                    state = State.FIELDS;
                    sectionStart = lines.completed();
                }
            } else {
                int used = lines.completed() - sectionStart;
                int n = lines.nextLine(data, Limits.MAX_FIELD_SECTION - used - 2);
                if (n == LineBuffer.NEED_MORE) {
                    return false;
                }
                if (n == LineBuffer.TOO_LONG) {
                    throw new MalformedHttpException(kind.field + " section: over " + Limits.MAX_FIELD_SECTION
                            + " bytes (expected: <= " + Limits.MAX_FIELD_SECTION + ")");
                }
                if (n == 0) {
                    head = finish();
                    state = State.DONE;
                } else {
                    fieldLine(lines.array(), lines.lineOffset(), lines.lineOffset() + n);
                }
            }
        }
        return true;
    }

    /**
     * The common case, in one pass: a fresh head that lies whole in {@code data}, within
     * {@link Limits#MAX_START_LINE} bytes and without empty lines before it. Its lines are found at once, copied to the
     * line buffer at once, and parsed by the same methods as line by line, so the head, the bytes consumed and the line
     * buffer are what the general loop leaves. Anything else, and any head found malformed, is left (state and input
     * untouched) to the general loop, which then fails with its own message.
     */
    private boolean wholeHead(ByteBuffer data) {
        // Decoders get read-only buffers: the bytes are staged in the line buffer's array in one copy, and scanned
        // there.
        int start = data.position();
        int available = Math.min(data.remaining(), Limits.MAX_START_LINE);
        byte[] a = lines.stage(data, available);
        int count = 0;
        int lineStart = 0;
        int headEnd = -1;
        long bits = 0;
        // Eight bytes at a time: the line feeds of a word are found together (a zero byte of word ^ LFs), and the high
        // bits of every byte before the head's end are gathered for the ASCII test.
        int i = 0;
        scan:
        for (; i + Long.BYTES <= available; i += Long.BYTES) {
            long word = (long) LONGS.get(a, i);
            long x = word ^ LINE_FEEDS;
            long candidates = (x - ONES) & ~x & HIGH_BITS;
            while (candidates != 0) {
                // The lowest zero byte is exact; one above it may be a false candidate (a borrow): checked.
                int at = i + (Long.numberOfTrailingZeros(candidates) >>> 3);
                candidates &= candidates - 1;
                if (a[at] != '\n') {
                    continue;
                }
                int lineLength = at - lineStart;
                if (lineLength > 0 && a[at - 1] == '\r') {
                    lineLength--;
                }
                if (lineLength == 0) {
                    if (count == 0) {
                        return false; // empty lines before the start line: the general loop skips them
                    }
                    headEnd = at + 1;
                    for (int k = i; k < headEnd; k++) {
                        bits |= a[k];
                    }
                    break scan;
                }
                if (count == lineEnds.length) {
                    lineEnds = java.util.Arrays.copyOf(lineEnds, count * 2);
                }
                lineEnds[count++] = at;
                lineStart = at + 1;
            }
            bits |= word;
        }
        for (; headEnd < 0 && i < available; i++) {
            bits |= a[i];
            if (a[i] != '\n') {
                continue;
            }
            int lineLength = i - lineStart;
            if (lineLength > 0 && a[i - 1] == '\r') {
                lineLength--;
            }
            if (lineLength == 0) {
                if (count == 0) {
                    return false; // empty lines before the start line: the general loop skips them
                }
                headEnd = i + 1;
                break;
            }
            if (count == lineEnds.length) {
                lineEnds = java.util.Arrays.copyOf(lineEnds, count * 2);
            }
            lineEnds[count++] = i;
            lineStart = i + 1;
        }
        if (headEnd < 0) {
            return false;
        }
        lines.accept(headEnd, lineEnds[count - 1] + 1);
        data.position(start + headEnd);
        // No byte with the high bit among those scanned (the head, perhaps more): all its text is ASCII.
        ascii = (bits & HIGH_BITS) == 0;
        byte[] b = lines.array();
        try {
            int lineFrom = 0;
            for (int k = 0; k < count; k++) {
                int lf = lineEnds[k];
                int lineTo = lf > lineFrom && b[lf - 1] == '\r' ? lf - 1 : lf;
                if (k == 0) {
                    if (kind == Kind.REQUEST) {
                        requestLine(b, lineFrom, lineTo);
                    } else {
                        statusLine(b, lineFrom, lineTo);
                    }
                } else {
                    fieldLine(b, lineFrom, lineTo);
                }
                lineFrom = lf + 1;
            }
            head = finish();
        } catch (MalformedHttpException e) {
            reset();
            data.position(start);
            return false;
        } finally {
            ascii = false;
        }
        sectionStart = lineEnds[0] + 1;
        state = State.DONE;
        return true;
    }

    /** The parsed head; only after {@link #parse} returned true. */
    Head head() {
        if (head == null) {
            throw new IllegalStateException("head: not parsed yet");
        }
        return head;
    }

    /** The bytes of this section so far, as sent. */
    ByteBuffer unparsed() {
        return lines.contents();
    }

    void reset() {
        lines.clear();
        fields.clear();
        state = kind == Kind.TRAILERS ? State.FIELDS : State.START_LINE;
        sectionStart = 0;
        method = "";
        target = "";
        version = "";
        reason = "";
        status = 0;
        head = null;
    }

    private void requestLine(byte[] b, int from, int to) throws MalformedHttpException {
        int sp1 = Text.indexOf(b, from, to, ' ');
        int sp2 = Text.lastIndexOf(b, from, to, ' ');
        if (sp1 <= from || sp2 == sp1) {
            throw new MalformedHttpException(
                    "request line: " + Text.quote(b, from, to) + " (expected: method SP target SP HTTP/1.x)");
        }
        if (!Text.isToken(b, from, sp1)) {
            throw new MalformedHttpException("method: " + Text.quote(b, from, sp1) + " (expected: a token)");
        }
        int targetFrom = sp1 + 1;
        if (targetFrom == sp2 || b[targetFrom] == ' ' || b[sp2 - 1] == ' ' || hasControl(b, targetFrom, sp2)) {
            throw new MalformedHttpException("request target: " + Text.quote(b, targetFrom, sp2)
                    + " (expected: visible characters, one space on each side)");
        }
        version = version(b, sp2 + 1, to);
        method = Text.latin1(b, from, sp1);
        target = text(b, targetFrom, sp2);
    }

    private void statusLine(byte[] b, int from, int to) throws MalformedHttpException {
        int sp = Text.indexOf(b, from, to, ' ');
        if (sp < 0) {
            throw new MalformedHttpException(
                    "status line: " + Text.quote(b, from, to) + " (expected: HTTP/1.x SP status SP reason)");
        }
        version = version(b, from, sp);
        int code = sp + 1;
        boolean ok = to - code >= 3 && (to - code == 3 || b[code + 3] == ' ');
        for (int i = 0; ok && i < 3; i++) {
            int d = b[code + i] - '0';
            ok = d >= (i == 0 ? 1 : 0) && d <= 9;
        }
        if (!ok) {
            throw new MalformedHttpException(
                    "status: " + Text.quote(b, code, Math.min(to, code + 4)) + " (expected: three digits, 100 to 999)");
        }
        status = (b[code] - '0') * 100 + (b[code + 1] - '0') * 10 + (b[code + 2] - '0');
        reason = code + 4 < to ? text(b, code + 4, to) : "";
    }

    private static String version(byte[] b, int from, int to) throws MalformedHttpException {
        boolean ok = to - from == 8
                && b[from] == 'H'
                && b[from + 1] == 'T'
                && b[from + 2] == 'T'
                && b[from + 3] == 'P'
                && b[from + 4] == '/'
                && b[from + 5] == '1'
                && b[from + 6] == '.'
                && b[from + 7] >= '0'
                && b[from + 7] <= '9';
        if (!ok) {
            throw new MalformedHttpException("version: " + Text.quote(b, from, to) + " (expected: HTTP/1.x)");
        }
        return switch (b[from + 7]) {
            case '1' -> "HTTP/1.1";
            case '0' -> "HTTP/1.0";
            default -> Text.latin1(b, from, to);
        };
    }

    private void fieldLine(byte[] b, int from, int to) throws MalformedHttpException {
        if (Text.isWhitespace(b[from])) {
            // obs-fold (RFC 9112 section 5.2): the line continues the previous value; joined with one space.
            if (fields.isEmpty()) {
                throw new MalformedHttpException(
                        kind.field + " line: " + Text.quote(b, from, to) + " (expected: a field name first)");
            }
            int last = fields.size() - 1;
            int moreFrom = skipWhitespace(b, from, to);
            var more = Text.decode(b, moreFrom, trimEnd(b, moreFrom, to));
            if (!more.isEmpty()) {
                fields.set(last, fields.get(last).isEmpty() ? more : fields.get(last) + " " + more);
            }
            return;
        }
        // The first colon, and whether what comes before it is a token, in one pass.
        int colon = -1;
        boolean token = true;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c == ':') {
                colon = i;
                break;
            }
            token &= Text.isTokenChar(c);
        }
        if (colon < 0) {
            throw new MalformedHttpException(
                    kind.field + " line: " + Text.quote(b, from, to) + " (expected: name: value)");
        }
        if (!token || colon == from) {
            throw new MalformedHttpException(
                    kind.field + " name: " + Text.quote(b, from, colon) + " (expected: a token)");
        }
        int valueFrom = skipWhitespace(b, colon + 1, to);
        int valueTo = Math.max(valueFrom, trimEnd(b, valueFrom, to));
        fields.add(Text.latin1(b, from, colon));
        fields.add(text(b, valueFrom, valueTo));
    }

    /** {@link Text#decode}, which for ASCII text (known so already) is {@link Text#latin1}. */
    private String text(byte[] b, int from, int to) {
        return ascii ? Text.latin1(b, from, to) : Text.decode(b, from, to);
    }

    private static int skipWhitespace(byte[] b, int from, int to) {
        while (from < to && Text.isWhitespace(b[from])) {
            from++;
        }
        return from;
    }

    private static int trimEnd(byte[] b, int from, int to) {
        while (to > from && Text.isWhitespace(b[to - 1])) {
            to--;
        }
        return to;
    }

    private static boolean hasControl(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if ((b[i] >= 0 && b[i] < 0x20) || b[i] == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private Head finish() throws MalformedHttpException {
        var headers = Headers.builder();
        long contentLength = -1;
        String transferEncoding = null;
        String contentEncoding = null;
        String upgrade = null;
        for (int i = 0; i < fields.size(); i += 2) {
            var name = fields.get(i);
            var value = fields.get(i + 1);
            headers.add(name, value);
            if (kind == Kind.TRAILERS) {
                continue;
            }
            // Length first: most fields are none of these, and the check is then one int comparison.
            switch (name.length()) {
                case 14 -> {
                    if (name.equals("Content-Length") || name.equalsIgnoreCase("Content-Length")) {
                        contentLength = contentLength(value, contentLength);
                    }
                }
                case 17 -> {
                    if (name.equals("Transfer-Encoding") || name.equalsIgnoreCase("Transfer-Encoding")) {
                        transferEncoding = join(transferEncoding, value);
                    }
                }
                case 16 -> {
                    if (name.equals("Content-Encoding") || name.equalsIgnoreCase("Content-Encoding")) {
                        contentEncoding = join(contentEncoding, value);
                    }
                }
                case 7 -> {
                    if (upgrade == null && name.equalsIgnoreCase("Upgrade")) {
                        upgrade = firstProtocol(value);
                    }
                }
                default -> {}
            }
        }
        return new Head(
                method,
                target,
                status,
                reason,
                version,
                headers.build(),
                contentLength,
                transferEncoding,
                transferEncoding != null && lastCodingIsChunked(transferEncoding),
                contentEncoding,
                upgrade);
    }

    /**
     * A list of identical values is accepted, as RFC 9110 section 8.6 allows: some intermediaries repeat the field.
     */
    private static long contentLength(String value, long previous) throws MalformedHttpException {
        int digits = value.length();
        if (digits > 0 && digits <= 18 && previous < 0) {
            // One plain number, the usual case: the same result as the general loop below, without its substrings.
            long n = 0;
            for (int i = 0; i < digits && n >= 0; i++) {
                int d = value.charAt(i) - '0';
                n = d < 0 || d > 9 ? -1 : n * 10 + d;
            }
            if (n >= 0) {
                return n;
            }
        }
        long result = previous;
        int start = 0;
        while (start <= value.length()) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            var part = value.substring(start, end).trim();
            if (part.isEmpty() || part.length() > 18) {
                throw new MalformedHttpException(
                        "content-length: " + Text.quote(value) + " (expected: a number of bytes, at most 18 digits)");
            }
            long n = 0;
            for (int i = 0; i < part.length(); i++) {
                int d = part.charAt(i) - '0';
                if (d < 0 || d > 9) {
                    throw new MalformedHttpException(
                            "content-length: " + Text.quote(value) + " (expected: a number of bytes)");
                }
                n = n * 10 + d;
            }
            if (result >= 0 && result != n) {
                throw new MalformedHttpException("content-length: " + Text.quote(value) + " (expected: one value)");
            }
            result = n;
            start = end + 1;
        }
        return result;
    }

    private static String join(@Nullable String previous, String value) {
        return previous == null ? value : previous + ", " + value;
    }

    private static boolean lastCodingIsChunked(String transferEncoding) {
        int comma = transferEncoding.lastIndexOf(',');
        return transferEncoding.substring(comma + 1).trim().equalsIgnoreCase("chunked");
    }

    private static @Nullable String firstProtocol(String value) {
        int comma = value.indexOf(',');
        var first = (comma < 0 ? value : value.substring(0, comma)).trim();
        return first.isEmpty() ? null : first.toLowerCase(Locale.ROOT);
    }
}
