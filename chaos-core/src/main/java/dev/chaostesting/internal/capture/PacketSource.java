package dev.chaostesting.internal.capture;

import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/** The packets of a capture file, read one at a time from a stream. */
public interface PacketSource {

    /** {@code pcap} or {@code pcapng}. */
    String format();

    /**
     * The next packet, or null at the end of the input. The returned object and its bytes are reused by the next call.
     *
     * @throws MalformedCaptureException when the file's structure is broken
     */
    @Nullable
    CapturedPacket next() throws IOException;

    /**
     * Whether the input ended inside a packet record that could not be returned at all (its header was cut): a capture
     * still being written, or a writer that was killed. A record cut after its header is returned as a truncated
     * packet instead.
     */
    boolean endedMidRecord();

    /**
     * Reads the file header and returns the reader for its format.
     *
     * @param in read sequentially and never closed; buffering it is the caller's choice
     * @throws MalformedCaptureException when the input is neither pcap nor pcapng
     */
    static PacketSource open(InputStream in) throws IOException {
        var input = new ByteInput(in);
        var magic = new byte[4];
        int n = input.read(magic, 0, 4);
        if (n < 4) {
            throw new MalformedCaptureException("file header at byte 0: the input holds " + n
                    + " bytes (expected: a pcap or pcapng file header, at least 24 bytes)");
        }
        if (PcapngReader.isSectionHeader(magic)) {
            return new PcapngReader(input, magic);
        }
        if (PcapReader.isMagic(magic)) {
            return new PcapReader(input, magic);
        }
        throw new MalformedCaptureException("file header at byte 0: magic " + Bytes.hex32(Bytes.i32(magic, 0, true))
                + " (expected: a pcap file, 0xa1b2c3d4 or 0xa1b23c4d in either byte order,"
                + " or a pcapng file, 0x0a0d0d0a)");
    }
}
