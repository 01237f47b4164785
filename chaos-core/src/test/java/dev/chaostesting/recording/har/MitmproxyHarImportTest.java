package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Imports {@code mitmproxy.har}: hand-made in the shape of mitmproxy 10's {@code savehar} command: Python
 * {@code isoformat()} dates with microseconds and "+00:00", "HTTP/2.0" without pseudo-headers (and so without Host),
 * timings without blocked and dns whose {@code time} also counts ssl, {@code postData} with both text and params, a
 * base64 binary body, and a flow that failed before a response (status 0, empty content, {@code _error}).
 */
class MitmproxyHarImportTest {

    private static List<Interaction> read;

    @BeforeAll
    static void read() throws IOException {
        read = Fixtures.read("mitmproxy.har");
    }

    @Test
    void readsEveryEntryInOrder() {
        assertThat(read).extracting(i -> i.httpRequest().method()).containsExactly("GET", "POST", "POST", "GET", "GET");
        assertThat(read)
                .extracting(i -> i.httpRequest().target())
                .containsExactly(
                        "/v1/users?limit=2&sort=name", "/v1/users", "/search", "/v1/users/7/avatar", "/health");
        assertThat(read)
                .extracting(Interaction::connection)
                .containsExactly("har-0", "har-1", "har-2", "har-3", "har-4");
    }

    @Test
    void http2GetWithMicrosecondTimestamp() {
        var get = read.get(0);
        assertThat(get.startedAt()).isEqualTo(Instant.parse("2024-05-14T09:20:11.482913Z"));
        assertThat(get.server()).isEqualTo("93.184.216.34:443");
        assertThat(get.durationMicros()).isEqualTo(63_274);
        assertThat(get.timeToFirstByteMicros()).isEqualTo(18_115 + 811 + 31_406);
        assertThat(get.requestBytes()).isEqualTo(104);
        assertThat(get.responseBytes()).isEqualTo(79 + 91);
        var request = get.httpRequest();
        assertThat(request.version()).isEqualTo("HTTP/2");
        assertThat(request.headers().contains("Host")).isFalse();
        assertThat(request.headers().first("authorization")).contains("<redacted>");
        var response = get.httpResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().text()).startsWith("{\"users\":[").hasSize(100);
        assertThat(response.body().contentEncoding()).isEqualTo("gzip");
    }

    @Test
    void postBodiesComeFromTextWhenThereIsText() {
        assertThat(read.get(1).httpRequest().body().text())
                .isEqualTo("{\"name\":\"Ann\",\"email\":\"ann@example.com\"}");
        assertThat(read.get(1).httpResponse().status()).isEqualTo(201);
        assertThat(read.get(1).timeToFirstByteMicros()).isEqualTo(402 + 12_733);
        // the text as sent, not the params re-encoded (which would turn '+' into "%2B" or spaces into '+')
        var form = read.get(2);
        assertThat(form.httpRequest().body().text()).isEqualTo("q=red+shoes&size=42");
        assertThat(form.httpRequest().version()).isEqualTo("HTTP/1.1");
        assertThat(form.server()).isEqualTo("127.0.0.1:8080");
        assertThat(form.httpRequest().headers().all("Cookie")).containsExactly("theme=dark");
    }

    @Test
    void binaryResponseInBase64() {
        var body = read.get(3).httpResponse().body();
        assertThat(body.length()).isEqualTo(44);
        assertThat(new String(body.bytes(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(body.contentEncoding()).isNull();
    }

    @Test
    void failedFlowHasNoResponse() {
        var failed = read.get(4);
        assertThat(failed.response()).isNull();
        assertThat(failed.error()).isEqualTo("no response (status 0): Connection refused");
        assertThat(failed.server()).isEqualTo("10.0.0.9:9000");
        assertThat(failed.durationMicros()).isZero();
        assertThat(failed.timeToFirstByteMicros()).isEqualTo(-1);
        assertThat(failed.responseBytes()).isZero();
    }
}
