package dev.chaostesting.protocols.http;

import dev.chaostesting.model.Body;
import dev.chaostesting.spi.BodyCollector;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a gzip or deflate body as it streams by, keeping at most {@code limit} decoded bytes. Decoding stops as soon
 * as the output passes the limit, so a small body that inflates to gigabytes costs neither memory nor much time; the
 * recorded size is then the bytes decoded so far ({@code limit + 1}), a lower bound of the real size.
 *
 * <p>gzip (RFC 1952) is parsed here, header, members and trailer, because {@link java.util.zip.GZIPInputStream} pulls
 * from a stream while this codec is pushed fragments. deflate is zlib-wrapped (RFC 1950) as the standard says, or raw
 * (RFC 1951) as some servers send it; the first two bytes tell which.
 */
final class Inflation {

    enum Format {
        GZIP,
        DEFLATE
    }

    private enum State {
        GZIP_HEADER,
        GZIP_EXTRA_LENGTH,
        GZIP_EXTRA,
        GZIP_NAME,
        GZIP_COMMENT,
        GZIP_HEADER_CRC,
        DEFLATE_HEADER,
        INFLATE,
        GZIP_TRAILER,
        END,
        STOPPED,
        FAILED
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED = 0xe0;

    private final Format format;
    private final int limit;
    private final BodyCollector decoded;
    private final byte[] out;
    private final CRC32 crc = new CRC32();
    private @Nullable Inflater inflater;
    private State state;
    private int position;
    private int flags;
    private int extraRemaining;
    private long trailer;
    private long memberBytes;
    private int firstByte = -1;
    private @Nullable String error;

    Inflation(Format format, int limit) {
        this.format = format;
        this.limit = limit;
        this.decoded = new BodyCollector(limit);
        this.out = new byte[(int) Math.min(8192, limit + 1L)];
        this.state = format == Format.GZIP ? State.GZIP_HEADER : State.DEFLATE_HEADER;
    }

    /** The format a Content-Encoding value asks for, or null when it is not one this class decodes. */
    static @Nullable Format formatOf(@Nullable String contentEncoding) {
        if (contentEncoding == null) {
            return null;
        }
        return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip" -> Format.GZIP;
            case "deflate" -> Format.DEFLATE;
            default -> null;
        };
    }

    /** Decodes the input's remaining bytes; moves its position. */
    void append(ByteBuffer in) {
        try {
            while (in.hasRemaining()) {
                switch (state) {
                    case GZIP_HEADER -> headerByte(in.get() & 0xff);
                    case GZIP_EXTRA_LENGTH -> {
                        extraRemaining |= (in.get() & 0xff) << (8 * position++);
                        if (position == 2) {
                            state = State.GZIP_EXTRA;
                        }
                    }
                    case GZIP_EXTRA -> {
                        int n = Math.min(extraRemaining, in.remaining());
                        in.position(in.position() + n);
                        extraRemaining -= n;
                    }
                    case GZIP_NAME -> {
                        if (in.get() == 0) {
                            afterHeaderPart(2);
                        }
                    }
                    case GZIP_COMMENT -> {
                        if (in.get() == 0) {
                            afterHeaderPart(3);
                        }
                    }
                    case GZIP_HEADER_CRC -> {
                        in.get();
                        if (++position == 2) {
                            startInflating(true);
                        }
                    }
                    case DEFLATE_HEADER -> deflateHeader(in);
                    case INFLATE -> inflate(in);
                    case GZIP_TRAILER -> trailerByte(in.get() & 0xff);
                    case END -> afterEnd(in.get(in.position()) & 0xff);
                    case STOPPED, FAILED -> in.position(in.limit());
                }
                if (state == State.GZIP_EXTRA && extraRemaining == 0) {
                    afterHeaderPart(1);
                }
            }
        } catch (DataFormatException e) {
            fail(e.getMessage() == null ? "invalid compressed data" : e.getMessage());
        }
    }

    /**
     * Ends decoding. Returns null when {@link #body()} holds a usable decoded body (complete, or cut at the limit), else
     * why not.
     */
    @Nullable
    String finish() {
        close();
        return switch (state) {
            case END, STOPPED -> null;
            case FAILED -> error;
            default -> "compressed data ended before the end of the stream";
        };
    }

    Body body() {
        return decoded.toBody();
    }

