package dev.chaostesting.capture;

import static dev.chaostesting.capture.Packets.ACK;
import static dev.chaostesting.capture.Packets.PSH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Link layers, IPv4 and IPv6 headers: every framing gives the same stream; what is not usable is counted. */
class PacketDecodingTest {

    private static Conversation conversation(boolean ipv6) {
        var c = ipv6
                ? new Conversation("2001:db8::10", 40000, "2001:db8::20", 80)
                : new Conversation("192.168.1.10", 40000, "192.168.1.20", 80);
        return c.handshake()
                .client("ping")
                .server("pong")
                .clientFin()
                .serverFin()
                .clientAck();
    }

    private static final List<String> EXPECTED =
            List.of("c1 client: ping", "c1 server: pong", "c1 client end", "c1 server end");

    static Stream<Arguments> framings() {
        var all = new ArrayList<Arguments>();
        for (boolean v6 : new boolean[] {false, true}) {
            var ip = v6 ? "IPv6" : "IPv4";
            int nullFamily = v6 ? 30 : 2; // AF_INET6 is 30 on macOS, the usual writer of NULL captures
            int loopFamily = v6 ? 24 : 2; // and 24 on OpenBSD, the writer of LOOP captures
            all.add(arguments(ip + " in Ethernet", v6, 1, framing(Packets::ethernet)));
            all.add(arguments(ip + " in Ethernet padded, with FCS", v6, 1, framing(Packets::paddedEthernet)));
            all.add(arguments(ip + " in 802.1Q", v6, 1, framing(f -> Packets.ethernet(f, 0x8100, 42))));
            all.add(arguments(
                    ip + " in 802.1ad and 802.1Q", v6, 1, framing(f -> Packets.ethernet(f, 0x88a8, 7, 0x8100, 42))));
            all.add(arguments(ip + " in Linux cooked", v6, 113, framing(Packets::sll)));
            all.add(arguments(ip + " in Linux cooked v2", v6, 276, framing(Packets::sll2)));
            all.add(arguments(ip + " raw", v6, 101, framing(f -> f)));
            all.add(arguments(ip + " raw, old DLT_RAW value", v6, 12, framing(f -> f)));
            all.add(arguments(ip + " raw, own link type", v6, v6 ? 229 : 228, framing(f -> f)));
            all.add(arguments(
                    ip + " in NULL, little-endian",
                    v6,
                    0,
                    framing(f -> Packets.loopback(f, nullFamily, ByteOrder.LITTLE_ENDIAN))));
            all.add(arguments(
                    ip + " in NULL, big-endian",
                    v6,
                    0,
                    framing(f -> Packets.loopback(f, nullFamily, ByteOrder.BIG_ENDIAN))));
            all.add(arguments(
                    ip + " in LOOP", v6, 108, framing(f -> Packets.loopback(f, loopFamily, ByteOrder.BIG_ENDIAN))));
        }
        return all.stream();
    }

