package dev.chaostesting.internal.capture;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Decodes a captured frame down to its TCP segment: link layer, IPv4 (with options) or IPv6 (with extension headers),
 * then the TCP header. IP fragments are not reassembled: they are counted and skipped (TCP stacks set Don't Fragment,
 * so they are rare; the bytes they carried become a gap in the stream). Checksums are not checked: captures taken on
 * the sending host see them before the network card fills them in. Reused for every packet; not thread-safe.
 */
public final class PacketDecoder {

    /** What a packet turned out to be. */
    public enum Outcome {
        /** A TCP segment, available from {@link #segment()}. */
        TCP,
        /** Not TCP over IP: ARP, UDP, ICMP, another EtherType... */
        NOT_TCP,
        /** An IPv4 or IPv6 fragment. */
        FRAGMENT,
        /** Claims to be IP or TCP but its headers are broken, or cut before their end. */
        UNDECODABLE,
        /** Captured on a link type this decoder does not understand. */
        UNSUPPORTED_LINK_TYPE
    }

    private static final int PROTOCOL_TCP = 6;
    private static final int MAX_IPV6_HEADERS = 16;

    private final LinkLayer link = new LinkLayer();

    /**
     * Endpoints seen lately, by port and the address's last byte: the packets of a connection then share two immutable
     * {@link Endpoint}s rather than each making new ones (and their hashes).
     */
    private final Endpoint[] endpoints = new Endpoint[64];

    private @Nullable TcpSegment segment;

    /** The segment of the last packet decoded as {@link Outcome#TCP}. */
    public TcpSegment segment() {
        if (segment == null) {
            throw new IllegalStateException("the last packet was not a TCP segment");
        }
        return segment;
    }

    public Outcome decode(CapturedPacket packet) {
        segment = null;
        byte[] a = packet.array();
        int start = packet.offset();
        int end = start + packet.length();
        int type = link.parse(packet.linkType(), a, start, end);
        switch (type) {
            case LinkLayer.UNSUPPORTED:
                return Outcome.UNSUPPORTED_LINK_TYPE;
            case LinkLayer.TOO_SHORT:
                return Outcome.UNDECODABLE;
            case LinkLayer.ETHERTYPE_IPV4:
                return ipv4(packet, link.offset(), end);
            case LinkLayer.ETHERTYPE_IPV6:
                return ipv6(packet, link.offset(), end);
            default:
                return Outcome.NOT_TCP;
        }
    }

    private Outcome ipv4(CapturedPacket packet, int o, int end) {
        byte[] a = packet.array();
        if (end - o < 20 || Bytes.u8(a, o) >> 4 != 4) {
            return Outcome.UNDECODABLE;
        }
        int headerLength = (Bytes.u8(a, o) & 0x0F) * 4;
        if (headerLength < 20 || end - o < headerLength) {
            return Outcome.UNDECODABLE;
        }
        int total = Bytes.u16(a, o + 2);
        if (total == 0) {
            // Segmentation offload: the sending host's capture sees one large packet whose length the card fills in.
            total = end - o;
        }
        if (total < headerLength) {
            return Outcome.UNDECODABLE;
        }
        int fragment = Bytes.u16(a, o + 6);
        boolean moreFragments = (fragment & 0x2000) != 0;
        if (moreFragments || (fragment & 0x1FFF) != 0) {
            return Outcome.FRAGMENT;
        }
        if (Bytes.u8(a, o + 9) != PROTOCOL_TCP) {
            return Outcome.NOT_TCP;
        }
        return tcp(packet, o + 12, o + 16, 4, o + headerLength, o + total, end);
    }