    private void headerByte(int b) throws DataFormatException {
        switch (position++) {
            case 0 -> expect(b == 0x1f, "not a gzip stream (expected: 1f 8b)");
            case 1 -> expect(b == 0x8b, "not a gzip stream (expected: 1f 8b)");
            case 2 -> expect(b == 8, "compression method: " + b + " (expected: 8, deflate)");
            case 3 -> {
                expect((b & RESERVED) == 0, "header flags: " + b + " (expected: reserved bits clear)");
                flags = b;
            }
            case 9 -> afterHeaderPart(0);
            default -> {}
        }
    }

    /** Moves to the next optional part of a gzip header, in the order RFC 1952 lays them out, or to the data. */
    private void afterHeaderPart(int done) {
        position = 0;
        if (done < 1 && (flags & FEXTRA) != 0) {
            extraRemaining = 0;
            state = State.GZIP_EXTRA_LENGTH;
        } else if (done < 2 && (flags & FNAME) != 0) {
            state = State.GZIP_NAME;
        } else if (done < 3 && (flags & FCOMMENT) != 0) {
            state = State.GZIP_COMMENT;
        } else if (done < 4 && (flags & FHCRC) != 0) {
            state = State.GZIP_HEADER_CRC;
        } else {
            startInflating(true);
        }
    }

    private void deflateHeader(ByteBuffer in) throws DataFormatException {
        if (firstByte < 0) {
            firstByte = in.get() & 0xff;
            if (!in.hasRemaining()) {
                return;
            }
        }
        int second = in.get(in.position()) & 0xff;
        boolean zlib = (firstByte & 0x0f) == 8 && (firstByte >> 4) <= 7 && ((firstByte << 8) | second) % 31 == 0;
        startInflating(!zlib);
        inflate(ByteBuffer.wrap(new byte[] {(byte) firstByte}));
    }

    private void startInflating(boolean raw) {
        if (inflater == null) {
            inflater = new Inflater(raw);
        } else {
            inflater.reset();
        }
        crc.reset();
        memberBytes = 0;
        state = State.INFLATE;
    }

    private void inflate(ByteBuffer in) throws DataFormatException {
        var inf = inflater;
        if (inf == null) {
            throw new IllegalStateException("inflate: no inflater");
        }
        inf.setInput(in);
        while (true) {
            int before = in.position();
            int room = (int) Math.min(out.length, limit + 1L - decoded.size());
            int n = inf.inflate(out, 0, room);
            if (n > 0) {
                decoded.append(out, 0, n);
                if (format == Format.GZIP) {
                    crc.update(out, 0, n);
                }
                memberBytes += n;
                if (decoded.size() > limit) {
                    state = State.STOPPED;
                    close();
                    return;
                }
            }
            if (inf.finished()) {
                position = 0;
                trailer = 0;
                state = format == Format.GZIP ? State.GZIP_TRAILER : State.END;
                return;
            }
            if (n == 0) {
                if (inf.needsDictionary()) {
                    throw new DataFormatException("a preset dictionary is not supported");
                }
                if (inf.needsInput()) {
                    return;
                }
                if (in.position() == before) {
                    throw new DataFormatException("no progress");
                }
            }
        }
    }

    private void trailerByte(int b) throws DataFormatException {
        trailer |= (long) b << (8 * position);
        if (++position < 8) {
            return;
        }
        expect((trailer & 0xffffffffL) == crc.getValue(), "CRC32 mismatch");
        expect((trailer >>> 32) == (memberBytes & 0xffffffffL), "ISIZE mismatch");
        state = State.END;
    }

    private void afterEnd(int next) throws DataFormatException {
        // A gzip body may hold several members one after the other (RFC 1952 section 2.2).
        expect(format == Format.GZIP && next == 0x1f, "data after the end of the compressed stream");
        position = 0;
        state = State.GZIP_HEADER;
    }

    private static void expect(boolean condition, String problem) throws DataFormatException {
        if (!condition) {
            throw new DataFormatException(problem);
        }
    }

    private void fail(String problem) {
        error = problem;
        state = State.FAILED;
        close();
    }

    private void close() {
        if (inflater != null) {
            // Inflater holds native memory until end(); waiting for the garbage collector would let it pile up.
            inflater.end();
            inflater = null;
        }
    }
}
