package dev.chaostesting.internal.capture;

import java.nio.ByteBuffer;

/**
 * The TCP header fields reassembly needs, and the payload as captured.
 *
 * @param payload the captured payload bytes; a view of the reader's buffer, valid until the next packet
 * @param wireLength how many payload bytes the packet carried on the wire, per its IP header: more than the captured
 *     payload when the capture cut the packet short, and those missing bytes become a gap
 */
public record TcpSegment(
        Endpoint source,
        Endpoint destination,
        int seq,
        int ack,
        int flags,
        ByteBuffer payload,
        int wireLength,
        long micros) {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    boolean fin() {
        return (flags & FIN) != 0;
    }

    boolean syn() {
        return (flags & SYN) != 0;
    }

    boolean rst() {
        return (flags & RST) != 0;
    }

    boolean hasAck() {
        return (flags & ACK) != 0;
    }
}
