package dev.chaostesting.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stream that hands out one byte per read (a pipe from tcpdump can) gives exactly what the whole file gives. */
class FragmentedInputTest {

    /** Returns at most one byte per call, as a slow pipe may. */
    static final class OneByteAtATime extends InputStream {
        private final ByteArrayInputStream in;

        OneByteAtATime(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return len == 0 ? 0 : in.read(b, off, 1);
        }
    }

    private static Conversation conversation() {
        var c = Conversation.http().handshake().client("GET /one HTTP/1.1\r\n\r\n");
        c.add(c.serverAt(10, "second half")).add(c.serverAt(0, "first half")).serverSentSilently(21);
        return c.client("more").server("x".repeat(3000)).clientFin().serverFin();
    }

    @Test
    void pcap_one_byte_at_a_time() {
        var file = conversation().pcap(ByteOrder.BIG_ENDIAN, true, Packets::ethernet, 1);

        var whole = Transcript.of(file);
        var trickled = Transcript.of(new OneByteAtATime(file), CaptureOptions.defaults(), Integer.MAX_VALUE);

        assertThat(trickled.events).isEqualTo(whole.events);
        assertThat(trickled.summary).isEqualTo(whole.summary);
        assertThat(whole.lines()).contains("c1 server: first halfsecond half");
    }

    @Test
    void pcapng_one_byte_at_a_time() {
        var file = new CaptureFiles.Pcapng().section(ByteOrder.LITTLE_ENDIAN).iface(113, 0, 9);
        for (var f : conversation().frames()) {
            file.block(0x0BAD, new byte[4]).epb(0, f.micros() * 1000, Packets.sll(f.ip()));
        }
        file.section(ByteOrder.BIG_ENDIAN).iface(1, 0, -1);
        var more =
                new Conversation("10.0.0.5", 50000, "10.0.0.6", 443).handshake().client("hello");
        for (var f : more.frames()) {
            file.epb(0, f.micros(), Packets.ethernet(f.ip()));
        }
        var bytes = file.bytes();

        var whole = Transcript.of(bytes);
        var trickled = Transcript.of(new OneByteAtATime(bytes), CaptureOptions.defaults(), Integer.MAX_VALUE);

        assertThat(trickled.events).isEqualTo(whole.events);
        assertThat(trickled.summary).isEqualTo(whole.summary);
        assertThat(whole.connections).hasSize(2);
    }

    @Test
    void the_public_api_one_byte_at_a_time() throws IOException {
        var file = conversation().pcap();
        List<Interaction> whole = new ArrayList<>();
        List<Interaction> trickled = new ArrayList<>();

        var wholeSummary =
                CaptureImport.read(new ByteArrayInputStream(file), "whole", CaptureOptions.defaults(), whole::add);
        var trickledSummary =
                CaptureImport.read(new OneByteAtATime(file), "trickled", CaptureOptions.defaults(), trickled::add);

        assertThat(trickled).isEqualTo(whole).isNotEmpty();
        assertThat(trickledSummary).isEqualTo(wholeSummary);
    }
}
