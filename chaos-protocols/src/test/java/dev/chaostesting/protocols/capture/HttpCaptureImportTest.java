package dev.chaostesting.protocols.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.capture.CaptureImport;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.recording.Redaction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture of HTTP/1.1 traffic, imported with the HTTP codec on the class path, gives the same interactions the proxy
 * would have recorded, timed by the packets.
 */
class HttpCaptureImportTest {

    private static final long T0 = 1_700_000_000_000_000L;

    private static final String POST_HEAD = "POST /orders HTTP/1.1\r\n"
            + "Host: shop.example\r\n"
            + "Authorization: Bearer secret-token-123\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 13\r\n"
            + "\r\n";
    private static final String POST_BODY = "{\"item\":\"ab\"}";
    private static final String CREATED_HEAD =
            "HTTP/1.1 201 Created\r\n" + "Content-Type: application/json\r\n" + "Content-Length: 8\r\n" + "\r\n";
    private static final String CREATED_BODY = "{\"id\":7}";
    private static final String GET = "GET /orders/7?full=1 HTTP/1.1\r\nHost: shop.example\r\n\r\n";
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"state\":1}\n";

    @TempDir
    Path dir;

    /** Two requests on one keep-alive connection; the first response's two segments arrive in reverse order. */
    private static byte[] keepAliveCapture() {
        return new PcapBuilder("192.168.0.10", 51000, "192.168.0.20", 8080)
                .handshake(T0)
                .client(T0 + 1_000, POST_HEAD)
                .client(T0 + 1_100, POST_BODY)
                .serverAhead(T0 + 3_000, CREATED_HEAD.length(), CREATED_BODY)
                .server(T0 + 3_500, CREATED_HEAD)
                .serverSkip(CREATED_BODY.length())
                .client(T0 + 10_000, GET)
                .server(T0 + 12_500, OK)
                .clientFin(T0 + 20_000)
                .serverFin(T0 + 20_100)
                .bytes();
    }

    @Test
    void a_keep_alive_conversation_becomes_two_http_interactions() throws IOException {
        var file = dir.resolve("keep-alive.pcap");
        Files.write(file, keepAliveCapture());

        var summary = CaptureImport.toRecording(file, dir.resolve("rec"), CaptureOptions.defaults());

        assertThat(summary.interactions()).isEqualTo(2);
        assertThat(summary.tcpConnections()).isEqualTo(1);
        assertThat(summary.gaps()).isZero();
        var interactions = Recording.open(dir.resolve("rec")).interactions();
        assertThat(interactions).extracting(Interaction::protocol).containsExactly("http", "http");
        assertThat(interactions).extracting(Interaction::client).containsOnly("192.168.0.10:51000");
        assertThat(interactions).extracting(Interaction::server).containsOnly("192.168.0.20:8080");
        assertThat(interactions).extracting(i -> i.httpRequest().method()).containsExactly("POST", "GET");
        assertThat(interactions).extracting(i -> i.httpRequest().path()).containsExactly("/orders", "/orders/7");
        assertThat(interactions)
                .extracting(i -> i.httpRequest().target())
                .containsExactly("/orders", "/orders/7?full=1");
        assertThat(interactions).extracting(i -> i.httpResponse().status()).containsExactly(201, 200);
        assertThat(interactions).extracting(i -> i.httpRequest().body().text()).containsExactly(POST_BODY, "");
        assertThat(interactions)
                .extracting(i -> i.httpResponse().body().text())
                .containsExactly(CREATED_BODY, "{\"state\":1}\n");
        assertThat(interactions)
                .extracting(Interaction::requestBytes)
                .containsExactly((long) (POST_HEAD + POST_BODY).length(), (long) GET.length());
        assertThat(interactions)
                .extracting(Interaction::responseBytes)
                .containsExactly((long) (CREATED_HEAD + CREATED_BODY).length(), (long) OK.length());

        var post = interactions.get(0);
        assertThat(post.startedAt()).isEqualTo(instant(T0 + 1_000));
        // The response's head arrived at 3.5 ms (its body, reordered, at 3 ms, was held until then).
        assertThat(post.timeToFirstByteMicros()).isEqualTo(2_500);
        assertThat(post.durationMicros()).isEqualTo(2_500);
        var get = interactions.get(1);
        assertThat(get.startedAt()).isEqualTo(instant(T0 + 10_000));
        assertThat(get.timeToFirstByteMicros()).isEqualTo(2_500);
        assertThat(get.durationMicros()).isEqualTo(2_500);
        assertThat(interactions).extracting(Interaction::error).containsOnlyNulls();
    }

