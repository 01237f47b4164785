package dev.chaostesting.protocols.capture;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A little-endian microsecond pcap of Ethernet/IPv4/TCP packets between one client and one server, built by hand for
 * the end-to-end test (chaos-core's fuller builder lives in its own test classes, which this module cannot see).
 * Sequence numbers follow what each side sent, so only loss and reordering have to be spelled out.
 */
final class PcapBuilder {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final byte[] client;
    private final byte[] server;
    private final int clientPort;
    private final int serverPort;
    private long clientSeq = 1_000_000;
    private long serverSeq = 4_000_000_000L; // wraps past 2^32 on the way

    PcapBuilder(String client, int clientPort, String server, int serverPort) {
        this.client = address(client);
        this.server = address(server);
        this.clientPort = clientPort;
        this.serverPort = serverPort;
        var header = le(24).putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4);
        header.putInt(0).putInt(0).putInt(262144).putInt(1);
        out.writeBytes(header.array());
    }

    PcapBuilder handshake(long micros) {
        segment(micros, true, clientSeq, 0, SYN, "");
        segment(micros + 100, false, serverSeq, clientSeq + 1, SYN | ACK, "");
        clientSeq++;
        serverSeq++;
        return segment(micros + 200, true, clientSeq, serverSeq, ACK, "");
    }

    PcapBuilder client(long micros, String data) {
        segment(micros, true, clientSeq, serverSeq, PSH | ACK, data);
        clientSeq += data.length();
        return this;
    }

    PcapBuilder server(long micros, String data) {
        segment(micros, false, serverSeq, clientSeq, PSH | ACK, data);
        serverSeq += data.length();
        return this;
    }

    /** Server bytes at an offset after what was sent so far, not counted as sent (for reordering). */
    PcapBuilder serverAhead(long micros, int offset, String data) {
        return segment(micros, false, serverSeq + offset, clientSeq, PSH | ACK, data);
    }

    /** Counts client bytes as sent without capturing them: lost by the capture. */
    PcapBuilder clientSkip(int bytes) {
        clientSeq += bytes;
        return this;
    }

    PcapBuilder serverSkip(int bytes) {
        serverSeq += bytes;
        return this;
    }

    PcapBuilder clientFin(long micros) {
        segment(micros, true, clientSeq, serverSeq, FIN | ACK, "");
        clientSeq++;
        return this;
    }

    PcapBuilder serverFin(long micros) {
        segment(micros, false, serverSeq, clientSeq, FIN | ACK, "");
        serverSeq++;
        return this;
    }

    PcapBuilder segment(long micros, boolean fromClient, long seq, long ack, int flags, String data) {
        var payload = data.getBytes(StandardCharsets.UTF_8);
        var frame = ByteBuffer.allocate(14 + 20 + 20 + payload.length); // network byte order
        frame.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length));
        frame.putShort((short) 1)
                .putShort((short) 0x4000)
                .put((byte) 64)
                .put((byte) 6)
                .putShort((short) 0);
        frame.put(fromClient ? client : server).put(fromClient ? server : client);
        frame.putShort((short) (fromClient ? clientPort : serverPort));
        frame.putShort((short) (fromClient ? serverPort : clientPort));
        frame.putInt((int) seq)
                .putInt((int) ack)
                .put((byte) 0x50)
                .put((byte) flags)
                .putShort((short) 65535);
        frame.putInt(0).put(payload);
        var record = le(16).putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000));
        record.putInt(frame.capacity()).putInt(frame.capacity());
        out.writeBytes(record.array());
        out.writeBytes(frame.array());
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
