package dev.chaostesting.internal.recording;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.Message;
import dev.chaostesting.model.TcpData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Encodes interactions as JSON Lines into a byte buffer, byte for byte what {@link InteractionJson#write} writes with
 * {@link Json#lineGenerator} followed by a newline, without going through a generator for each value.
 *
 * <p>The direct path covers HTTP and raw TCP interactions whose strings are all ASCII, which is what recordings mostly
 * hold: field names are written as pre-encoded bytes, strings with JSON's escapes exactly as Jackson writes them
 * ({@code \"}, {@code \\}, {@code \b \t \n \f \r}, other control characters as {@code \\u00XX}), numbers in decimal,
 * binary bodies in standard base64 with padding (Jackson's default variant). Anything else (a character above ASCII, a
 * structured message) makes the whole line be written by {@link InteractionJson#write} instead, so every interaction
 * comes out exactly as the generator would write it. Not thread-safe.
 */
final class JsonLineEncoder {

    /** 0: written as is; > 0: the character after the backslash; -1: {@code \\u00XX}; -2: not ASCII. */
    private static final byte[] ESCAPES = new byte[256];

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
        for (int c = 0x80; c < 0x100; c++) {
            ESCAPES[c] = -2;
        }
    }

    private static final byte[] SEQUENCE = ascii("{\"sequence\":");
    private static final byte[] PROTOCOL = ascii(",\"protocol\":");
    private static final byte[] DIRECTION = ascii(",\"direction\":");
    private static final byte[] DIRECTION_INBOUND = ascii(",\"direction\":\"" + Direction.INBOUND.wireName() + "\"");
    private static final byte[] DIRECTION_OUTBOUND = ascii(",\"direction\":\"" + Direction.OUTBOUND.wireName() + "\"");
    private static final byte[] CONNECTION = ascii(",\"connection\":");
    private static final byte[] CLIENT = ascii(",\"client\":");
    private static final byte[] SERVER = ascii(",\"server\":");
    private static final byte[] STARTED_AT = ascii(",\"startedAt\":\"");
    private static final byte[] TTFB = ascii(",\"timeToFirstByteMicros\":");
    private static final byte[] DURATION = ascii(",\"durationMicros\":");
    private static final byte[] REQUEST_BYTES = ascii(",\"requestBytes\":");
    private static final byte[] RESPONSE_BYTES = ascii(",\"responseBytes\":");
    private static final byte[] REQUEST_NULL = ascii(",\"request\":null");
    private static final byte[] RESPONSE_NULL = ascii(",\"response\":null");
    private static final byte[] REQUEST = ascii(",\"request\":{");
    private static final byte[] RESPONSE = ascii(",\"response\":{");
    private static final byte[] METHOD = ascii("\"method\":");
    private static final byte[] PATH = ascii(",\"path\":");
    private static final byte[] STATUS = ascii("\"status\":");
    private static final byte[] REASON = ascii(",\"reason\":");
    private static final byte[] VERSION = ascii(",\"version\":");
    private static final byte[] HEADERS = ascii(",\"headers\":[");
    private static final byte[] TRAILERS = ascii(",\"trailers\":[");
    private static final byte[] HEADER_NAME = ascii("{\"name\":");
    private static final byte[] HEADER_VALUE = ascii(",\"value\":");
    private static final byte[] BODY = ascii(",\"body\":");
    private static final byte[] DATA = ascii("\"data\":");
    private static final byte[] INTERIM = ascii(",\"interim\":[");
    private static final byte[] TEXT = ascii("{\"text\":\"");
    private static final byte[] BASE64 = ascii("{\"base64\":\"");
    private static final byte[] EMPTY_TEXT = ascii("{\"text\":\"\"");
    private static final byte[] BODY_EMPTY_TEXT = ascii(",\"body\":{\"text\":\"\"");
    private static final byte[] SIZE = ascii(",\"size\":");
    private static final byte[] TRUNCATED = ascii(",\"truncated\":true");
    private static final byte[] CONTENT_ENCODING = ascii(",\"contentEncoding\":");
    private static final byte[] ERROR = ascii(",\"error\":");
    private static final byte[] ATTRIBUTES = ascii(",\"attributes\":{");
    private static final byte[] NULL = ascii("null");
    private static final byte[] LONG_MIN = ascii(Long.toString(Long.MIN_VALUE));

    /** Buffers above this size are not kept once written out, so one huge body does not pin its memory. */
    private static final int KEPT_CAPACITY = 1 << 20;

    private static final int INITIAL_CAPACITY = 1 << 16;

    /** Header fields per message whose strings are remembered by position (see {@link #cached}). */
    private static final int CACHED_FIELDS = 32;

    private static final int SLOT_PROTOCOL = 0;
    private static final int SLOT_DIRECTION = 1;
    private static final int SLOT_METHOD = 2;
    private static final int SLOT_PATH = 3;
    private static final int SLOT_REQUEST_VERSION = 4;
    private static final int SLOT_REASON = 5;
    private static final int SLOT_RESPONSE_VERSION = 6;
    private static final int SLOT_REQUEST_HEADERS = 8;
    private static final int SLOT_RESPONSE_HEADERS = SLOT_REQUEST_HEADERS + 2 * CACHED_FIELDS;
    private static final int SLOTS = SLOT_RESPONSE_HEADERS + 2 * CACHED_FIELDS;

    /**
     * The string last written at each place of a line, and its encoding (with what precedes it) once an equal string
     * came twice in a row there: header names and many values repeat from one message to the next (a server's
     * {@code Server}, {@code Content-Type}, its {@code Date} for a second), and comparing strings is cheaper than
     * encoding them again.
     */
    private final String[] seen = new String[SLOTS];

    private final byte[][] encoded = new byte[SLOTS][];

    /**
     * The names and values of the request (0) and response (1) headers last written, and their encoding once the same
     * came twice in a row: then the section is one copy.
     */
    private final String[][] sectionStrings = {new String[2 * CACHED_FIELDS], new String[2 * CACHED_FIELDS]};

    private final int[] sectionCount = {-1, -1};
    private final byte[][] sectionEncoded = new byte[2][];

    /** Connection ids and addresses: the same few strings for every interaction of a connection. */
    private static final int CONNECTION_SLOTS = 64;

    private final String[] connectionStrings = new String[3 * CONNECTION_SLOTS];
    private final byte[][] connectionPrefixes = new byte[3 * CONNECTION_SLOTS][];
    private final byte[][] connectionEncoded = new byte[3 * CONNECTION_SLOTS][];

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private int pos;
    private long lastSecond = Long.MIN_VALUE;
    private byte[] lastSecondText = new byte[0];
    private @Nullable JsonGenerator fallback;
    private final FallbackSink fallbackSink = new FallbackSink();
    private long fallbacks;

    /** Appends one interaction and a newline; returns the bytes appended. */
    int append(Interaction interaction) throws IOException {
        int start = pos;
        boolean done;
        try {
            done = interaction(interaction);
        } catch (NotDirect e) {
            done = false;
        }
        if (!done) {
            pos = start;
            try {
                viaGenerator(interaction);
            } catch (IOException | RuntimeException e) {
                // Nothing of a line that failed is kept, and the generator (now mid-object) is not used again.
                pos = start;
                fallback = null;
                throw e;
            }
        }
        ensure(1);
        buf[pos++] = '\n';
        return pos - start;
    }

    /** Bytes encoded and not yet written out. */
    int buffered() {
        return pos;
    }

    /** How many interactions were written by the generator rather than directly (for tests). */
    long fallbacks() {
        return fallbacks;
    }

    /** Writes everything buffered to {@code out} and empties the buffer. */
    void writeTo(OutputStream out) throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
        if (buf.length > KEPT_CAPACITY) {
            buf = new byte[INITIAL_CAPACITY];
        }
    }

    private void viaGenerator(Interaction interaction) throws IOException {
        fallbacks++;
        if (fallback == null) {
            fallback = Json.lineGenerator(fallbackSink);
        }
        InteractionJson.write(interaction, fallback);
        fallback.flush();
    }

    /** Receives what the generator writes, straight into the buffer. */
    private final class FallbackSink extends OutputStream {
        @Override
        public void write(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
        }
    }

    /** Thrown (without a stack) when the direct path meets something it does not cover. */
    private static final class NotDirect extends RuntimeException {
        private static final NotDirect INSTANCE = new NotDirect();

        private NotDirect() {
            super(null, null, false, false);
        }
    }

    private boolean interaction(Interaction i) {
        raw(SEQUENCE);
        number(i.sequence());
        cached(SLOT_PROTOCOL, PROTOCOL, i.protocol());
        var direction = i.direction();
        if (direction == Direction.INBOUND) {
            raw(DIRECTION_INBOUND);
        } else if (direction == Direction.OUTBOUND) {
            raw(DIRECTION_OUTBOUND);
        } else {
            cached(SLOT_DIRECTION, DIRECTION, direction.wireName());
        }
        connectionString(0, CONNECTION, i.connection());
        connectionString(1, CLIENT, i.client());
        connectionString(2, SERVER, i.server());
        instant(i.startedAt());
        raw(TTFB);
        number(i.timeToFirstByteMicros());
        raw(DURATION);
        number(i.durationMicros());
        raw(REQUEST_BYTES);
        number(i.requestBytes());
        raw(RESPONSE_BYTES);
        number(i.responseBytes());
        if (!message(REQUEST_NULL, REQUEST, i.request()) || !message(RESPONSE_NULL, RESPONSE, i.response())) {
            return false;
        }
        if (i.error() != null) {
            raw(ERROR);
            string(i.error());
        }
        var attributes = i.attributes();
        if (!attributes.isEmpty()) {
            raw(ATTRIBUTES);
            boolean first = true;
            for (Map.Entry<String, String> e : attributes.entrySet()) {
                if (!first) {
                    put((byte) ',');
                }
                first = false;
                string(e.getKey());
                put((byte) ':');
                string(e.getValue());
            }
            put((byte) '}');
        }
        put((byte) '}');
        return true;
    }

    private boolean message(byte[] nullField, byte[] field, @Nullable Message message) {
        if (message == null) {
            raw(nullField);
            return true;
        }
        if (message instanceof HttpRequest r) {
            raw(field);
            cached(SLOT_METHOD, METHOD, r.method());
            cached(SLOT_PATH, PATH, r.target());
            cached(SLOT_REQUEST_VERSION, VERSION, r.version());
            headers(HEADERS, r.headers(), SLOT_REQUEST_HEADERS);
            body(r.body());
            if (!r.trailers().isEmpty()) {
                headers(TRAILERS, r.trailers(), -1);
            }
        } else if (message instanceof HttpResponse r) {
            raw(field);
            raw(STATUS);
            number(r.status());
            cached(SLOT_REASON, REASON, r.reason());
            cached(SLOT_RESPONSE_VERSION, VERSION, r.version());
            headers(HEADERS, r.headers(), SLOT_RESPONSE_HEADERS);
            body(r.body());
            if (!r.trailers().isEmpty()) {
                headers(TRAILERS, r.trailers(), -1);
            }
            var interim = r.interim();
            if (!interim.isEmpty()) {
                raw(INTERIM);
                for (int k = 0; k < interim.size(); k++) {
                    if (k > 0) {
                        put((byte) ',');
                    }
                    number(interim.get(k));
                }
                put((byte) ']');
            }
        } else if (message instanceof TcpData d) {
            raw(field);
            raw(DATA);
            bodyValue(d.data());
        } else {
            return false;
        }
        put((byte) '}');
        return true;
    }

    /**
     * @param slots where the fields' strings are remembered ({@link #SLOT_REQUEST_HEADERS} or
     *     {@link #SLOT_RESPONSE_HEADERS}), or -1
     */
    private void headers(byte[] field, Headers headers, int slots) {
        var entries = headers.entries();
        int n = entries.size();
        if (slots < 0 || n > CACHED_FIELDS) {
            fields(field, entries, -1);
            return;
        }
        // The whole section at once when every name and value equals those last written here.
        int section = slots == SLOT_REQUEST_HEADERS ? 0 : 1;
        var last = sectionStrings[section];
        boolean same = sectionCount[section] == n;
        for (int k = 0; same && k < n; k++) {
            var e = entries.get(k);
            same = e.getKey().equals(last[2 * k]) && e.getValue().equals(last[2 * k + 1]);
        }
        if (same && sectionEncoded[section] != null) {
            raw(sectionEncoded[section]);
            return;
        }
        int start = pos;
        fields(field, entries, slots);
        if (same) {
            sectionEncoded[section] = Arrays.copyOfRange(buf, start, pos);
        } else {
            for (int k = 0; k < n; k++) {
                var e = entries.get(k);
                last[2 * k] = e.getKey();
                last[2 * k + 1] = e.getValue();
            }
            sectionCount[section] = n;
            sectionEncoded[section] = null;
        }
    }

    private void fields(byte[] field, List<Map.Entry<String, String>> entries, int slots) {
        raw(field);
        for (int k = 0, n = entries.size(); k < n; k++) {
            var e = entries.get(k);
            if (k > 0) {
                put((byte) ',');
            }
            if (slots >= 0) {
                cached(slots + 2 * k, HEADER_NAME, e.getKey());
                cached(slots + 2 * k + 1, HEADER_VALUE, e.getValue());
            } else {
                raw(HEADER_NAME);
                string(e.getKey());
                raw(HEADER_VALUE);
                string(e.getValue());
            }
            put((byte) '}');
        }
        put((byte) ']');
    }

    /**
     * {@code prefix} then a string that is the same for many interactions, such as a connection's id: the encoding of
     * both is kept by the string's hash.
     */
    private void connectionString(int field, byte[] prefix, String s) {
        int slot = field * CONNECTION_SLOTS + (s.hashCode() & (CONNECTION_SLOTS - 1));
        var known = connectionStrings[slot];
        if (known != null && connectionPrefixes[slot] == prefix && (known == s || known.equals(s))) {
            raw(connectionEncoded[slot]);
            return;
        }
        int start = pos;
        raw(prefix);
        string(s);
        connectionStrings[slot] = s;
        connectionPrefixes[slot] = prefix;
        connectionEncoded[slot] = Arrays.copyOfRange(buf, start, pos);
    }

    /**
     * {@code prefix} then the string: copied from the last time when it equals the string last written at this place.
     * Only the second time in a row is the encoding kept, so strings that never come again cost no copy.
     */
    private void cached(int slot, byte[] prefix, @Nullable String s) {
        if (s != null && s.equals(seen[slot])) {
            var bytes = encoded[slot];
            if (bytes != null) {
                raw(bytes);
                return;
            }
            int start = pos;
            raw(prefix);
            string(s);
            encoded[slot] = Arrays.copyOfRange(buf, start, pos);
            return;
        }
        seen[slot] = s;
        encoded[slot] = null;
        raw(prefix);
        string(s);
    }

    /** The {@code body} field of an HTTP message. */
    private void body(Body body) {
        if (body.length() == 0) {
            raw(BODY_EMPTY_TEXT); // no bytes (perhaps truncated to none): an empty text
            bodyRest(body);
        } else {
            raw(BODY);
            bodyValue(body);
        }
    }

    /** A body object. */
    private void bodyValue(Body body) {
        if (body.length() == 0) {
            raw(EMPTY_TEXT);
        } else {
            bytes(body);
        }
        bodyRest(body);
    }

    /** What follows a body's bytes: its size, whether truncated, its content encoding, and the end of the object. */
    private void bodyRest(Body body) {
        raw(SIZE);
        number(body.size());
        if (body.truncated()) {
            raw(TRUNCATED);
        }
        if (body.contentEncoding() != null) {
            raw(CONTENT_ENCODING);
            string(body.contentEncoding());
        }
        put((byte) '}');
    }

    /** The {@code text} or {@code base64} field of a body with bytes. */
    private void bytes(Body body) {
        var data = body.buffer();
        int n = data.remaining();
        if (!ascii(data, n)) {
            if (body.textIfValid() != null) {
                throw NotDirect.INSTANCE; // UTF-8 text: the generator writes it (and its escapes)
            }
            raw(BASE64);
            var encoded = Base64.getEncoder().encode(data.duplicate());
            int length = encoded.remaining();
            ensure(length);
            encoded.get(buf, pos, length);
            pos += length;
            put((byte) '"');
        } else {
            raw(TEXT);
            asciiText(data, n);
            put((byte) '"');
        }
    }

    private static boolean ascii(ByteBuffer data, int n) {
        for (int k = 0; k < n; k++) {
            if (data.get(k) < 0) {
                return false;
            }
        }
        return true;
    }

    /** ASCII bytes as the contents of a JSON string: copied at once, escaped from the first byte that needs it. */
    private void asciiText(ByteBuffer data, int n) {
        ensure(n);
        data.get(0, buf, pos, n);
        int end = pos + n;
        for (int k = pos; k < end; k++) {
            if (ESCAPES[buf[k] & 0xff] != 0) {
                int done = k - pos;
                pos = k;
                for (int j = done; j < n; j++) {
                    character(data.get(j) & 0xff);
                }
                return;
            }
        }
        pos = end;
    }

    private void string(@Nullable String s) {
        if (s == null) {
            raw(NULL);
            return;
        }
        int n = s.length();
        ensure(n + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        for (int k = 0; k < n; k++) {
            char c = s.charAt(k);
            if ((char) (c - 0x20) < 0x60 && c != '"' && c != '\\') {
                b[p++] = (byte) c;
            } else {
                pos = p;
                for (int j = k; j < n; j++) {
                    character(s.charAt(j));
                }
                put((byte) '"');
                return;
            }
        }
        b[p++] = '"';
        pos = p;
    }

    private void character(int c) {
        if (c >= 0x80) {
            throw NotDirect.INSTANCE;
        }
        int escape = ESCAPES[c];
        if (escape == 0) {
            put((byte) c);
        } else if (escape > 0) {
            ensure(2);
            buf[pos++] = '\\';
            buf[pos++] = (byte) escape;
        } else {
            ensure(6);
            buf[pos++] = '\\';
            buf[pos++] = 'u';
            buf[pos++] = '0';
            buf[pos++] = '0';
            buf[pos++] = HEX[c >> 4];
            buf[pos++] = HEX[c & 0xf];
        }
    }

    /**
     * The {@code startedAt} field, its value as {@link Instant#toString()}: the date and time of the second (formatted
     * once per second), then the fraction.
     */
    private void instant(Instant instant) {
        long second = instant.getEpochSecond();
        if (second != lastSecond) {
            var text = Instant.ofEpochSecond(second).toString();
            // Without a fraction it ends with 'Z' alone.
            var date = text.substring(0, text.length() - 1).getBytes(StandardCharsets.US_ASCII);
            lastSecondText = Arrays.copyOf(STARTED_AT, STARTED_AT.length + date.length);
            System.arraycopy(date, 0, lastSecondText, STARTED_AT.length, date.length);
            lastSecond = second;
        }
        raw(lastSecondText);
        int nano = instant.getNano();
        ensure(12);
        if (nano != 0) {
            buf[pos++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(nano / 1000, 6);
            } else {
                digits(nano, 9);
            }
        }
        buf[pos++] = 'Z';
        buf[pos++] = '"';
    }

    private void digits(int value, int count) {
        for (int k = pos + count - 1; k >= pos; k--) {
            buf[k] = (byte) ('0' + value % 10);
            value /= 10;
        }
        pos += count;
    }

    private void number(long value) {
        if (value >= 0 && value <= Integer.MAX_VALUE) {
            nonNegative((int) value);
            return;
        }
        if (value == Long.MIN_VALUE) {
            raw(LONG_MIN);
            return;
        }
        ensure(20);
        if (value < 0) {
            buf[pos++] = '-';
            value = -value;
        }
        int length = 1;
        for (long v = value; v >= 10; v /= 10) {
            length++;
        }
        for (int k = pos + length - 1; k >= pos; k--) {
            buf[k] = (byte) ('0' + value % 10);
            value /= 10;
        }
        pos += length;
    }

    /** A non-negative int, in int arithmetic, two digits at a time. */
    private void nonNegative(int value) {
        ensure(10);
        int length = 1;
        for (int bound = 10; length < 10 && value >= bound; bound *= 10) {
            length++;
        }
        byte[] b = buf;
        int k = pos + length;
        while (value >= 100) {
            int q = value / 100;
            int r = value - q * 100;
            b[--k] = DIGIT_ONES[r];
            b[--k] = DIGIT_TENS[r];
            value = q;
        }
        if (value >= 10) {
            b[--k] = DIGIT_ONES[value];
            b[--k] = DIGIT_TENS[value];
        } else {
            b[--k] = (byte) ('0' + value);
        }
        pos += length;
    }

    private static final byte[] DIGIT_TENS = new byte[100];
    private static final byte[] DIGIT_ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (byte) ('0' + i / 10);
            DIGIT_ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void ensure(int more) {
        if (buf.length - pos < more) {
            buf = Arrays.copyOf(buf, Math.max(pos + more, buf.length * 2));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
