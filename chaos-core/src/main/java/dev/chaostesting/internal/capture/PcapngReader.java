package dev.chaostesting.internal.capture;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads pcapng: blocks of a type and a length. Understands section headers (which set the byte order and start a new
 * list of interfaces, so several sections may follow each other), interface descriptions (link type, snap length,
 * {@code if_tsresol}, {@code if_tsoffset}), enhanced, simple and obsolete packet blocks; skips every other block.
 */
final class PcapngReader implements PacketSource {

    private static final int SECTION_HEADER = 0x0A0D0D0A;
    private static final int INTERFACE_DESCRIPTION = 1;
    private static final int OBSOLETE_PACKET = 2;
    private static final int SIMPLE_PACKET = 3;
    private static final int ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int OPT_END = 0;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;
    /** libpcap's own limit on a block: larger is a corrupt length, and refusing it keeps memory bounded. */
    private static final int MAX_BLOCK = 16 << 20;

    private final ByteInput in;
    private final CapturedPacket packet = new CapturedPacket();
    private final List<Interface> interfaces = new ArrayList<>();
    private final byte[] head = new byte[12];
    private byte[] body = new byte[4096];
    private boolean bigEndian;
    private long lastMicros;
    private boolean endedMidRecord;
    private boolean done;

    private record Interface(int linkType, long snaplen, TimestampResolution resolution) {}

    static boolean isSectionHeader(byte[] magic) {
        return Bytes.i32(magic, 0, true) == SECTION_HEADER;
    }

    PcapngReader(ByteInput in, byte[] magic) throws IOException {
        this.in = in;
        System.arraycopy(magic, 0, head, 0, 4);
        int n = in.read(head, 4, 8);
        if (n < 8) {
            throw new MalformedCaptureException("pcapng section header at byte 0: the file ends after " + (4 + n)
                    + " bytes (expected: at least 28)");
        }
        readSection(0);
    }

    @Override
    public String format() {
        return "pcapng";
    }

    @Override
    public boolean endedMidRecord() {
        return endedMidRecord;
    }

    @Override
    public @Nullable CapturedPacket next() throws IOException {
        while (!done) {
            long at = in.offset();
            int n = in.read(head, 0, 8);
            if (n < 8) {
                // Too little is left to tell what the block was: count it as a lost packet, the likely case.
                return end(n > 0);
            }
            int type = Bytes.i32(head, 0, bigEndian);
            if (Bytes.i32(head, 0, true) == SECTION_HEADER) {
                if (in.read(head, 8, 4) < 4) {
                    return end(false);
                }
                readSection(at);
                continue;
            }
            long length = Bytes.u32(head, 4, bigEndian);
            checkLength(at, "block", length);
            int bodyLength = readBody(length);
            if (bodyLength < 0) {
                return end(type == ENHANCED_PACKET || type == SIMPLE_PACKET || type == OBSOLETE_PACKET);
            }
            checkTrailer(at, length, bodyLength);
            switch (type) {
                case INTERFACE_DESCRIPTION -> interfaces.add(readInterface(at, bodyLength));
                case ENHANCED_PACKET -> {
                    return packet(at, "enhanced packet block", Bytes.i32(body, 0, bigEndian), 4, 20, bodyLength);
                }
                case OBSOLETE_PACKET -> {
                    return packet(at, "packet block", Bytes.u16(body, 0, bigEndian), 4, 20, bodyLength);
                }
                case SIMPLE_PACKET -> {
                    return simplePacket(at, bodyLength);
                }
                default -> {
                    // Name resolution, statistics, journal, custom and future blocks carry no packets.
                }
            }
        }
        return null;
    }

    private @Nullable CapturedPacket end(boolean midRecord) {
        done = true;
        endedMidRecord = midRecord;
        return null;
    }

