package dev.chaostesting.capture;

import static dev.chaostesting.capture.Packets.ACK;
import static dev.chaostesting.capture.Packets.FIN;
import static dev.chaostesting.capture.Packets.PSH;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** TCP reassembly: what each connection's observer is told, in what order, for every way a capture can go. */
class TcpReassemblyTest {

    private static final String GET = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

    @Test
    void in_order_conversation_is_passed_on_as_sent_with_packet_times() {
        var c = Conversation.http()
                .handshake()
                .client(GET)
                .server(OK)
                .clientFin()
                .serverFin()
                .clientAck();

        var t = Transcript.of(c.pcap());

        assertThat(t.connectionLines()).containsExactly("c1 10.0.0.1:40000 -> 10.0.0.2:80");
        assertThat(t.connections.get(0).serverPort()).isEqualTo(80);
        assertThat(t.lines())
                .containsExactly("c1 client: " + GET, "c1 server: " + OK, "c1 client end", "c1 server end");
        assertThat(t.dataMillis()).containsExactly(3L, 4L);
        assertThat(t.summary.packets()).isEqualTo(8);
        assertThat(t.summary.tcpConnections()).isEqualTo(1);
        assertThat(t.summary.payloadBytes()).isEqualTo(GET.length() + OK.length());
        assertThat(t.summary.gaps()).isZero();
        assertThat(t.summary.complete()).isTrue();
    }

    @Test
    void out_of_order_segments_are_put_back_in_order() {
        var c = Conversation.http().handshake();
        c.add(c.clientAt(12, "third")).add(c.clientAt(6, "second")).add(c.clientAt(0, "first "));
        c.clientSentSilently(17).server(OK);

        var t = Transcript.of(c.pcap());

        assertThat(t.lines())
                .containsExactly("c1 client: first secondthird", "c1 server: " + OK, "c1 client end", "c1 server end");
        // Held bytes are passed on when the packet that completes them arrives.
        assertThat(t.dataMillis()).containsExactly(5L, 6L);
        assertThat(t.summary.gaps()).isZero();
    }

    @Test
    void retransmissions_are_passed_on_once() {
        var c = Conversation.http().handshake().client("abc");
        c.add(c.clientAt(0, "abc")).add(c.clientAt(0, "abc")).client("def");
        c.add(c.clientAt(2, "cde")).server("x");

        var t = Transcript.of(c.pcap());

        assertThat(t.lines()).startsWith("c1 client: abcdef", "c1 server: x");
        assertThat(t.summary.conflictingBytes()).isZero();
    }

    @Test
    void overlapping_segments_keep_the_first_data_and_count_differences() {
        var c = Conversation.http().handshake().client("abcdef");
        // Overlaps delivered bytes: "XYZ" differs from "def", "ghi" is new.
        c.add(c.clientAt(3, "XYZghi"));
        // Out of order and overlapping each other while held: "mn" differs from "MN".
        c.add(c.clientAt(13, "KLMN")).add(c.clientAt(15, "mnop"));
        c.add(c.clientAt(9, "jklmkLM")); // "jklm" fills the hole; "KLM" was held first, and "kLM" differs once
        c.clientSentSilently(13).server("x");

        var t = Transcript.of(c.pcap());

        assertThat(t.lines()).startsWith("c1 client: abcdefghijklmKLMNop", "c1 server: x");
        assertThat(t.summary.conflictingBytes()).isEqualTo(3 + 2 + 1);
    }

    @Test
    void sequence_numbers_wrap_around_2_to_the_32() {
        var c = Conversation.http().isns(0xFFFF_FFF8L, 0xFFFF_FFFEL).handshake();
        c.add(c.clientAt(10, "0123456789")).add(c.clientAt(0, "abcdefghij")); // crosses 2^32, out of order
        c.clientSentSilently(20)
                .server("server bytes across the wrap")
                .clientFin()
                .serverFin();

        var t = Transcript.of(c.pcap());

        assertThat(t.lines())
                .containsExactly(
                        "c1 client: abcdefghij0123456789",
                        "c1 server: server bytes across the wrap",
                        "c1 client end",
                        "c1 server end");
        assertThat(t.summary.gaps()).isZero();
    }

    @Test
    void a_segment_the_peer_acknowledged_but_the_capture_lacks_is_a_gap_before_the_answer() {
        var c = Conversation.http().handshake();
        c.add(c.clientAt(0, "GET /a")).add(c.clientAt(10, "tail")); // bytes 6..9 never captured
        c.clientSentSilently(14).server("resp"); // the server acknowledges all 14

        var t = Transcript.of(c.pcap());

        assertThat(t.lines()).startsWith("c1 client: GET /a", "c1 client gap 4", "c1 client: tail", "c1 server: resp");
        assertThat(t.summary.gaps()).isEqualTo(1);
        assertThat(t.summary.missingBytes()).isEqualTo(4);
        assertThat(t.summary.complete()).isFalse();
    }