    @Test
    void secrets_are_redacted_unless_asked_not_to() throws IOException {
        var file = dir.resolve("keep-alive.pcap");
        Files.write(file, keepAliveCapture());

        CaptureImport.toRecording(file, dir.resolve("redacted"), CaptureOptions.defaults());
        CaptureImport.toRecording(
                file, dir.resolve("plain"), CaptureOptions.defaults().redaction(Redaction.none()));

        var redacted = Recording.open(dir.resolve("redacted")).interactions().get(0);
        var plain = Recording.open(dir.resolve("plain")).interactions().get(0);
        assertThat(redacted.httpRequest().headers().first("Authorization").orElseThrow())
                .startsWith("Bearer <redacted")
                .doesNotContain("secret-token-123");
        assertThat(plain.httpRequest().headers().first("Authorization")).contains("Bearer secret-token-123");
    }

    @Test
    void a_lost_request_segment_is_a_gap_and_what_follows_is_kept_without_invented_bytes() throws IOException {
        var capture = new PcapBuilder("192.168.0.10", 51000, "192.168.0.20", 8080)
                .handshake(T0)
                .client(T0 + 1_000, GET)
                .server(T0 + 2_000, OK)
                .client(T0 + 5_000, POST_HEAD)
                .clientSkip(POST_BODY.length()) // sent, acknowledged by the server, never captured
                .server(T0 + 6_000, CREATED_HEAD + CREATED_BODY)
                .clientFin(T0 + 7_000)
                .serverFin(T0 + 7_100)
                .bytes();
        var interactions = new ArrayList<Interaction>();

        var summary = CaptureImport.read(
                new ByteArrayInputStream(capture), "lossy.pcap", CaptureOptions.defaults(), interactions::add);

        assertThat(summary.gaps()).isEqualTo(1);
        assertThat(summary.missingBytes()).isEqualTo(POST_BODY.length());
        assertThat(interactions).extracting(Interaction::sequence).containsExactly(1L, 2L, 3L);
        var get = interactions.get(0);
        assertThat(get.protocol()).isEqualTo("http");
        assertThat(get.httpResponse().status()).isEqualTo(200);
        // The codec records the request as far as it got and says why; the answer that follows cannot be paired with
        // certainty (it may answer a request lost in the gap), so it is kept raw.
        var post = interactions.get(1);
        assertThat(post.httpRequest().method()).isEqualTo("POST");
        assertThat(post.httpRequest().body().size()).isZero();
        assertThat(post.response()).isNull();
        assertThat(post.error()).startsWith("request incomplete: the capture lost 13 bytes of the client");
        var rest = interactions.get(2);
        assertThat(rest.protocol()).isEqualTo("tcp");
        assertThat(rest.request()).isNull();
        assertThat(((TcpData) rest.response()).data().text()).isEqualTo(CREATED_HEAD + CREATED_BODY);
        assertThat(rest.startedAt()).isEqualTo(instant(T0 + 6_000));
    }

    /**
     * A keep-alive connection open before the capture started: its first captured bytes are the end of an answer. They
     * are kept raw, and decoding starts at the next request.
     */
    @Test
    void a_connection_picked_up_mid_stream_is_decoded_from_its_next_request() throws IOException {
        var capture = new PcapBuilder("192.168.0.10", 51000, "192.168.0.20", 8080)
                .server(T0 + 1_000, "tail of an earlier answer\n")
                .client(T0 + 2_000, GET)
                .server(T0 + 3_000, OK)
                .clientFin(T0 + 4_000)
                .serverFin(T0 + 4_100)
                .bytes();
        var interactions = new ArrayList<Interaction>();

        CaptureImport.read(
                new ByteArrayInputStream(capture),
                "midstream.pcap",
                CaptureOptions.defaults().onlyPorts(8080),
                interactions::add);

        assertThat(interactions).extracting(Interaction::protocol).containsExactly("tcp", "http");
        var skipped = interactions.get(0);
        assertThat(((TcpData) skipped.response()).data().text()).isEqualTo("tail of an earlier answer\n");
        assertThat(skipped.attributes().get("decodeError")).startsWith("the capture began inside this connection");
        var get = interactions.get(1);
        assertThat(get.httpRequest().target()).isEqualTo("/orders/7?full=1");
        assertThat(get.httpResponse().status()).isEqualTo(200);
        assertThat(get.error()).isNull();
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }
}