    /** A section header: its byte-order magic sets how every later length and field is read, until the next one. */
    private void readSection(long at) throws IOException {
        int order = Bytes.i32(head, 8, true);
        if (order == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (Integer.reverseBytes(order) == BYTE_ORDER_MAGIC) {
            bigEndian = false;
        } else {
            throw new MalformedCaptureException("pcapng section header at byte " + at + ": byte-order magic "
                    + Bytes.hex32(order) + " (expected: 0x1a2b3c4d in either byte order)");
        }
        long length = Bytes.u32(head, 4, bigEndian);
        checkLength(at, "section header", length);
        if (length < 28) {
            throw new MalformedCaptureException(
                    "pcapng section header at byte " + at + ": block total length " + length + " (expected: >= 28)");
        }
        // The section header's body starts after the byte-order magic, which was already read.
        int rest = (int) length - 16;
        ensure(rest + 4);
        if (in.read(body, 0, rest + 4) < rest + 4) {
            done = true;
            return;
        }
        int major = Bytes.u16(body, 0, bigEndian);
        if (major != 1) {
            throw new MalformedCaptureException("pcapng section header at byte " + at + ": version " + major + "."
                    + Bytes.u16(body, 2, bigEndian) + " (expected: 1.x)");
        }
        checkTrailer(at, length, rest);
        interfaces.clear();
    }

    private void checkLength(long at, String what, long length) throws MalformedCaptureException {
        if (length < 12 || length % 4 != 0) {
            throw new MalformedCaptureException("pcapng " + what + " at byte " + at + ": block total length " + length
                    + " (expected: a multiple of 4, >= 12)");
        }
        if (length > MAX_BLOCK) {
            throw new MalformedCaptureException("pcapng " + what + " at byte " + at + ": block total length " + length
                    + " (expected: <= " + MAX_BLOCK + ")");
        }
    }

    /** Reads a block's body and trailing length into {@link #body}; returns the body's length, or -1 if cut short. */
    private int readBody(long length) throws IOException {
        int bodyLength = (int) length - 12;
        ensure(bodyLength + 4);
        return in.read(body, 0, bodyLength + 4) < bodyLength + 4 ? -1 : bodyLength;
    }

    private void checkTrailer(long at, long length, int bodyLength) throws MalformedCaptureException {
        long trailer = Bytes.u32(body, bodyLength, bigEndian);
        if (trailer != length) {
            throw new MalformedCaptureException("pcapng block at byte " + at + ": trailing block total length "
                    + trailer + " (expected: " + length + ", the leading one)");
        }
    }

    private void ensure(int size) {
        if (body.length < size) {
            body = new byte[Math.max(size, Math.min(MAX_BLOCK + 4, body.length * 2))];
        }
    }

    private Interface readInterface(long at, int bodyLength) throws MalformedCaptureException {
        var where = "pcapng interface description block at byte " + at;
        if (bodyLength < 8) {
            throw new MalformedCaptureException(where + ": body of " + bodyLength + " bytes (expected: >= 8)");
        }
        int linkType = Bytes.u16(body, 0, bigEndian);
        long snaplen = Bytes.u32(body, 4, bigEndian);
        var resolution = TimestampResolution.MICROS;
        long offsetSeconds = 0;
        int p = 8;
        while (p + 4 <= bodyLength) {
            int code = Bytes.u16(body, p, bigEndian);
            int length = Bytes.u16(body, p + 2, bigEndian);
            if (code == OPT_END) {
                break;
            }
            if (p + 4 + length > bodyLength) {
                throw new MalformedCaptureException(where + ": option " + code + " length " + length + " (expected: <= "
                        + (bodyLength - p - 4) + ", what the block holds)");
            }
            if (code == IF_TSRESOL && length >= 1) {
                resolution = TimestampResolution.of(Bytes.u8(body, p + 4), where);
            } else if (code == IF_TSOFFSET && length >= 8) {
                // A 64-bit value in the section's byte order, unlike packet timestamps (two 32-bit words, high first).
                long first = Bytes.u32(body, p + 4, bigEndian);
                long second = Bytes.u32(body, p + 8, bigEndian);
                offsetSeconds = bigEndian ? (first << 32) | second : (second << 32) | first;
            }
            p += 4 + ((length + 3) & ~3);
        }
        return new Interface(linkType, snaplen, resolution.withOffset(offsetSeconds));
    }

    /** Enhanced and obsolete packet blocks: interface, 64-bit timestamp, captured and original lengths, then data. */
    private CapturedPacket packet(long at, String what, int interfaceId, int timestampAt, int dataAt, int bodyLength)
            throws MalformedCaptureException {
        var where = "pcapng " + what + " at byte " + at;
        if (bodyLength < dataAt) {
            throw new MalformedCaptureException(
                    where + ": body of " + bodyLength + " bytes (expected: >= " + dataAt + ")");
        }
        var iface = iface(where, interfaceId);
        long units = (Bytes.u32(body, timestampAt, bigEndian) << 32) | Bytes.u32(body, timestampAt + 4, bigEndian);
        long caplen = Bytes.u32(body, dataAt - 8, bigEndian);
        long len = Bytes.u32(body, dataAt - 4, bigEndian);
        if (caplen > bodyLength - dataAt) {
            throw new MalformedCaptureException(where + ": captured length " + caplen + " (expected: <= "
                    + (bodyLength - dataAt) + ", what the block holds)");
        }
        lastMicros = iface.resolution().toMicros(units);
        packet.set(iface.linkType(), lastMicros, body, dataAt, (int) caplen, len, at);
        return packet;
    }

    /**
     * A simple packet block has no timestamp and no captured length: the packet is the original length cut to the
     * interface's snap length. It is given the time of the packet before it, the closest known.
     */
    private CapturedPacket simplePacket(long at, int bodyLength) throws MalformedCaptureException {
        var where = "pcapng simple packet block at byte " + at;
        if (bodyLength < 4) {
            throw new MalformedCaptureException(where + ": body of " + bodyLength + " bytes (expected: >= 4)");
        }
        var iface = iface(where, 0);
        long len = Bytes.u32(body, 0, bigEndian);
        long caplen = Math.min(len, bodyLength - 4L);
        if (iface.snaplen() > 0) {
            caplen = Math.min(caplen, iface.snaplen());
        }
        packet.set(iface.linkType(), lastMicros, body, 4, (int) caplen, len, at);
        return packet;
    }

    private Interface iface(String where, int id) throws MalformedCaptureException {
        if (id < 0 || id >= interfaces.size()) {
            throw new MalformedCaptureException(where + ": interface " + Integer.toUnsignedString(id) + " (expected: < "
                    + interfaces.size() + ", the interfaces described so far in this section)");
        }
        return interfaces.get(id);
    }
}