    @Test
    void holes_left_at_the_end_of_the_capture_become_gaps_and_a_fin_after_them_still_ends() {
        var c = Conversation.http().handshake().client("abc");
        c.add(c.clientAt(8, "xyz")); // 3..7 lost
        c.add(c.c(c.clientSeq(11), c.serverSeq(0), FIN | ACK));

        var t = Transcript.of(c.pcap());

        assertThat(t.lines())
                .containsExactly(
                        "c1 client: abc", "c1 client gap 5", "c1 client: xyz", "c1 client end", "c1 server end");
    }

    @Test
    void a_fin_seen_before_the_last_data_ends_the_stream_after_it() {
        var c = Conversation.http().handshake();
        c.add(c.c(c.clientSeq(5), c.serverSeq(0), FIN | ACK)).add(c.clientAt(0, "hello"));
        c.clientSentSilently(5).server("bye").serverFin();

        var t = Transcript.of(c.pcap());

        assertThat(t.lines()).containsExactly("c1 client: hello", "c1 client end", "c1 server: bye", "c1 server end");
    }

    @Test
    void out_of_order_data_beyond_the_buffer_limit_gives_up_on_the_hole() {
        var c = Conversation.http().handshake();
        c.add(c.clientAt(4, "56789")).add(c.clientAt(9, "ABCDEF")); // 0..3 lost; 11 bytes held > 10

        var t = Transcript.of(c.pcap(), CaptureOptions.defaults().maxBufferedBytes(10));

        assertThat(t.lines()).startsWith("c1 client gap 4", "c1 client: 56789ABCDEF");
        assertThat(t.dataMillis()).containsExactly(4L);
    }

    @Test
    void a_connection_open_before_the_capture_starts_takes_the_higher_port_for_the_client() {
        var c = Conversation.http().isns(123_456, 987_654);
        c.server("HTTP/1.1 200 OK\r\n\r\n").client("GET /next HTTP/1.1\r\n\r\n").server("more");

        var t = Transcript.of(c.pcap());

        assertThat(t.connectionLines()).containsExactly("c1 10.0.0.1:40000 -> 10.0.0.2:80");
        assertThat(t.lines())
                .containsExactly(
                        "c1 server: HTTP/1.1 200 OK\r\n\r\n",
                        "c1 client: GET /next HTTP/1.1\r\n\r\n",
                        "c1 server: more",
                        "c1 client end",
                        "c1 server end");
    }

    @Test
    void with_equal_ports_the_first_to_send_data_is_the_client() {
        var c = new Conversation("10.0.0.9", 7000, "10.0.0.1", 7000);
        c.server("first").client("second");

        var t = Transcript.of(c.pcap());

        assertThat(t.connectionLines()).containsExactly("c1 10.0.0.1:7000 -> 10.0.0.9:7000");
        assertThat(t.lines()).startsWith("c1 client: first", "c1 server: second");
    }

    @Test
    void a_port_asked_for_marks_the_server_even_when_it_is_the_higher_one() {
        var c = new Conversation("10.0.0.1", 40000, "10.0.0.2", 50051);
        c.client("request").server("response");

        assertThat(Transcript.of(c.pcap()).connectionLines()).containsExactly("c1 10.0.0.2:50051 -> 10.0.0.1:40000");
        var t = Transcript.of(c.pcap(), CaptureOptions.defaults().onlyPorts(50051));
        assertThat(t.connectionLines()).containsExactly("c1 10.0.0.1:40000 -> 10.0.0.2:50051");
        assertThat(t.lines()).startsWith("c1 client: request", "c1 server: response");
    }

    @Test
    void a_syn_ack_without_its_syn_still_names_the_client() {
        var c = Conversation.http();
        c.add(c.s(5000, 1001, Packets.SYN | ACK))
                .add(c.c(1001, 5001, ACK))
                .client("hi")
                .server("yo");

        var t = Transcript.of(c.pcap());

        assertThat(t.connectionLines()).containsExactly("c1 10.0.0.1:40000 -> 10.0.0.2:80");
        assertThat(t.lines()).startsWith("c1 client: hi", "c1 server: yo");
    }

