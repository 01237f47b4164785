package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Imports {@code firefox.har}: hand-made in the shape of Firefox DevTools' "Save All As HAR" (Firefox 126): local-time
 * {@code startedDateTime} with a "+02:00" offset, whole-millisecond timings, "HTTP/1.1" and "HTTP/2" versions, the port
 * as {@code connection}, a bare IPv6 {@code serverIPAddress}, a form post with {@code postData.params} and no text, a
 * cached entry without {@code content.text} whose timings are -1, and {@code _securityState}.
 */
class FirefoxHarImportTest {

    private static List<Interaction> read;

    @BeforeAll
    static void read() throws IOException {
        read = Fixtures.read("firefox.har");
    }

    @Test
    void readsEveryEntryInOrder() {
        assertThat(read).extracting(i -> i.httpRequest().method()).containsExactly("GET", "POST", "GET", "GET");
        assertThat(read)
                .extracting(i -> i.httpRequest().target())
                .containsExactly("/login", "/login", "/static/app.css", "/lib/chart.min.js?v=4.4.1");
        assertThat(read).extracting(i -> i.httpResponse().status()).containsExactly(200, 303, 200, 200);
    }

    @Test
    void pageLoadWithLocalTimeOffset() {
        var page = read.get(0);
        assertThat(page.startedAt()).isEqualTo(Instant.parse("2024-05-14T09:15:20.114Z"));
        assertThat(page.server()).isEqualTo("127.0.0.1:8080");
        assertThat(page.connection()).isEqualTo("8080");
        assertThat(page.durationMicros()).isEqualTo(14_000);
        assertThat(page.timeToFirstByteMicros()).isEqualTo(14_000);
        assertThat(page.requestBytes()).isEqualTo(412);
        assertThat(page.responseBytes()).isEqualTo(117 + 245);
        assertThat(page.httpRequest().version()).isEqualTo("HTTP/1.1");
        assertThat(page.httpRequest().headers().size()).isEqualTo(8);
        assertThat(page.httpRequest().headers().first("Cookie")).contains("theme=dark");
        assertThat(page.httpResponse().body().text()).contains("<form method=\"post\">");
        assertThat(page.httpResponse().body().size()).isEqualTo(128);
    }

    @Test
    void formPostWithParamsOnlyIsRebuiltAsUrlEncodedBody() {
        var login = read.get(1);
        var request = login.httpRequest();
        assertThat(request.body().text()).isEqualTo("user=alice&password=%3Credacted%3E&next=%2Forders%3Fpage%3D2");
        assertThat(request.body().size()).isEqualTo(60);
        assertThat(request.headers().all("Content-Type")).containsExactly("application/x-www-form-urlencoded");

        var response = login.httpResponse();
        assertThat(response.reason()).isEqualTo("See Other");
        assertThat(response.headers().first("Location")).contains("/orders?page=2");
        assertThat(response.headers().first("Set-Cookie")).contains("session=<redacted>; Path=/; HttpOnly");
        assertThat(response.body().isEmpty()).isTrue();
        assertThat(login.durationMicros()).isEqualTo(40_000);
        assertThat(login.timeToFirstByteMicros()).isEqualTo(39_000);
    }

    @Test
    void cachedEntryWithoutTextIsATruncatedEmptyBodyOfTheRecordedSize() {
        var cached = read.get(2);
        var body = cached.httpResponse().body();
        assertThat(body.length()).isZero();
        assertThat(body.size()).isEqualTo(5120);
        assertThat(body.truncated()).isTrue();
        assertThat(cached.durationMicros()).isZero();
        assertThat(cached.timeToFirstByteMicros()).isZero();
        assertThat(cached.responseBytes()).isZero();
    }

    @Test
    void http2WithBareIpv6Address() {
        var script = read.get(3);
        assertThat(script.httpRequest().version()).isEqualTo("HTTP/2");
        assertThat(script.httpResponse().version()).isEqualTo("HTTP/2");
        assertThat(script.server()).isEqualTo("[2606:4700::6810:84e5]:443");
        assertThat(script.connection()).isEqualTo("443");
        assertThat(Fixtures.names(script.httpRequest().headers()))
                .containsExactly("Host", "User-Agent", "Accept", "Accept-Encoding", "Referer", "TE");
        assertThat(script.durationMicros()).isEqualTo(71_000);
        assertThat(script.timeToFirstByteMicros()).isEqualTo(2_000 + 11_000 + 21_000 + 33_000);
        assertThat(script.httpResponse().body().text())
                .isEqualTo("/*! chart.js */\n(function(){console.log('chart')})();");
        assertThat(script.httpResponse().body().contentEncoding()).isEqualTo("br");
    }
}
