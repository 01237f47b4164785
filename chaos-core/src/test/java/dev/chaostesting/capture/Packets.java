package dev.chaostesting.capture;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds packets byte by byte for tests, written from the protocol specifications rather than from the reader's code:
 * IPv4 (options, fragments) or IPv6 (extension headers) carrying TCP, framed as Ethernet (with VLAN tags), Linux
 * cooked v1/v2, raw IP, or BSD loopback.
 */
final class Packets {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;

    private Packets() {}

    static Tcp tcp(String source, int sourcePort, String destination, int destinationPort) {
        return new Tcp(source, sourcePort, destination, destinationPort);
    }

    /** A TCP segment in an IP packet; IPv4 or IPv6 by the addresses given. */
    static final class Tcp {
        private final byte[] source;
        private final byte[] destination;
        private final int sourcePort;
        private final int destinationPort;
        private long seq;
        private long ack;
        private int flags = ACK;
        private byte[] payload = new byte[0];
        private byte[] ipOptions = new byte[0];
        private int fragmentField = 0x4000; // Don't Fragment
        private final List<byte[]> ipv6Extensions = new ArrayList<>();
        private final List<Integer> ipv6ExtensionTypes = new ArrayList<>();
        private int protocol = 6;
        private int wireLengthExtra;

        Tcp(String source, int sourcePort, String destination, int destinationPort) {
            this.source = address(source);
            this.destination = address(destination);
            this.sourcePort = sourcePort;
            this.destinationPort = destinationPort;
        }

        Tcp seq(long seq) {
            this.seq = seq;
            return this;
        }

        Tcp ack(long ack) {
            this.ack = ack;
            return this;
        }

        Tcp flags(int flags) {
            this.flags = flags;
            return this;
        }

        Tcp payload(String text) {
            return payload(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        Tcp payload(byte[] bytes) {
            this.payload = bytes.clone();
            return this;
        }

        /** IPv4 options, padded with end-of-options to a multiple of 4 bytes. */
        Tcp ipOptions(byte[] options) {
            int padded = (options.length + 3) & ~3;
            this.ipOptions = java.util.Arrays.copyOf(options, padded);
            return this;
        }

        /** An IPv4 fragment: offset in 8-byte units, and the More Fragments flag. */
        Tcp fragment(int offsetUnits, boolean more) {
            this.fragmentField = (more ? 0x2000 : 0) | offsetUnits;
            return this;
        }

        /** An IPv6 extension header: hop-by-hop (0), routing (43), destination options (60): 8 bytes, padding. */
        Tcp ipv6Extension(int type) {
            ipv6ExtensionTypes.add(type);
            ipv6Extensions.add(new byte[] {0, 0, 1, 4, 0, 0, 0, 0}); // next (set later), length 0, PadN option
            return this;
        }

        /** An IPv6 fragment header (44). */
        Tcp ipv6Fragment(int offsetUnits, boolean more) {
            ipv6ExtensionTypes.add(44);
            int field = (offsetUnits << 3) | (more ? 1 : 0);
            ipv6Extensions.add(new byte[] {0, 0, (byte) (field >> 8), (byte) field, 0, 0, 0, 42});
            return this;
        }

        /** The IP protocol number, to build non-TCP packets (17 is UDP). */
        Tcp ipProtocol(int protocol) {
            this.protocol = protocol;
            return this;
        }

        /** Makes the IP length claim this many bytes more than the packet holds. */
        Tcp claimMore(int bytes) {
            this.wireLengthExtra = bytes;
            return this;
        }

        byte[] ip() {
            var tcp = tcpHeaderAndPayload();
            return source.length == 4 ? ipv4(tcp) : ipv6(tcp);
        }

        private byte[] tcpHeaderAndPayload() {
            var b = ByteBuffer.allocate(20 + payload.length);
            b.putShort((short) sourcePort).putShort((short) destinationPort);
            b.putInt((int) seq).putInt((int) ack);
            b.put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535);
            b.putShort((short) 0).putShort((short) 0); // checksum (not checked), urgent pointer
            b.put(payload);
            return b.array();
        }

        private byte[] ipv4(byte[] tcp) {
            int headerLength = 20 + ipOptions.length;
            var b = ByteBuffer.allocate(headerLength + tcp.length);
            b.put((byte) (0x40 | headerLength / 4)).put((byte) 0);
            b.putShort((short) (headerLength + tcp.length + wireLengthExtra));
            b.putShort((short) 7).putShort((short) fragmentField);
            b.put((byte) 64).put((byte) protocol).putShort((short) 0);
            b.put(source).put(destination).put(ipOptions).put(tcp);
            return b.array();
        }

        private byte[] ipv6(byte[] tcp) {
            var extensions = new ByteArrayOutputStream();
            for (int i = 0; i < ipv6Extensions.size(); i++) {
                var header = ipv6Extensions.get(i).clone();
                header[0] = (byte) (i + 1 < ipv6Extensions.size() ? ipv6ExtensionTypes.get(i + 1) : protocol);
                extensions.writeBytes(header);
            }
            int first = ipv6ExtensionTypes.isEmpty() ? protocol : ipv6ExtensionTypes.get(0);
            var b = ByteBuffer.allocate(40 + extensions.size() + tcp.length);
            b.putInt(0x60000000).putShort((short) (extensions.size() + tcp.length + wireLengthExtra));
            b.put((byte) first).put((byte) 64).put(source).put(destination);
            b.put(extensions.toByteArray()).put(tcp);
            return b.array();
        }
    }

