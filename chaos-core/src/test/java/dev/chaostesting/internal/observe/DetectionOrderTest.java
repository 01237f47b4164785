package dev.chaostesting.internal.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.spi.ConnectionInfo;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Detection;
import dev.chaostesting.spi.ProtocolCodec;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which codec gets a connection when two claim its first bytes, one of them with the port's hint. */
class DetectionOrderTest {

    /** Claims anything starting with "GET ", on no port in particular (as HTTP would). */
    private static final class Eager implements ProtocolCodec {
        public String name() {
            return "eager";
        }

        public Detection detect(Side side, ByteBuffer first) {
            if (first.remaining() < 4) {
                return Detection.NEED_MORE;
            }
            var start = new byte[4];
            first.duplicate().get(start);
            return new String(start, StandardCharsets.US_ASCII).equals("GET ") ? Detection.MATCH : Detection.NO_MATCH;
        }

        public StreamDecoder newDecoder(DecoderContext context) {
            return new Recorder(context, name());
        }
    }

    /** Needs a whole line before it can tell (as Redis' inline commands do), and holds the hint for port 6379. */
    private static final class Hinted implements ProtocolCodec {
        public String name() {
            return "hinted";
        }

        public Set<Integer> portHints() {
            return Set.of(6379);
        }

        public Detection detect(Side side, ByteBuffer first) {
            var text = StandardCharsets.US_ASCII.decode(first.duplicate()).toString();
            if (!text.contains("\n")) {
                return Detection.NEED_MORE;
            }
            return text.contains("HTTP/1.") ? Detection.NO_MATCH : Detection.MATCH;
        }

        public StreamDecoder newDecoder(DecoderContext context) {
            return new Recorder(context, name());
        }
    }

    /** Emits one interaction naming its codec when the client ends. */
    private record Recorder(DecoderContext context, String name) implements StreamDecoder {
        public void onData(Side side, ByteBuffer data, long atMicros) {}

        public void onEnd(Side side, boolean reset, long atMicros) {
            if (side == Side.CLIENT) {
                context.emit(context.newInteraction(name, atMicros));
            }
        }
    }

    private static String chosen(int port, String... fragments) {
        var out = new ArrayList<Interaction.Builder>();
        var info = new ConnectionInfo("c1", "127.0.0.1:50000", "127.0.0.1:" + port, port, Direction.OUTBOUND);
        var observer = new ConnectionObserver(info, Codecs.of(new Eager(), new Hinted()), null, 1024, out::add);
        long at = 1;
        for (var f : fragments) {
            observer.onData(Side.CLIENT, ByteBuffer.wrap(f.getBytes(StandardCharsets.US_ASCII)), at++);
        }
        observer.onEnd(Side.CLIENT, false, at);
        return out.isEmpty() ? "none" : out.get(0).build().protocol();
    }

    @Test
    void on_the_hinted_port_a_codec_that_needs_more_is_waited_for() {
        assertThat(chosen(6379, "GET ", "k\r\n")).isEqualTo("hinted");
        assertThat(chosen(6379, "GET / HTTP/1.1\r\n")).isEqualTo("eager");
    }

    @Test
    void elsewhere_the_first_match_wins_at_once() {
        assertThat(chosen(8080, "GET ", "k\r\n")).isEqualTo("eager");
    }

    @Test
    void a_connection_that_ends_while_waiting_goes_to_the_match_it_had() {
        assertThat(chosen(6379, "GET ")).isEqualTo("eager");
    }
}
