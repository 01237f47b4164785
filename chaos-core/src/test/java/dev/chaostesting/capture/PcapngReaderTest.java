package dev.chaostesting.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.internal.capture.CapturedPacket;
import dev.chaostesting.internal.capture.MalformedCaptureException;
import dev.chaostesting.internal.capture.PacketSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** pcapng: sections, interfaces with their own link types and timestamp units, every packet block, bad blocks. */
class PcapngReaderTest {

    private static final int SLL = 113;
    private static final long SECONDS = 1_700_000_000L;
    private static final byte[] FRAME =
            Packets.ethernet(Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).ip());

    private record Seen(int linkType, long micros, int length, long originalLength) {}

    private static List<Seen> read(byte[] file) throws IOException {
        var source = PacketSource.open(new ByteArrayInputStream(file));
        assertThat(source.format()).isEqualTo("pcapng");
        var seen = new ArrayList<Seen>();
        for (CapturedPacket p = source.next(); p != null; p = source.next()) {
            seen.add(new Seen(p.linkType(), p.micros(), p.length(), p.originalLength()));
        }
        return seen;
    }

    @Test
    void two_interfaces_with_their_own_link_types_and_timestamp_units() {
        var one = Conversation.http().handshake().client("to eth").server("from eth");
        var two = one.another("10.0.0.3", 41000, "10.0.0.2", 80).handshake().client("to sll");
        var file = new CaptureFiles.Pcapng().section(ByteOrder.LITTLE_ENDIAN);
        file.iface(1, 262144, -1); // Ethernet, microseconds (the default)
        file.iface(SLL, 262144, 9); // Linux cooked, nanoseconds
        for (var f : one.frames()) {
            boolean onEthernet = (f.ip()[15] & 0xFF) == 1 || (f.ip()[19] & 0xFF) == 1;
            if (onEthernet) {
                file.epb(0, f.micros(), Packets.ethernet(f.ip()));
            } else {
                file.epb(1, f.micros() * 1000 + 999, Packets.sll(f.ip()));
            }
        }

        var t = Transcript.of(file.bytes());

        assertThat(t.summary.format()).isEqualTo("pcapng");
        assertThat(t.connectionLines())
                .containsExactly("c1 10.0.0.1:40000 -> 10.0.0.2:80", "c2 10.0.0.3:41000 -> 10.0.0.2:80");
        assertThat(t.lines())
                .containsExactly(
                        "c1 client: to eth",
                        "c1 server: from eth",
                        "c2 client: to sll",
                        "c1 client end",
                        "c1 server end",
                        "c2 client end",
                        "c2 server end");
        assertThat(t.dataMillis()).containsExactly(3L, 4L, 8L);
    }

    @Test
    void timestamp_resolutions_and_offsets_become_microseconds() throws IOException {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.BIG_ENDIAN)
                .iface(1, 0, 9) // 10^-9
                .iface(1, 0, 0x80 | 20) // 2^-20
                .iface(1, 0, 3, 1_000) // 10^-3, 1000 s later
                .iface(1, 0, 0x80) // 2^0: whole seconds
                .epb(0, SECONDS * 1_000_000_000L + 123_456_789L, FRAME)
                .epb(1, (SECONDS << 20) | (1 << 19), FRAME) // half a second
                .epb(2, SECONDS * 1000 + 7, FRAME)
                .epb(3, SECONDS, FRAME);

        assertThat(read(file.bytes()))
                .extracting(Seen::micros)
                .containsExactly(
                        SECONDS * 1_000_000 + 123_456,
                        SECONDS * 1_000_000 + 500_000,
                        (SECONDS + 1000) * 1_000_000 + 7000,
                        SECONDS * 1_000_000);
    }

    @Test
    void sections_may_change_byte_order_and_start_a_new_list_of_interfaces() throws IOException {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .epb(0, SECONDS * 1_000_000, FRAME)
                .section(ByteOrder.BIG_ENDIAN)
                .iface(SLL, 0, -1)
                .epb(
                        0,
                        SECONDS * 1_000_000 + 1,
                        Packets.sll(Packets.tcp("10.0.0.1", 1, "10.0.0.2", 2).ip()))
                .bytes();

        assertThat(read(file)).extracting(Seen::linkType).containsExactly(1, SLL);
    }

    @Test
    void simple_and_obsolete_packet_blocks_are_read_and_other_blocks_skipped() throws IOException {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .block(4, new byte[] {0, 0, 0, 0}) // name resolution: only the end of records
                .iface(1, 40, -1)
                .pb(0, SECONDS * 1_000_000 + 5, FRAME)
                .block(0x0BAD, new byte[8]) // a block type nobody knows
                .spb(FRAME) // cut to the interface's snap length of 40; no timestamp of its own
                .block(5, new byte[12]) // interface statistics
                .bytes();

        assertThat(read(file))
                .containsExactly(
                        new Seen(1, SECONDS * 1_000_000 + 5, FRAME.length, FRAME.length),
                        new Seen(1, SECONDS * 1_000_000 + 5, 40, FRAME.length));
    }

    @Test
    void a_packet_shorter_than_on_the_wire_is_truncated() throws IOException {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 30, -1)
                .epb(0, 0, FRAME, 30, FRAME.length)
                .bytes();

        var seen = read(file);

        assertThat(seen).containsExactly(new Seen(1, 0, 30, FRAME.length));
    }

    @Test
    void a_file_cut_inside_a_packet_block_counts_the_packet_as_truncated() {
        var whole = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .epb(0, 0, FRAME)
                .epb(0, 1, FRAME)
                .bytes();

        var t = Transcript.of(Arrays.copyOf(whole, whole.length - 10));

        assertThat(t.summary.packets()).isEqualTo(2);
        assertThat(t.summary.truncated()).isEqualTo(1);
    }

    @Test
    void a_block_length_that_is_not_a_multiple_of_4_is_refused() {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .bytes();
        int at = file.length;
        var bad = Arrays.copyOf(file, at + 16);
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(at, 6).putInt(at + 4, 15);

        assertThatThrownBy(() -> read(bad))
                .isInstanceOf(MalformedCaptureException.class)
                .hasMessage(
                        "pcapng block at byte " + at + ": block total length 15 (expected: a multiple of 4, >= 12)");
    }

    @Test
    void a_trailing_length_that_differs_is_refused() {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.BIG_ENDIAN)
                .iface(1, 0, -1)
                .bytes();
        int iface = file.length - 32;
        ByteBuffer.wrap(file).putInt(file.length - 4, 36);

        assertThatThrownBy(() -> read(file))
                .hasMessage("pcapng block at byte " + iface + ": trailing block total length 36 (expected: 32, the"
                        + " leading one)");
    }

    @Test
    void a_packet_of_an_interface_not_described_is_refused() {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .bytes();
        int at = file.length;
        var withPacket = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .epb(2, 0, FRAME)
                .bytes();

        assertThatThrownBy(() -> read(withPacket))
                .hasMessage("pcapng enhanced packet block at byte " + at + ": interface 2 (expected: < 1, the"
                        + " interfaces described so far in this section)");
    }

    @Test
    void a_captured_length_beyond_the_block_is_refused() {
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .bytes();
        int at = file.length;
        var withPacket = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, -1)
                .epb(0, 0, FRAME)
                .bytes();
        ByteBuffer.wrap(withPacket).order(ByteOrder.LITTLE_ENDIAN).putInt(at + 8 + 12, 5000);

        assertThatThrownBy(() -> read(withPacket))
                .hasMessageStartingWith(
                        "pcapng enhanced packet block at byte " + at + ": captured length 5000" + " (expected: <= ");
    }

    @Test
    void a_bad_byte_order_magic_is_refused() {
        var file = new CaptureFiles.Pcapng().section(ByteOrder.LITTLE_ENDIAN).bytes();
        file[8] = 0x11;

        assertThatThrownBy(() -> read(file))
                .hasMessage("pcapng section header at byte 0: byte-order magic 0x113c2b1a (expected: 0x1a2b3c4d in"
                        + " either byte order)");
    }

    @Test
    void an_unknown_major_version_is_refused() {
        var file = new CaptureFiles.Pcapng().section(ByteOrder.BIG_ENDIAN).bytes();
        ByteBuffer.wrap(file).putShort(12, (short) 2);

        assertThatThrownBy(() -> read(file)).hasMessage("pcapng section header at byte 0: version 2.0 (expected: 1.x)");
    }

    @Test
    void a_timestamp_resolution_beyond_what_fits_is_refused() {
        int at = new CaptureFiles.Pcapng().section(ByteOrder.LITTLE_ENDIAN).bytes().length;
        var file = new CaptureFiles.Pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(1, 0, 30)
                .bytes();

        assertThatThrownBy(() -> read(file))
                .hasMessage("pcapng interface description block at byte " + at
                        + ": if_tsresol 10^-30 (expected: at most" + " 10^-24)");
    }
}