    static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static int etherTypeOf(byte[] ip) {
        return (ip[0] >> 4) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    }

    static boolean isIpv6(String literal) {
        try {
            return InetAddress.getByName(literal) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** Ethernet II; each pair of {@code tags} is a tag protocol (0x8100, 0x88a8) and a VLAN id, outermost first. */
    static byte[] ethernet(byte[] ip, int... tags) {
        var b = ByteBuffer.allocate(14 + tags.length * 2 + ip.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        for (int i = 0; i < tags.length; i += 2) {
            b.putShort((short) tags[i]).putShort((short) tags[i + 1]);
        }
        b.putShort((short) etherTypeOf(ip)).put(ip);
        return b.array();
    }

    /** Ethernet with padding after the IP packet, as short frames are sent (minimum 60 bytes) plus a 4-byte FCS. */
    static byte[] paddedEthernet(byte[] ip) {
        var frame = ethernet(ip);
        return java.util.Arrays.copyOf(frame, Math.max(60, frame.length) + 4);
    }

    /** An Ethernet frame that is not IP (ARP). */
    static byte[] arp() {
        var b = ByteBuffer.allocate(42);
        b.put(new byte[12]).putShort((short) 0x0806).put(new byte[28]);
        return b.array();
    }

    /** Linux cooked capture v1: packet type, ARPHRD, address length, 8 address bytes, protocol. */
    static byte[] sll(byte[] ip) {
        var b = ByteBuffer.allocate(16 + ip.length);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(new byte[8]);
        b.putShort((short) etherTypeOf(ip)).put(ip);
        return b.array();
    }

    /** Linux cooked capture v2: protocol, reserved, interface index, ARPHRD, packet type, address length, address. */
    static byte[] sll2(byte[] ip) {
        var b = ByteBuffer.allocate(20 + ip.length);
        b.putShort((short) etherTypeOf(ip)).putShort((short) 0).putInt(3).putShort((short) 1);
        b.put((byte) 4).put((byte) 6).put(new byte[8]).put(ip);
        return b.array();
    }

    /** BSD loopback: the address family as a 4-byte integer in the given byte order. */
    static byte[] loopback(byte[] ip, int family, ByteOrder order) {
        var b = ByteBuffer.allocate(4 + ip.length);
        b.order(order).putInt(family);
        b.put(ip);
        return b.array();
    }
}
