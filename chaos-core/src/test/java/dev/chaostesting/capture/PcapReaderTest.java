package dev.chaostesting.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.internal.capture.MalformedCaptureException;
import dev.chaostesting.internal.capture.PacketSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The classic pcap format: byte orders, timestamp precisions, snap lengths, cut-short files, corrupt headers. */
class PcapReaderTest {

    private static Conversation conversation() {
        return Conversation.http()
                .handshake()
                .client("GET / HTTP/1.1\r\n\r\n")
                .server("HTTP/1.1 204 No Content\r\n\r\n")
                .clientFin()
                .serverFin();
    }

    @Test
    void both_byte_orders_read_the_same() {
        var little = conversation().pcap(ByteOrder.LITTLE_ENDIAN, false, Packets::ethernet, 1);
        var big = conversation().pcap(ByteOrder.BIG_ENDIAN, false, Packets::ethernet, 1);
        assertThat(Arrays.copyOf(big, 4)).containsExactly(0xa1, 0xb2, 0xc3, 0xd4);
        assertThat(Arrays.copyOf(little, 4)).containsExactly(0xd4, 0xc3, 0xb2, 0xa1);

        var fromLittle = Transcript.of(little);
        var fromBig = Transcript.of(big);

        assertThat(fromBig.events).isEqualTo(fromLittle.events);
        assertThat(fromLittle.lines())
                .containsExactly(
                        "c1 client: GET / HTTP/1.1\r\n\r\n",
                        "c1 server: HTTP/1.1 204 No Content\r\n\r\n",
                        "c1 client end",
                        "c1 server end");
        assertThat(fromLittle.summary.format()).isEqualTo("pcap");
    }

    @Test
    void nanosecond_files_keep_microseconds() throws IOException {
        var frame = Packets.ethernet(Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).ip());
        for (var order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            var file = new CaptureFiles.Pcap(order, true, 1, 65535)
                    .recordNanos(1_700_000_000L, 123_456_789L, frame)
                    .bytes();

            var source = PacketSource.open(new ByteArrayInputStream(file));
            var packet = source.next();

            assertThat(packet.micros()).isEqualTo(1_700_000_000_123_456L);
            assertThat(packet.length()).isEqualTo(frame.length);
            assertThat(packet.linkType()).isEqualTo(1);
            assertThat(source.next()).isNull();
        }
    }

    @Test
    void the_same_conversation_in_nanoseconds_gives_the_same_times() {
        var micro = Transcript.of(conversation().pcap(ByteOrder.LITTLE_ENDIAN, false, Packets::ethernet, 1));
        var nano = Transcript.of(conversation().pcap(ByteOrder.BIG_ENDIAN, true, Packets::ethernet, 1));

        assertThat(nano.events).isEqualTo(micro.events);
    }

    @Test
    void packets_cut_by_the_snap_length_count_as_truncated_and_their_missing_bytes_as_gaps() {
        var c = Conversation.http()
                .handshake()
                .client("x".repeat(100))
                .server("ok")
                .clientFin()
                .serverFin();
        var pcap = new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 14 + 20 + 20 + 60);
        for (var f : c.frames()) {
            pcap.packet(f.micros(), Packets.ethernet(f.ip()));
        }

        var t = Transcript.of(pcap.bytes());

        assertThat(t.lines())
                .containsExactly(
                        "c1 client: " + "x".repeat(60),
                        "c1 client gap 40",
                        "c1 server: ok",
                        "c1 client end",
                        "c1 server end");
        assertThat(t.summary.truncated()).isEqualTo(1);
        assertThat(t.summary.missingBytes()).isEqualTo(40);
        assertThat(t.summary.undecodable()).isZero();
    }

    @Test
    void a_file_cut_in_the_middle_of_a_packet_keeps_what_is_there() {
        var whole = conversation().pcap();
        var cut = Arrays.copyOf(whole, whole.length - 3); // the last packet (server FIN) loses its last bytes

        var t = Transcript.of(cut);

        assertThat(t.summary.packets()).isEqualTo(7);
        assertThat(t.summary.truncated()).isEqualTo(1);
        assertThat(t.lines()).startsWith("c1 client: GET / HTTP/1.1\r\n\r\n");
    }

    @Test
    void a_file_cut_in_a_record_header_counts_the_lost_packet() {
        var whole = conversation().pcap();
        int lastRecord = whole.length - (16 + 14 + 40);
        var cut = Arrays.copyOf(whole, lastRecord + 10);

        var t = Transcript.of(cut);

        assertThat(t.summary.packets()).isEqualTo(7);
        assertThat(t.summary.truncated()).isEqualTo(1);
    }

    @Test
    void an_unknown_magic_is_refused() {
        assertThatThrownBy(() -> PacketSource.open(new ByteArrayInputStream("GIF89a-not-a-capture".getBytes())))
                .isInstanceOf(MalformedCaptureException.class)
                .hasMessage("file header at byte 0: magic 0x47494638 (expected: a pcap file, 0xa1b2c3d4 or"
                        + " 0xa1b23c4d in either byte order, or a pcapng file, 0x0a0d0d0a)");
        assertThatThrownBy(() -> PacketSource.open(new ByteArrayInputStream(new byte[] {1, 2})))
                .hasMessage("file header at byte 0: the input holds 2 bytes (expected: a pcap or pcapng file header,"
                        + " at least 24 bytes)");
    }

    @Test
    void a_short_file_header_is_refused() {
        var header = Arrays.copyOf(Conversation.http().pcap(), 20);

        assertThatThrownBy(() -> PacketSource.open(new ByteArrayInputStream(header)))
                .hasMessage("pcap file header at byte 0: the file ends after 20 bytes (expected: 24)");
    }

    @Test
    void an_unknown_version_is_refused() {
        var file = Conversation.http().pcap();
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(4, (short) 3);

        assertThatThrownBy(() -> PacketSource.open(new ByteArrayInputStream(file)))
                .hasMessage("pcap file header at byte 4: version 3.4 (expected: 2.x)");
    }

    @Test
    void a_captured_length_beyond_the_snap_length_is_refused_with_its_offset() throws IOException {
        var frame = Packets.ethernet(Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).ip());
        var file = CaptureFiles.Pcap.ethernet()
                .packet(Conversation.START, frame)
                .record(Conversation.START, frame, 900_000, 900_000)
                .bytes();

        var source = PacketSource.open(new ByteArrayInputStream(file));
        assertThat(source.next()).isNotNull();
        int second = 24 + 16 + frame.length;
        assertThatThrownBy(source::next)
                .isInstanceOf(MalformedCaptureException.class)
                .hasMessage("pcap record at byte " + second + ": caplen 900000 (expected: <= snaplen 262144)");
    }

    @Test
    void a_small_snap_length_still_accepts_packets_up_to_the_largest_libpcap_writes() throws IOException {
        var frame = Packets.ethernet(Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2)
                .payload("y".repeat(70_000))
                .ip());
        var file = new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false, 1, 65535)
                .record(Conversation.START, frame, frame.length, frame.length)
                .record(Conversation.START, frame, 300_000, 300_000)
                .bytes();

        var source = PacketSource.open(new ByteArrayInputStream(file));
        assertThat(source.next().length()).isEqualTo(frame.length);
        assertThatThrownBy(source::next)
                .hasMessage(
                        "pcap record at byte " + (24 + 16 + frame.length) + ": caplen 300000 (expected: <= 262144)");
    }
}
