package dev.chaostesting.protocols.mysql;

import dev.chaostesting.protocols.mysql.internal.MysqlDecoder;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The MySQL and MariaDB client/server protocol: the connection handshake (credentials never recorded), text queries,
 * prepared statements with their binary parameters and rows, and the other commands by name. TLS and compressed
 * connections are recorded as raw TCP from the point they switch. Recognised by the server's greeting (protocol
 * version 10), which the server sends before the client says anything.
 */
public final class MysqlCodec implements ProtocolCodec {

    /** How far into the greeting the server version string may run before the codec says no. */
    private static final int MAX_VERSION_LENGTH = 128;

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public Set<Integer> portHints() {
        return Set.of(3306);
    }

    /**
     * Claims a connection whose server spoke first with a packet of sequence id 0 holding protocol version 10, a server
     * version that starts with a digit and is printable up to its NUL, and the NUL filler after the first part of the
     * scramble.
     */
    @Override
    public Detection detect(Side side, ByteBuffer firstBytes) {
        if (side != Side.SERVER) {
            return Detection.NO_MATCH;
        }
        var b = firstBytes.duplicate();
        int n = b.remaining();
        int base = b.position();
        if (n < 6) {
            return prefixOk(b, base, n) ? Detection.NEED_MORE : Detection.NO_MATCH;
        }
        if (!prefixOk(b, base, 6)) {
            return Detection.NO_MATCH;
        }
        int length = (b.get(base) & 0xff) | (b.get(base + 1) & 0xff) << 8 | (b.get(base + 2) & 0xff) << 16;
        int i = 6;
        while (true) {
            if (i >= n) {
                return i - 5 > MAX_VERSION_LENGTH ? Detection.NO_MATCH : Detection.NEED_MORE;
            }
            int c = b.get(base + i) & 0xff;
            if (c == 0) {
                break;
            }
            if (c < 0x20 || c > 0x7e || i - 5 > MAX_VERSION_LENGTH) {
                return Detection.NO_MATCH;
            }
            i++;
        }
        // version NUL, connection id (4), scramble part 1 (8), filler 0x00, capabilities (2)
        int filler = i + 1 + 4 + 8;
        if (filler + 2 - 4 > length) {
            return Detection.NO_MATCH;
        }
        if (filler >= n) {
            return Detection.NEED_MORE;
        }
        return b.get(base + filler) == 0 ? Detection.MATCH : Detection.NO_MATCH;
    }

    /** Length plausible, sequence id 0, protocol version 10, version starting with a digit, as far as seen. */
    private static boolean prefixOk(ByteBuffer b, int base, int n) {
        if (n >= 3) {
            int length = (b.get(base) & 0xff) | (b.get(base + 1) & 0xff) << 8 | (b.get(base + 2) & 0xff) << 16;
            if (length < 20 || length > 1024) {
                return false;
            }
        }
        if (n >= 4 && b.get(base + 3) != 0) {
            return false;
        }
        if (n >= 5 && b.get(base + 4) != 10) {
            return false;
        }
        return n < 6 || (b.get(base + 5) >= '0' && b.get(base + 5) <= '9');
    }

    @Override
    public StreamDecoder newDecoder(DecoderContext context) {
        return new MysqlDecoder(context);
    }
}
