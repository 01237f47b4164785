package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.internal.observe.Codecs;
import dev.chaostesting.internal.observe.ConnectionObserver;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.Side;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** After a capture loses bytes, the codec records what the gap cut, skips to the next message and decodes on. */
class Http1ResyncTest {

    private static final String REQUEST_1 = "GET /one HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String RESPONSE_1 = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none";
    private static final String REQUEST_2_START = "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 20\r\n\r\n0123";
    // 16 body bytes of request 2 are lost; the server's answer to it is captured whole.
    private static final String RESPONSE_2 = "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\ntwo";
    private static final String REQUEST_3 = "GET /three HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String RESPONSE_3 = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthree";

    /** The events of one keep-alive connection with a hole in the client's bytes. */
    private record Event(Side side, String text, long gap) {}

    private static final List<Event> EVENTS = List.of(
            new Event(Side.CLIENT, REQUEST_1, 0),
            new Event(Side.SERVER, RESPONSE_1, 0),
            new Event(Side.CLIENT, REQUEST_2_START, 0),
            new Event(Side.CLIENT, null, 16),
            new Event(Side.SERVER, RESPONSE_2, 0),
            new Event(Side.CLIENT, REQUEST_3, 0),
            new Event(Side.SERVER, RESPONSE_3, 0));

    private static List<Interaction> run(int fragment, long seed) {
        var out = new ArrayList<Interaction.Builder>();
        var observer = new ConnectionObserver(Script.CONNECTION, Codecs.of(new Http1Codec()), null, 1024, out::add);
        var random = new Random(seed);
        long at = 1;
        for (var e : EVENTS) {
            at++;
            if (e.text() == null) {
                observer.onGap(e.side(), e.gap(), at);
                continue;
            }
            var bytes = e.text().getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < bytes.length; ) {
                int n = fragment > 0 ? fragment : 1 + random.nextInt(bytes.length);
                n = Math.min(n, bytes.length - i);
                observer.onData(e.side(), ByteBuffer.wrap(bytes, i, n), at);
                i += n;
            }
        }
        observer.onEnd(Side.CLIENT, false, at + 1);
        observer.onEnd(Side.SERVER, false, at + 2);
        return out.stream().map(Interaction.Builder::build).toList();
    }

    @Test
    void decoding_resumes_at_the_next_request_after_lost_bytes() {
        var interactions = run(0, 1);
        assertThat(interactions).extracting(Interaction::protocol).containsExactly("http", "http", "tcp", "http");

        assertThat(interactions.get(0).httpRequest().target()).isEqualTo("/one");
        assertThat(interactions.get(0).httpResponse().body().text()).isEqualTo("one");
        assertThat(interactions.get(0).error()).isNull();

        // The request the gap cut: recorded as far as it went, unanswered (its answer cannot be told apart).
        var two = interactions.get(1);
        assertThat(two.httpRequest().target()).isEqualTo("/two");
        assertThat(two.httpRequest().body().text()).isEqualTo("0123");
        assertThat(two.error()).startsWith("request incomplete: the capture lost 16 bytes of the client");
        assertThat(two.response()).isNull();

        // The answer that came before any request seen after the gap: kept, raw.
        var skipped = interactions.get(2);
        assertThat(((TcpData) skipped.response()).data().text()).isEqualTo(RESPONSE_2);
        assertThat(skipped.error()).startsWith("skipped " + RESPONSE_2.length() + " bytes to the next response");

        var three = interactions.get(3);
        assertThat(three.httpRequest().target()).isEqualTo("/three");
        assertThat(three.httpResponse().status()).isEqualTo(200);
        assertThat(three.httpResponse().body().text()).isEqualTo("three");
        assertThat(three.error()).isNull();
    }

    @Test
    void fragment_sizes_do_not_change_the_result() {
        var whole = Script.comparable(run(0, 1));
        assertThat(Script.comparable(run(1, 0))).isEqualTo(whole);
        for (long seed = 0; seed < 50; seed++) {
            assertThat(Script.comparable(run(-1, seed))).as("seed %d", seed).isEqualTo(whole);
        }
    }

    @Test
    void a_gap_in_the_middle_of_a_request_line_skips_to_the_next_line_that_starts_a_request() {
        var out = new ArrayList<Interaction.Builder>();
        var observer = new ConnectionObserver(Script.CONNECTION, Codecs.of(new Http1Codec()), null, 1024, out::add);
        observer.onData(Side.CLIENT, bytes(REQUEST_1), 1);
        observer.onData(Side.SERVER, bytes(RESPONSE_1), 2);
        observer.onGap(Side.CLIENT, 100, 3);
        // The tail of a lost request (its body mentions "GET /" mid-line, which must not count), then a new request.
        observer.onData(Side.CLIENT, bytes("ody with GET /fake HTTP/1.1 inside\r\n" + REQUEST_3), 4);
        observer.onData(Side.SERVER, bytes(RESPONSE_3), 5);
        observer.onEnd(Side.CLIENT, false, 6);
        observer.onEnd(Side.SERVER, false, 7);
        var interactions = out.stream().map(Interaction.Builder::build).toList();

        assertThat(interactions).extracting(Interaction::protocol).containsExactly("http", "tcp", "http");
        assertThat(((TcpData) interactions.get(1).request()).data().text())
                .isEqualTo("ody with GET /fake HTTP/1.1 inside\r\n");
        assertThat(interactions.get(2).httpRequest().target()).isEqualTo("/three");
        assertThat(interactions.get(2).httpResponse().body().text()).isEqualTo("three");
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
