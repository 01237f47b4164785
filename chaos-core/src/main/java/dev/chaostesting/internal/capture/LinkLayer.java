package dev.chaostesting.internal.capture;

/**
 * Finds the network-layer packet inside a link-layer frame: its offset and its EtherType (IPv4 0x0800, IPv6 0x86DD, or
 * whatever else the frame carries). Knows Ethernet with any number of 802.1Q / 802.1ad tags, raw IP, Linux cooked
 * captures v1 and v2, and BSD loopback in both byte orders. Reused for every packet; not thread-safe.
 */
final class LinkLayer {

    static final int ETHERNET = 1;
    static final int NULL = 0;
    static final int LOOP = 108;
    static final int RAW = 101;
    static final int IPV4 = 228;
    static final int IPV6 = 229;
    static final int LINUX_SLL = 113;
    static final int LINUX_SLL2 = 276;
    /** What some old files hold instead of {@link #RAW}: the platforms' DLT_RAW values. */
    private static final int RAW_DLT = 12;

    private static final int RAW_OPENBSD = 14;

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;

    /** The frame is shorter than its link header. */
    static final int TOO_SHORT = -1;
    /** The link type is not one this reader understands. */
    static final int UNSUPPORTED = -2;
    /** Something other than IP, with no EtherType (802.3 with LLC, an unknown address family...). */
    static final int OTHER = -3;

    private int offset;

    /** Where the network-layer packet starts, after {@link #parse} returned an EtherType. */
    int offset() {
        return offset;
    }

    static boolean supports(int linkType) {
        return switch (linkType) {
            case ETHERNET, NULL, LOOP, RAW, RAW_DLT, RAW_OPENBSD, IPV4, IPV6, LINUX_SLL, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** Returns the EtherType of what the frame carries, or {@link #TOO_SHORT}, {@link #UNSUPPORTED}, {@link #OTHER}. */
    int parse(int linkType, byte[] a, int start, int end) {
        switch (linkType) {
            case ETHERNET:
                return ethernet(a, start, end);
            case RAW:
            case RAW_DLT:
            case RAW_OPENBSD:
                return byVersion(a, start, end);
            case IPV4:
                offset = start;
                return ETHERTYPE_IPV4;
            case IPV6:
                offset = start;
                return ETHERTYPE_IPV6;
            case LINUX_SLL:
                // packet type, ARPHRD type, address length, 8 address bytes, then the protocol as an EtherType.
                return end - start < 16 ? TOO_SHORT : afterEtherType(a, start + 14, end);
            case LINUX_SLL2:
                // The protocol comes first; then reserved, interface index, ARPHRD type, packet type, address.
                if (end - start < 20) {
                    return TOO_SHORT;
                }
                offset = start + 20;
                return tags(a, Bytes.u16(a, start), end);
            case NULL:
            case LOOP:
                return loopback(linkType, a, start, end);
            default:
                return UNSUPPORTED;
        }
    }

    private int ethernet(byte[] a, int start, int end) {
        // Destination and source MAC addresses, then the EtherType (or, below 0x0600, an 802.3 length).
        return end - start < 14 ? TOO_SHORT : afterEtherType(a, start + 12, end);
    }

    private int afterEtherType(byte[] a, int typeAt, int end) {
        offset = typeAt + 2;
        return tags(a, Bytes.u16(a, typeAt), end);
    }

    /** Steps over VLAN tags (4 bytes each: tag control, then the inner EtherType), stacked as deep as they go. */
    private int tags(byte[] a, int etherType, int end) {
        int type = etherType;
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            if (end - offset < 4) {
                return TOO_SHORT;
            }
            type = Bytes.u16(a, offset + 2);
            offset += 4;
        }
        return type < 0x0600 ? OTHER : type;
    }

    private int byVersion(byte[] a, int start, int end) {
        if (end <= start) {
            return TOO_SHORT;
        }
        offset = start;
        int version = Bytes.u8(a, start) >> 4;
        return version == 4 ? ETHERTYPE_IPV4 : version == 6 ? ETHERTYPE_IPV6 : OTHER;
    }

    /**
     * BSD loopback: a 4-byte address family, in the capturing machine's byte order for NULL (unknown to the reader, so
     * both are tried) and in network byte order for LOOP. IPv6's value differs between systems.
     */
    private int loopback(int linkType, byte[] a, int start, int end) {
        if (end - start < 4) {
            return TOO_SHORT;
        }
        int big = Bytes.i32(a, start, true);
        int family = linkType == LOOP || isFamily(big) ? big : Bytes.i32(a, start, false);
        if (!isFamily(family)) {
            return OTHER;
        }
        // The family only says "IP"; the version nibble is the reliable half of the answer.
        return byVersion(a, start + 4, end);
    }

    private static boolean isFamily(int family) {
        // AF_INET everywhere; AF_INET6 on Linux (10), Windows (23), the BSDs (24), FreeBSD (28), macOS (30).
        return family == 2 || family == 10 || family == 23 || family == 24 || family == 28 || family == 30;
    }
}
