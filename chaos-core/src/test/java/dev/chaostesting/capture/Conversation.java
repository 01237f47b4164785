package dev.chaostesting.capture;

import static dev.chaostesting.capture.Packets.ACK;
import static dev.chaostesting.capture.Packets.FIN;
import static dev.chaostesting.capture.Packets.PSH;
import static dev.chaostesting.capture.Packets.RST;
import static dev.chaostesting.capture.Packets.SYN;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A TCP conversation between a client and a server, as the packets a capture would hold, one millisecond apart unless
 * told otherwise. Sequence numbers follow the bytes sent; {@link #clientAt} and {@link #serverAt} build segments at any
 * offset for reordering, loss and overlap, which {@link #add} then puts in the capture.
 */
final class Conversation {

    static final long START = 1_700_000_000_000_000L;
    static final long STEP = 1000;

    record Frame(long micros, byte[] ip) {}

    /** The packets captured so far, and the clock; shared by conversations interleaved in one capture. */
    private static final class Capture {
        final List<Frame> frames = new ArrayList<>();
        long time = START;
    }

    private final String client;
    private final int clientPort;
    private final String server;
    private final int serverPort;
    private final long clientIsn;
    private final long serverIsn;
    private final Capture capture;
    private long clientSent;
    private long serverSent;

    Conversation(String client, int clientPort, String server, int serverPort) {
        this(client, clientPort, server, serverPort, 1000, 5000, new Capture());
    }

    private Conversation(
            String client,
            int clientPort,
            String server,
            int serverPort,
            long clientIsn,
            long serverIsn,
            Capture capture) {
        this.client = client;
        this.clientPort = clientPort;
        this.server = server;
        this.serverPort = serverPort;
        this.clientIsn = clientIsn;
        this.serverIsn = serverIsn;
        this.capture = capture;
    }

    static Conversation http() {
        return new Conversation("10.0.0.1", 40000, "10.0.0.2", 80);
    }

    /** The same conversation with other initial sequence numbers (e.g. just below 2^32 to wrap). */
    Conversation isns(long client, long server) {
        return new Conversation(this.client, clientPort, this.server, serverPort, client, server, capture);
    }

    /** Another connection whose packets go into the same capture, interleaved with this one's. */
    Conversation another(String client, int clientPort, String server, int serverPort) {
        return new Conversation(client, clientPort, server, serverPort, 7000, 9000, capture);
    }

    Conversation handshake() {
        add(c(clientIsn, 0, SYN));
        add(s(serverIsn, clientIsn + 1, SYN | ACK));
        add(c(clientIsn + 1, serverIsn + 1, ACK));
        return this;
    }

    Conversation client(String data) {
        add(clientAt(clientSent, data));
        clientSent += data.length();
        return this;
    }

    Conversation server(String data) {
        add(serverAt(serverSent, data));
        serverSent += data.length();
        return this;
    }

    Conversation clientFin() {
        add(c(clientSeq(clientSent), serverSeq(serverSent), FIN | ACK));
        return this;
    }

    Conversation serverFin() {
        add(s(serverSeq(serverSent), clientSeq(clientSent), FIN | ACK));
        return this;
    }

    Conversation clientAck() {
        add(c(clientSeq(clientSent), serverSeq(serverSent), ACK));
        return this;
    }

    Conversation clientRst() {
        add(c(clientSeq(clientSent), 0, RST));
        return this;
    }

    Conversation serverRst() {
        add(s(serverSeq(serverSent), clientSeq(clientSent), RST | ACK));
        return this;
    }

    /** A client data segment at a byte offset from the start of the stream (not added, nothing advanced). */
    Packets.Tcp clientAt(long offset, String data) {
        return c(clientSeq(offset), serverSeq(serverSent), PSH | ACK).payload(data);
    }

    /** A server data segment at a byte offset from the start of its stream, acknowledging all the client sent. */
    Packets.Tcp serverAt(long offset, String data) {
        return s(serverSeq(offset), clientSeq(clientSent), PSH | ACK).payload(data);
    }

    /** Counts bytes as sent by the client without putting them in the capture (lost, or added out of order). */
    Conversation clientSentSilently(int bytes) {
        clientSent += bytes;
        return this;
    }

    Conversation serverSentSilently(int bytes) {
        serverSent += bytes;
        return this;
    }

    long clientSeq(long offset) {
        return clientIsn + 1 + offset;
    }

    long serverSeq(long offset) {
        return serverIsn + 1 + offset;
    }

    Packets.Tcp c(long seq, long ack, int flags) {
        return Packets.tcp(client, clientPort, server, serverPort)
                .seq(seq)
                .ack(ack)
                .flags(flags);
    }

    Packets.Tcp s(long seq, long ack, int flags) {
        return Packets.tcp(server, serverPort, client, clientPort)
                .seq(seq)
                .ack(ack)
                .flags(flags);
    }

    Conversation add(Packets.Tcp segment) {
        return add(segment.ip());
    }

    Conversation add(byte[] ip) {
        capture.frames.add(new Frame(capture.time, ip));
        capture.time += STEP;
        return this;
    }

    /** Moves the clock for the next packet. */
    Conversation at(long micros) {
        capture.time = micros;
        return this;
    }

    List<Frame> frames() {
        return capture.frames;
    }

    /** The capture as a little-endian microsecond pcap of Ethernet frames. */
    byte[] pcap() {
        return pcap(ByteOrder.LITTLE_ENDIAN, false, Packets::ethernet, CaptureFiles.ETHERNET);
    }

    byte[] pcap(ByteOrder order, boolean nanos, Function<byte[], byte[]> framing, int linkType) {
        var pcap = new CaptureFiles.Pcap(order, nanos, linkType, 262144);
        for (var f : capture.frames) {
            pcap.packet(f.micros(), framing.apply(f.ip()));
        }
        return pcap.bytes();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
