package dev.chaostesting.internal.capture;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the classic libpcap format: a 24-byte file header, then for each packet a 16-byte record header and the
 * captured bytes. Either byte order (the writer's own), microsecond or nanosecond timestamps, told apart by the magic.
 */
final class PcapReader implements PacketSource {

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;

    /**
     * The largest snap length libpcap itself writes. Files with a smaller snap length can still hold longer packets
     * (loopback captures with TSO, some writers that put 65535 and ignore it), so this is the floor of what is accepted.
     */
    static final int MAX_SNAPLEN = 262_144;
    /** Beyond this a length is not a packet but a corrupt header; refusing it also keeps memory bounded. */
    private static final int ABSOLUTE_MAX = 16 << 20;

    private final ByteInput in;
    private final boolean bigEndian;
    private final boolean nanos;
    private final long snaplen;
    private final int linkType;
    private final long maxCaplen;
    private final CapturedPacket packet = new CapturedPacket();
    /** For the rare packet larger than the input's buffer. */
    private byte[] data = new byte[0];

    private boolean endedMidRecord;
    private boolean done;

    static boolean isMagic(byte[] magic) {
        int big = Bytes.i32(magic, 0, true);
        int little = Bytes.i32(magic, 0, false);
        return big == MAGIC_MICROS || big == MAGIC_NANOS || little == MAGIC_MICROS || little == MAGIC_NANOS;
    }

    PcapReader(ByteInput in, byte[] magic) throws IOException {
        this.in = in;
        int big = Bytes.i32(magic, 0, true);
        this.bigEndian = big == MAGIC_MICROS || big == MAGIC_NANOS;
        this.nanos = Bytes.i32(magic, 0, bigEndian) == MAGIC_NANOS;
        var rest = new byte[FILE_HEADER];
        System.arraycopy(magic, 0, rest, 0, 4);
        int n = in.read(rest, 4, FILE_HEADER - 4);
        if (n < FILE_HEADER - 4) {
            throw new MalformedCaptureException("pcap file header at byte 0: the file ends after " + (4 + n)
                    + " bytes (expected: " + FILE_HEADER + ")");
        }
        int major = Bytes.u16(rest, 4, bigEndian);
        int minor = Bytes.u16(rest, 6, bigEndian);
        if (major != 2) {
            throw new MalformedCaptureException(
                    "pcap file header at byte 4: version " + major + "." + minor + " (expected: 2.x)");
        }
        this.snaplen = Bytes.u32(rest, 16, bigEndian);
        // The upper bits of the link type field carry FCS information, not the link type.
        this.linkType = (int) (Bytes.u32(rest, 20, bigEndian) & 0xFFFF);
        this.maxCaplen = Math.min(Math.max(snaplen, MAX_SNAPLEN), ABSOLUTE_MAX);
    }

    @Override
    public String format() {
        return "pcap";
    }

    @Override
    public boolean endedMidRecord() {
        return endedMidRecord;
    }

    @Override
    public @Nullable CapturedPacket next() throws IOException {
        if (done) {
            return null;
        }
        long at = in.offset();
        int n = in.fill(RECORD_HEADER);
        if (n < RECORD_HEADER) {
            in.consume(n);
            done = true;
            endedMidRecord = n > 0;
            return null;
        }
        byte[] h = in.array();
        int p = in.position();
        long seconds = Bytes.u32(h, p, bigEndian);
        long fraction = Bytes.u32(h, p + 4, bigEndian);
        long caplen = Bytes.u32(h, p + 8, bigEndian);
        long len = Bytes.u32(h, p + 12, bigEndian);
        in.consume(RECORD_HEADER);
        if (caplen > maxCaplen) {
            throw new MalformedCaptureException("pcap record at byte " + at + ": caplen " + caplen + " (expected: <= "
                    + (maxCaplen == snaplen ? "snaplen " + snaplen : Long.toString(maxCaplen)) + ")");
        }
        long micros = seconds * 1_000_000L + (nanos ? fraction / 1000 : fraction);
        int got;
        if (caplen <= ByteInput.BUFFER_BYTES) {
            // Seen in place in the input's buffer: valid until the next call, as the packet object itself.
            got = in.fill((int) caplen);
            packet.set(linkType, micros, in.array(), in.position(), got, Math.max(len, caplen), at);
            in.consume(got);
        } else {
            if (data.length < caplen) {
                data = new byte[(int) Math.max(caplen, Math.min(maxCaplen, data.length * 2L))];
            }
            got = in.read(data, 0, (int) caplen);
            packet.set(linkType, micros, data, 0, got, Math.max(len, caplen), at);
        }
        if (got < caplen) {
            // A writer killed mid-packet: keep what is there, as a packet the capture cut short.
            done = true;
        }
        return packet;
    }
}
