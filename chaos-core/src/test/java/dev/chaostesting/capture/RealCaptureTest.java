package dev.chaostesting.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.capture.CapturedPacket;
import dev.chaostesting.internal.capture.PacketSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Packets the Linux kernel really sent on loopback (TCP timestamps and window scaling in every header, a client port
 * above the server's), captured from an AF_PACKET socket as libpcap does: {@code capture/loopback-http.pcap}, made by
 * {@code capture/loopback-http.py}. A keep-alive HTTP/1.1 connection with a POST and a GET.
 */
class RealCaptureTest {

    private static final String POST_HEAD = "POST /orders HTTP/1.1\r\nHost: 127.0.0.1:32979\r\n"
            + "Accept-Encoding: identity\r\nContent-Length: 13\r\nContent-Type: application/json\r\n\r\n";
    private static final String CREATED =
            "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\n"
                    + "created:{\"item\":\"ab\"}";
    private static final String GET =
            "GET /orders/7?full=1 HTTP/1.1\r\nHost: 127.0.0.1:32979\r\nAccept-Encoding: identity\r\n\r\n";
    private static final String OK =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\n" + "item /orders/7?full=1";

    static byte[] loopbackHttp() throws IOException {
        try (InputStream in = RealCaptureTest.class.getResourceAsStream("/capture/loopback-http.pcap")) {
            return in.readAllBytes();
        }
    }

    @Test
    void a_real_loopback_capture_reassembles_to_what_was_sent() throws IOException {
        var t = Transcript.of(loopbackHttp());

        assertThat(t.connectionLines()).containsExactly("c1 127.0.0.1:55086 -> 127.0.0.1:32979");
        assertThat(t.lines())
                .containsExactly(
                        "c1 client: " + POST_HEAD + "{\"item\":\"ab\"}",
                        "c1 server: " + CREATED,
                        "c1 client: " + GET,
                        "c1 server: " + OK,
                        "c1 client end",
                        "c1 server end");
        assertThat(t.events.get(0).micros()).isEqualTo(1_795_496_687_484_708L);
        assertThat(t.summary)
                .isEqualTo(new CaptureSummary(
                        "pcap",
                        19,
                        1,
                        0,
                        (POST_HEAD + "{\"item\":\"ab\"}" + CREATED + GET + OK).length(),
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        java.util.Set.of()));
    }

    @Test
    void the_same_packets_in_pcapng_give_the_same_result() throws IOException {
        var pcapng = new CaptureFiles.Pcapng().section(ByteOrder.BIG_ENDIAN).iface(1, 0, 9);
        var source = PacketSource.open(new ByteArrayInputStream(loopbackHttp()));
        for (CapturedPacket p = source.next(); p != null; p = source.next()) {
            var frame = Arrays.copyOfRange(p.array(), p.offset(), p.offset() + p.length());
            pcapng.epb(0, p.micros() * 1000, frame);
        }

        var fromPcap = Transcript.of(loopbackHttp());
        var fromPcapng = Transcript.of(pcapng.bytes());

        assertThat(fromPcapng.events).isEqualTo(fromPcap.events);
        assertThat(fromPcapng.summary.format()).isEqualTo("pcapng");
    }
}