    private Outcome ipv6(CapturedPacket packet, int o, int end) {
        byte[] a = packet.array();
        if (end - o < 40 || Bytes.u8(a, o) >> 4 != 6) {
            return Outcome.UNDECODABLE;
        }
        int payloadLength = Bytes.u16(a, o + 4);
        // Zero: a jumbogram or segmentation offload; the packet then runs to the end of the frame.
        int ipEnd = payloadLength == 0 ? end : o + 40 + payloadLength;
        int next = Bytes.u8(a, o + 6);
        int p = o + 40;
        for (int i = 0; i < MAX_IPV6_HEADERS; i++) {
            switch (next) {
                case PROTOCOL_TCP:
                    return tcp(packet, o + 8, o + 24, 16, p, ipEnd, end);
                case 0: // hop-by-hop options
                case 43: // routing
                case 60: // destination options
                case 135: // mobility
                case 139: // host identity protocol
                case 140: // shim6
                    if (end - p < 8) {
                        return Outcome.UNDECODABLE;
                    }
                    next = Bytes.u8(a, p);
                    p += (Bytes.u8(a, p + 1) + 1) * 8;
                    break;
                case 51: // authentication header: its length counts 4-byte words, minus 2
                    if (end - p < 8) {
                        return Outcome.UNDECODABLE;
                    }
                    next = Bytes.u8(a, p);
                    p += (Bytes.u8(a, p + 1) + 2) * 4;
                    break;
                case 44: // fragment header
                    if (end - p < 8) {
                        return Outcome.UNDECODABLE;
                    }
                    int offsetAndFlags = Bytes.u16(a, p + 2);
                    if ((offsetAndFlags & 0xFFF8) != 0 || (offsetAndFlags & 1) != 0) {
                        return Outcome.FRAGMENT;
                    }
                    // An atomic fragment (offset 0, no more fragments) is a whole packet.
                    next = Bytes.u8(a, p);
                    p += 8;
                    break;
                default:
                    // No next header (59), ESP (50, encrypted), UDP, ICMPv6...
                    return Outcome.NOT_TCP;
            }
        }
        return Outcome.UNDECODABLE;
    }

    /**
     * @param start where the TCP header starts
     * @param ipEnd where the IP packet ends by its own header (past {@code end} when the capture cut it short)
     * @param end where the captured bytes end
     */
    private Outcome tcp(
            CapturedPacket packet, int sourceAt, int destinationAt, int addressLength, int start, int ipEnd, int end) {
        if (ipEnd > end && !packet.truncated()) {
            // A length that claims more than the frame holds, in a frame the capture did not cut: not a real packet.
            return Outcome.UNDECODABLE;
        }
        int capturedEnd = Math.min(ipEnd, end);
        byte[] a = packet.array();
        if (capturedEnd - start < 20) {
            return Outcome.UNDECODABLE;
        }
        int headerLength = (Bytes.u8(a, start + 12) >> 4) * 4;
        if (headerLength < 20 || headerLength > ipEnd - start || headerLength > capturedEnd - start) {
            return Outcome.UNDECODABLE;
        }
        int sourcePort = Bytes.u16(a, start);
        int destinationPort = Bytes.u16(a, start + 2);
        int seq = Bytes.i32(a, start + 4, true);
        int ack = Bytes.i32(a, start + 8, true);
        int flags = Bytes.u8(a, start + 13);
        int payloadAt = start + headerLength;
        var payload = ByteBuffer.wrap(a, payloadAt, capturedEnd - payloadAt).slice();
        segment = new TcpSegment(
                endpoint(a, sourceAt, addressLength, sourcePort),
                endpoint(a, destinationAt, addressLength, destinationPort),
                seq,
                ack,
                flags,
                payload,
                ipEnd - payloadAt,
                packet.micros());
        return Outcome.TCP;
    }

    /** The endpoint of the address at {@code a[at..at+length)} and this port: a recent one if equal, else a new one. */
    private Endpoint endpoint(byte[] a, int at, int length, int port) {
        int slot = (port * 31 + a[at + length - 1]) & (endpoints.length - 1);
        var known = endpoints[slot];
        if (known != null && known.is(a, at, length, port)) {
            return known;
        }
        var endpoint = new Endpoint(Arrays.copyOfRange(a, at, at + length), port);
        endpoints[slot] = endpoint;
        return endpoint;
    }
}