    private static Function<byte[], byte[]> framing(Function<byte[], byte[]> f) {
        return f;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framings")
    void every_framing_gives_the_same_stream(
            String name, boolean ipv6, int linkType, Function<byte[], byte[]> framing) {
        var file = conversation(ipv6).pcap(ByteOrder.LITTLE_ENDIAN, false, framing, linkType);

        var t = Transcript.of(file);

        assertThat(t.lines()).containsExactlyElementsOf(EXPECTED);
        assertThat(t.summary.packets()).isEqualTo(8);
        assertThat(t.summary.skipped() + t.summary.undecodable() + t.summary.truncated())
                .isZero();
    }

    @Test
    void ipv4_options_are_stepped_over() {
        var c = Conversation.http().handshake();
        // No-operation twice, then a record-route option (type 7, length 7, pointer 4, one empty slot).
        c.add(c.clientAt(0, "opt").ipOptions(new byte[] {1, 1, 7, 7, 4, 0, 0, 0, 0}))
                .clientSentSilently(3);
        c.server("ok");

        assertThat(Transcript.of(c.pcap()).lines()).startsWith("c1 client: opt", "c1 server: ok");
    }

    @Test
    void ip_fragments_are_counted_and_skipped_and_their_bytes_become_a_gap() {
        var c = Conversation.http().handshake().client("before");
        c.add(c.clientAt(6, "frag").fragment(0, true)).add(c.clientAt(6, "ment").fragment(1, false));
        c.clientSentSilently(8).client("after").server("answer");
        var v6 = new Conversation("2001:db8::1", 40000, "2001:db8::2", 80).handshake();
        v6.add(v6.clientAt(0, "frag").ipv6Fragment(0, true)).clientSentSilently(4);
        v6.add(v6.clientAt(4, "atomic").ipv6Fragment(0, false))
                .clientSentSilently(6)
                .server("ok");

        var t = Transcript.of(c.pcap());
        var t6 = Transcript.of(v6.pcap());

        assertThat(t.lines())
                .startsWith("c1 client: before", "c1 client gap 8", "c1 client: after", "c1 server: answer");
        assertThat(t.summary.fragments()).isEqualTo(2);
        assertThat(t6.lines()).startsWith("c1 client gap 4", "c1 client: atomic", "c1 server: ok");
        assertThat(t6.summary.fragments()).isEqualTo(1);
    }

    @Test
    void what_is_not_tcp_over_ip_is_skipped() {
        var udp = Packets.tcp("10.0.0.1", 53, "10.0.0.2", 53).ipProtocol(17).ip();
        var esp = Packets.tcp("2001:db8::1", 1, "2001:db8::2", 2).ipProtocol(50).ip();
        var file = CaptureFiles.Pcap.ethernet()
                .packet(Conversation.START, Packets.ethernet(udp))
                .packet(Conversation.START, Packets.arp())
                .packet(Conversation.START, Packets.ethernet(esp))
                .bytes();

        var t = Transcript.of(file);

        assertThat(t.summary.skipped()).isEqualTo(3);
        assertThat(t.summary.tcpConnections()).isZero();
        assertThat(t.events).isEmpty();
    }

    @Test
    void packets_on_an_unsupported_link_type_are_skipped_and_the_type_named() {
        var c = Conversation.http().handshake().client("x");
        var file = c.pcap(ByteOrder.LITTLE_ENDIAN, false, f -> f, 105); // IEEE 802.11

        var t = Transcript.of(file);

        assertThat(t.summary.skipped()).isEqualTo(4);
        assertThat(t.summary.unsupportedLinkTypes()).containsExactly(105);
        assertThat(t.summary.describe()).endsWith("4 skipped, unsupported link types [105]");
    }

    @Test
    void broken_headers_are_counted_as_undecodable() {
        var badIhl = Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).ip();
        badIhl[0] = 0x44; // header length 16 bytes: below the minimum
        var badOffset = Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).ip();
        badOffset[20 + 12] = 0x30; // TCP data offset 12 bytes
        var overlong = Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).claimMore(100).ip();
        var wrongVersion =
                Packets.ethernet(Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).ip());
        wrongVersion[14] = 0x65; // says IPv6 inside an IPv4 EtherType
        var file = CaptureFiles.Pcap.ethernet();
        for (var ip : List.of(badIhl, badOffset, overlong)) {
            file.packet(Conversation.START, Packets.ethernet(ip));
        }
        file.packet(Conversation.START, wrongVersion);
        file.packet(Conversation.START, new byte[10]); // shorter than an Ethernet header

        var t = Transcript.of(file.bytes());

        assertThat(t.summary.undecodable()).isEqualTo(5);
        assertThat(t.summary.truncated()).isZero();
    }

    @Test
    void a_frame_cut_before_its_tcp_header_ends_is_truncated_not_undecodable() {
        var c = Conversation.http().handshake();
        var frame = Packets.ethernet(c.clientAt(0, "lost").ip());
        var file = CaptureFiles.Pcap.ethernet()
                .record(Conversation.START, frame, 14 + 20 + 10, frame.length)
                .bytes();

        var t = Transcript.of(file);

        assertThat(t.summary.truncated()).isEqualTo(1);
        assertThat(t.summary.undecodable()).isZero();
    }

    @Test
    void tcp_flags_without_payload_open_no_observer_until_something_is_said() {
        var c = Conversation.http();
        c.add(c.c(1001, 5001, ACK))
                .add(c.s(5001, 1001, ACK))
                .add(c.clientAt(0, "x").flags(PSH | ACK));

        var t = Transcript.of(c.pcap());

        assertThat(t.connections).hasSize(1);
        assertThat(t.lines()).startsWith("c1 client: x");
    }
}
