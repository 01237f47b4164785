package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Imports {@code chrome-devtools.har}: hand-made in the shape of Chrome DevTools' "Save all as HAR with content"
 * (Chrome 124): alphabetically ordered entry keys, {@code _initiator}, {@code _priority}, {@code _resourceType},
 * {@code _fromCache}, {@code _transferSize}, {@code _error}, pages and pageref, HTTP/2 entries with "http/2.0" and
 * pseudo-headers in the request headers, {@code _blocked_queueing} and the service worker timings, repeated Set-Cookie
 * joined by a newline, a base64 image, a request blocked by an extension (status 0) and IPv6 "[::1]" server addresses.
 */
class ChromeHarImportTest {

    private static List<Interaction> read;

    @BeforeAll
    static void read() throws IOException {
        read = Fixtures.read("chrome-devtools.har");
    }

    @Test
    void readsEveryEntryInOrder() {
        assertThat(read).extracting(Interaction::sequence).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(read).extracting(i -> i.httpRequest().method()).containsExactly("GET", "GET", "POST", "GET", "GET");
        assertThat(read)
                .extracting(i -> i.httpRequest().target())
                .containsExactly(
                        "/orders?status=open&page=2",
                        "/v1/orders/42?expand=items",
                        "/v1/orders",
                        "/static/logo.png",
                        "/pixel.js?cb=123");
        assertThat(read).allSatisfy(i -> {
            assertThat(i.protocol()).isEqualTo("http");
            assertThat(i.direction()).isEqualTo(Direction.INBOUND);
            assertThat(i.client()).isEmpty();
        });
    }

    @Test
    void http11DocumentWithGzipAndCookies() {
        var document = read.get(0);
        assertThat(document.startedAt()).isEqualTo(Instant.parse("2024-05-14T09:12:03.510Z"));
        assertThat(document.server()).isEqualTo("[::1]:8080");
        assertThat(document.connection()).isEqualTo("81234");
        assertThat(document.durationMicros()).isEqualTo(25_417);
        // blocked + send + wait: Chrome starts the clock before the request is queued
        assertThat(document.timeToFirstByteMicros()).isEqualTo(3_012 + 123 + 20_846);
        assertThat(document.requestBytes()).isEqualTo(548);
        assertThat(document.responseBytes()).isEqualTo(401);
        assertThat(document.error()).isNull();

        var request = document.httpRequest();
        assertThat(request.version()).isEqualTo("HTTP/1.1");
        assertThat(Fixtures.names(request.headers()))
                .containsExactly(
                        "Accept",
                        "Accept-Encoding",
                        "Accept-Language",
                        "Connection",
                        "Cookie",
                        "Host",
                        "Sec-Fetch-Dest",
                        "Upgrade-Insecure-Requests",
                        "User-Agent");
        assertThat(request.headers().first("Cookie")).contains("session=<redacted>; theme=dark");
        assertThat(request.body().isEmpty()).isTrue();

        var response = document.httpResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.reason()).isEqualTo("OK");
        assertThat(response.headers().all("Set-Cookie"))
                .containsExactly("last_seen=2024-05-14; Path=/; Max-Age=86400", "visits=3; Path=/");
        assertThat(response.body().text()).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(response.body().size()).isEqualTo(181);
        assertThat(response.body().truncated()).isFalse();
        assertThat(response.body().contentEncoding()).isEqualTo("gzip");
    }

    @Test
    void http2FetchDropsPseudoHeadersAndUsesAuthorityAsHost() {
        var fetch = read.get(1);
        var request = fetch.httpRequest();
        assertThat(request.version()).isEqualTo("HTTP/2");
        assertThat(Fixtures.names(request.headers()))
                .containsExactly(
                        "Host", "accept", "accept-encoding", "authorization", "origin", "referer", "sec-fetch-mode");
        assertThat(request.headers().first("Host")).contains("api.example.com");
        assertThat(fetch.server()).isEqualTo("93.184.216.34:443");
        assertThat(fetch.durationMicros()).isEqualTo(101_512);
        // ssl is part of connect and not added twice
        assertThat(fetch.timeToFirstByteMicros()).isEqualTo(812 + 12_500 + 40_200 + 300 + 45_600);
        assertThat(fetch.requestBytes()).isZero();

        var response = fetch.httpResponse();
        assertThat(response.version()).isEqualTo("HTTP/2");
        assertThat(response.reason()).isEmpty();
        assertThat(response.body().text())
                .isEqualTo(
                        "{\"id\":42,\"status\":\"open\",\"items\":[{\"sku\":\"A-1\",\"qty\":2}],\"total\":\"19.90\"}");
        assertThat(response.body().contentEncoding()).isEqualTo("br");
    }

    @Test
    void postWithJsonBody() {
        var post = read.get(2);
        assertThat(post.httpRequest().body().text()).isEqualTo("{\"items\":[{\"sku\":\"A-1\",\"qty\":2}]}");
        assertThat(post.httpRequest().headers().first("content-type")).contains("application/json");
        assertThat(post.httpResponse().status()).isEqualTo(201);
        assertThat(post.httpResponse().headers().first("Location")).contains("/v1/orders/43");
        assertThat(post.httpResponse().body().contentEncoding()).isNull();
        assertThat(post.durationMicros()).isEqualTo(31_200);
        assertThat(post.timeToFirstByteMicros()).isEqualTo(400 + 200 + 30_000);
    }

    @Test
    void base64ImageFromDiskCache() {
        var image = read.get(3);
        var body = image.httpResponse().body();
        assertThat(body.length()).isEqualTo(70);
        assertThat(body.isText()).isFalse();
        assertThat(new String(body.bytes(), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        assertThat(image.responseBytes()).isZero();
        assertThat(image.server()).isEqualTo("[::1]:8080");
    }

    @Test
    void blockedRequestHasNoResponse() {
        var blocked = read.get(4);
        assertThat(blocked.response()).isNull();
        assertThat(blocked.error()).isEqualTo("no response (status 0): net::ERR_BLOCKED_BY_CLIENT");
        assertThat(blocked.httpRequest().version()).isEqualTo("HTTP/1.1");
        assertThat(blocked.connection()).isEqualTo("har-4");
        assertThat(blocked.server()).isEqualTo("ads.tracker.example:443");
        assertThat(blocked.timeToFirstByteMicros()).isEqualTo(-1);
        assertThat(blocked.durationMicros()).isZero();
    }
}
