package dev.chaostesting.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes pcap and pcapng files for tests, from the format specifications, in either byte order. */
final class CaptureFiles {

    private CaptureFiles() {}

    static final int ETHERNET = 1;

    /** The classic libpcap format. */
    static final class Pcap {
        private final ByteOrder order;
        private final boolean nanos;
        private final int snaplen;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pcap(ByteOrder order, boolean nanos, int linkType, int snaplen) {
            this.order = order;
            this.nanos = nanos;
            this.snaplen = snaplen;
            var h = buffer(24);
            h.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4);
            h.putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
            out.writeBytes(h.array());
        }

        static Pcap ethernet() {
            return new Pcap(ByteOrder.LITTLE_ENDIAN, false, ETHERNET, 262144);
        }

        /** A packet, cut to the snap length as a capturing tool would. */
        Pcap packet(long micros, byte[] frame) {
            int caplen = Math.min(frame.length, snaplen);
            return record(micros, frame, caplen, frame.length);
        }

        /** A record with the given lengths; its data is the first {@code caplen} bytes of the frame (zeros beyond). */
        Pcap record(long micros, byte[] frame, long caplen, long length) {
            var h = buffer(16);
            long seconds = Math.floorDiv(micros, 1_000_000L);
            long fraction = Math.floorMod(micros, 1_000_000L) * (nanos ? 1000 : 1);
            h.putInt((int) seconds).putInt((int) fraction).putInt((int) caplen).putInt((int) length);
            out.writeBytes(h.array());
            var data = java.util.Arrays.copyOf(frame, (int) Math.min(caplen, 1 << 20));
            out.writeBytes(data);
            return this;
        }

        /** A record with nanoseconds given exactly (for nanosecond files). */
        Pcap recordNanos(long seconds, long nanosOfSecond, byte[] frame) {
            var h = buffer(16);
            h.putInt((int) seconds)
                    .putInt((int) nanosOfSecond)
                    .putInt(frame.length)
                    .putInt(frame.length);
            out.writeBytes(h.array());
            out.writeBytes(frame);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private ByteBuffer buffer(int size) {
            return ByteBuffer.allocate(size).order(order);
        }
    }

    /** pcapng: sections, interfaces and packet blocks. */
    static final class Pcapng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        /** Starts a section (the first call starts the file); interfaces described before are forgotten. */
        Pcapng section(ByteOrder order) {
            this.order = order;
            var body = buffer(16);
            body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
            // A shb_userappl option, to be skipped.
            var options = options(4, "chaos-testing test".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return block(0x0A0D0D0A, concat(body.array(), options));
        }

        /** An interface; {@code tsresol} is the if_tsresol byte, or -1 to leave the default (microseconds). */
        Pcapng iface(int linkType, int snaplen, int tsresol) {
            return iface(linkType, snaplen, tsresol, 0);
        }

        Pcapng iface(int linkType, int snaplen, int tsresol, long tsoffset) {
            var body = buffer(8);
            body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            var opts = new ByteArrayOutputStream();
            opts.writeBytes(options(2, "eth0".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            if (tsresol >= 0) {
                opts.writeBytes(options(9, new byte[] {(byte) tsresol}));
            }
            if (tsoffset != 0) {
                opts.writeBytes(options(14, buffer(8).putLong(tsoffset).array()));
            }
            return block(1, concat(body.array(), endOfOptions(opts.toByteArray())));
        }

        /** An enhanced packet block; the timestamp is in the interface's units. */
        Pcapng epb(int iface, long units, byte[] frame) {
            return epb(iface, units, frame, frame.length, frame.length);
        }

        Pcapng epb(int iface, long units, byte[] frame, int caplen, int length) {
            var body = buffer(20);
            body.putInt(iface)
                    .putInt((int) (units >>> 32))
                    .putInt((int) units)
                    .putInt(caplen)
                    .putInt(length);
            // An epb_flags option (inbound), to be skipped.
            var opts = endOfOptions(options(2, buffer(4).putInt(1).array()));
            return block(6, concat(body.array(), padded(java.util.Arrays.copyOf(frame, caplen)), opts));
        }

        /** A simple packet block: no timestamp, no captured length. */
        Pcapng spb(byte[] frame) {
            var body = buffer(4).putInt(frame.length);
            return block(3, concat(body.array(), padded(frame)));
        }

        /** The obsolete packet block. */
        Pcapng pb(int iface, long units, byte[] frame) {
            var body = buffer(20);
            body.putShort((short) iface)
                    .putShort((short) 0)
                    .putInt((int) (units >>> 32))
                    .putInt((int) units);
            body.putInt(frame.length).putInt(frame.length);
            return block(2, concat(body.array(), padded(frame)));
        }

        /** Any block, e.g. a name resolution (4) or interface statistics (5) block, or garbage. */
        Pcapng block(int type, byte[] body) {
            int length = 12 + body.length;
            var b = buffer(length);
            b.putInt(type).putInt(length).put(body).putInt(length);
            out.writeBytes(b.array());
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private ByteBuffer buffer(int size) {
            return ByteBuffer.allocate(size).order(order);
        }

        private byte[] options(int code, byte[] value) {
            var b = buffer(4 + ((value.length + 3) & ~3));
            b.putShort((short) code).putShort((short) value.length).put(value);
            return b.array();
        }

        private byte[] endOfOptions(byte[] options) {
            return concat(options, new byte[4]);
        }

        private static byte[] padded(byte[] data) {
            return java.util.Arrays.copyOf(data, (data.length + 3) & ~3);
        }

        private static byte[] concat(byte[]... parts) {
            var all = new ByteArrayOutputStream();
            for (var p : parts) {
                all.writeBytes(p);
            }
            return all.toByteArray();
        }
    }
}
