package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Imports {@code playwright.har}: hand-made in the shape of Playwright 1.44's {@code recordHar} with embedded content:
 * {@code browser}, page ids like "page@...", {@code _serverPort} next to an IPv6 "[::1]" {@code serverIPAddress},
 * {@code _frameref}, {@code _monotonicTime}, {@code _securityDetails}, headersSize -1, timings without blocked, and a
 * refused connection written as status -1 with {@code _failureText} and {@code time} -1.
 */
class PlaywrightHarImportTest {

    private static List<Interaction> read;

    @BeforeAll
    static void read() throws IOException {
        read = Fixtures.read("playwright.har");
    }

    @Test
    void readsEveryEntryInOrder() {
        assertThat(read).extracting(i -> i.httpRequest().method()).containsExactly("GET", "POST", "GET", "GET");
        assertThat(read)
                .extracting(i -> i.httpRequest().target())
                .containsExactly("/api/orders?page=1&size=20", "/api/orders", "/api/orders/404", "/api/stock?sku=A-1");
        assertThat(read)
                .extracting(Interaction::server)
                .containsExactly("[::1]:3000", "[::1]:3000", "[::1]:3000", "localhost:3001");
    }

    @Test
    void getWithJsonResponse() {
        var get = read.get(0);
        assertThat(get.durationMicros()).isEqualTo(8_914);
        assertThat(get.timeToFirstByteMicros()).isEqualTo(7_321);
        assertThat(get.responseBytes()).isEqualTo(245);
        assertThat(get.requestBytes()).isZero();
        assertThat(get.httpRequest().headers().size()).isEqualTo(6);
        assertThat(get.httpResponse().body().text())
                .isEqualTo("{\"orders\":[{\"id\":42,\"status\":\"open\"}],\"page\":1}");
        assertThat(get.httpResponse().headers().first("Content-Type")).contains("application/json; charset=utf-8");
    }

    @Test
    void postAndNotFound() {
        var post = read.get(1);
        assertThat(post.httpRequest().body().text()).isEqualTo("{\"sku\":\"A-1\",\"qty\":2}");
        assertThat(post.httpResponse().status()).isEqualTo(201);
        assertThat(post.httpResponse().reason()).isEqualTo("Created");
        assertThat(post.timeToFirstByteMicros()).isEqualTo(211 + 10_902);

        var missing = read.get(2);
        assertThat(missing.httpResponse().status()).isEqualTo(404);
        assertThat(missing.httpResponse().body().text()).contains("not found");
        assertThat(missing.error()).isNull();
    }

    @Test
    void refusedConnectionHasNoResponse() {
        var refused = read.get(3);
        assertThat(refused.response()).isNull();
        assertThat(refused.error()).isEqualTo("no response (status -1): net::ERR_CONNECTION_REFUSED");
        assertThat(refused.durationMicros()).isZero();
        assertThat(refused.timeToFirstByteMicros()).isEqualTo(-1);
    }
}