    @Test
    void a_reset_ends_both_sides_and_later_segments_open_nothing() {
        var c = Conversation.http().handshake().client("abc").serverRst();
        c.add(c.clientAt(0, "abc")).clientAck();

        var t = Transcript.of(c.pcap());

        assertThat(t.lines()).containsExactly("c1 client: abc", "c1 server reset", "c1 client reset");
        assertThat(t.summary.tcpConnections()).isEqualTo(1);
    }

    @Test
    void a_reset_passes_on_held_data_first() {
        var c = Conversation.http().handshake().client("ab");
        c.add(c.clientAt(4, "ef")).clientSentSilently(4).clientRst();

        var t = Transcript.of(c.pcap());

        assertThat(t.lines())
                .containsExactly(
                        "c1 client: ab", "c1 client gap 2", "c1 client: ef", "c1 client reset", "c1 server reset");
    }

    @Test
    void interleaved_connections_are_kept_apart() {
        var one = Conversation.http();
        var two = one.another("10.0.0.3", 41000, "10.0.0.2", 80);
        one.handshake();
        two.handshake();
        two.client("two-request");
        one.client("one-request");
        one.server("one-response");
        two.server("two-response");
        one.clientFin().serverFin();
        two.clientFin().serverFin();

        var t = Transcript.of(one.pcap());

        assertThat(t.connectionLines())
                .containsExactly("c1 10.0.0.1:40000 -> 10.0.0.2:80", "c2 10.0.0.3:41000 -> 10.0.0.2:80");
        assertThat(t.lines())
                .containsExactly(
                        "c2 client: two-request",
                        "c1 client: one-request",
                        "c1 server: one-response",
                        "c2 server: two-response",
                        "c1 client end",
                        "c1 server end",
                        "c2 client end",
                        "c2 server end");
    }

    @Test
    void a_new_syn_on_the_same_ports_is_a_new_connection() {
        var first = Conversation.http()
                .handshake()
                .client("one")
                .serverFin()
                .clientFin()
                .clientAck();
        var second =
                first.another("10.0.0.1", 40000, "10.0.0.2", 80).handshake().client("two");
        // A third connection reuses the ports while the second is still open (its close was not captured).
        second.another("10.0.0.1", 40000, "10.0.0.2", 80)
                .isns(300, 400)
                .handshake()
                .client("three");

        var t = Transcript.of(first.pcap());

        assertThat(t.connections).hasSize(3);
        assertThat(t.lines())
                .containsExactly(
                        "c1 client: one",
                        "c1 server end",
                        "c1 client end",
                        "c2 client: two",
                        "c2 client end",
                        "c2 server end",
                        "c3 client: three",
                        "c3 client end",
                        "c3 server end");
    }

    @Test
    void the_client_half_closing_first_still_gets_its_answer() {
        var c = Conversation.http()
                .handshake()
                .client("req")
                .clientFin()
                .server("resp")
                .serverFin();

        var t = Transcript.of(c.pcap());

        assertThat(t.lines()).containsExactly("c1 client: req", "c1 client end", "c1 server: resp", "c1 server end");
    }

    @Test
    void times_never_go_backwards_within_a_connection() {
        var c = Conversation.http().handshake().client("a");
        c.at(Conversation.START - 5_000_000).server("b");

        var t = Transcript.of(c.pcap());

        assertThat(t.events.get(1).micros()).isEqualTo(t.events.get(0).micros());
    }

    @Test
    void too_many_open_connections_end_the_least_recently_active() {
        var one = Conversation.http().handshake().client("one");
        var two = one.another("10.0.0.3", 41000, "10.0.0.2", 80).handshake();
        two.client("two");
        one.client("-more");

        var t = Transcript.of(new ByteArrayInputStream(one.pcap()), CaptureOptions.defaults(), 1);

        assertThat(t.lines())
                .containsExactly(
                        "c1 client: one",
                        "c1 client end",
                        "c1 server end",
                        "c2 client: two",
                        "c2 client end",
                        "c2 server end",
                        "c3 client: -more",
                        "c3 client end",
                        "c3 server end");
    }

    @Test
    void ipv6_connections_are_named_as_the_proxy_names_them() {
        var c = new Conversation("fd00::1", 40000, "fd00::2", 8080)
                .handshake()
                .client(GET)
                .server(OK);
        c.add(c.clientAt(GET.length(), "x").flags(PSH | ACK).ipv6Extension(0).ipv6Extension(60));

        var t = Transcript.of(c.pcap());

        assertThat(t.connectionLines()).containsExactly("c1 [fd00:0:0:0:0:0:0:1]:40000 -> [fd00:0:0:0:0:0:0:2]:8080");
        assertThat(t.lines()).startsWith("c1 client: " + GET, "c1 server: " + OK, "c1 client: x");
    }
}
