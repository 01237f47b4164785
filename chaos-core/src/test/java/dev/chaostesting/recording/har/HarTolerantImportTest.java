package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Har;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Import accepts what real HAR files contain even when it bends the spec. */
class HarTolerantImportTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
        "HTTP/1.1, HTTP/1.1",
        "http/1.1, HTTP/1.1",
        "HTTP/1.0, HTTP/1.0",
        "HTTP/2.0, HTTP/2",
        "http/2.0, HTTP/2",
        "h2, HTTP/2",
        "HTTP/2, HTTP/2",
        "h3, HTTP/3",
        "http/3.0, HTTP/3",
        "'', HTTP/1.1",
        "unknown, HTTP/1.1"
    })
    void normalisesHttpVersions(String version, String expected) throws IOException {
        var i = only("{\"request\": {\"method\": \"GET\", \"url\": \"http://h/\", \"httpVersion\": \"" + version
                + "\"}, \"response\": {\"status\": 200, \"httpVersion\": \"" + version + "\"}}");

        assertThat(i.httpRequest().version()).isEqualTo(expected);
        assertThat(i.httpResponse().version()).isEqualTo(expected);
    }

    @Test
    void anEmptyVersionWithPseudoHeadersIsHttp2() throws IOException {
        var i = only(
                "{\"request\": {\"method\": \"GET\", \"url\": \"https://h/a\", \"httpVersion\": \"\", \"headers\": ["
                        + "{\"name\": \":method\", \"value\": \"GET\"}, {\"name\": \":authority\", \"value\": \"h\"},"
                        + "{\"name\": \"Host\", \"value\": \"h.example\"}]}, \"response\": {\"status\": 204}}");

        assertThat(i.httpRequest().version()).isEqualTo("HTTP/2");
        // a Host header wins over :authority
        assertThat(i.httpRequest().headers().all("Host")).containsExactly("h.example");
        assertThat(i.httpRequest().headers().size()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2024-05-14T09:12:03Z, 2024-05-14T09:12:03Z",
        "2024-05-14T11:12:03.5+02:00, 2024-05-14T09:12:03.500Z",
        "2024-05-14T09:12:03.123456789Z, 2024-05-14T09:12:03.123456789Z",
        "2024-05-14T04:12:03.1-05:00, 2024-05-14T09:12:03.100Z",
        "2024-05-14T10:12:03.000+0100, 2024-05-14T09:12:03Z",
        "2024-05-14T09:12:03.250, 2024-05-14T09:12:03.250Z",
        "2024-05-14t09:12:03.250z, 2024-05-14T09:12:03.250Z",
        "2024-05-14T11:12:03.1234567+02:00, 2024-05-14T09:12:03.123456700Z"
    })
    void readsStartedDateTimeWithAnyOffsetAndPrecision(String date, String expected) throws IOException {
        var i = only(
                "{\"startedDateTime\": \"" + date + "\", \"request\": {\"method\": \"GET\", \"url\": \"http://h/\"},"
                        + " \"response\": {\"status\": 200}}");

        assertThat(i.startedAt()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void aMinimalEntryGetsDefaults() throws IOException {
        var i = only(
                "{\"request\": {\"method\": \"GET\", \"url\": \"http://example.com/x?y\"}, \"response\": {\"status\": 200}}");

        assertThat(i.sequence()).isEqualTo(1);
        assertThat(i.startedAt()).isEqualTo(Instant.EPOCH);
        assertThat(i.connection()).isEqualTo("har-0");
        assertThat(i.server()).isEqualTo("example.com:80");
        assertThat(i.durationMicros()).isZero();
        assertThat(i.timeToFirstByteMicros()).isEqualTo(-1);
        assertThat(i.httpRequest().target()).isEqualTo("/x?y");
        assertThat(i.httpRequest().version()).isEqualTo("HTTP/1.1");
        assertThat(i.httpRequest().headers().isEmpty()).isTrue();
        assertThat(i.httpResponse().reason()).isEmpty();
        assertThat(i.httpResponse().body().isEmpty()).isTrue();
        assertThat(i.httpResponse().body().truncated()).isFalse();
    }

    @Test
    void withoutTimeTheTimingsAddUp() throws IOException {
        var i = only("{\"request\": {\"method\": \"GET\", \"url\": \"http://h/\"}, \"response\": {\"status\": 200},"
                + " \"time\": -1, \"timings\": {\"blocked\": 1.5, \"dns\": -1, \"connect\": 2, \"ssl\": 1, \"send\": 0.25,"
                + " \"wait\": 10, \"receive\": 3.0005}}");

        assertThat(i.durationMicros()).isEqualTo(1_500 + 2_000 + 250 + 10_000 + 3_001);
        assertThat(i.timeToFirstByteMicros()).isEqualTo(1_500 + 2_000 + 250 + 10_000);
    }

    @Test
    void withoutWaitTheFirstByteIsBeforeReceive() throws IOException {
        var i = only("{\"request\": {\"method\": \"GET\", \"url\": \"http://h/\"}, \"response\": {\"status\": 200},"
                + " \"time\": 20, \"timings\": {\"send\": -1, \"wait\": -1, \"receive\": 5}}");

        assertThat(i.durationMicros()).isEqualTo(20_000);
        assertThat(i.timeToFirstByteMicros()).isEqualTo(15_000);
    }

    @Test
    void multipartParamsAreRebuiltWithTheirBoundary() throws IOException {
        var i = only("{\"request\": {\"method\": \"POST\", \"url\": \"http://h/upload\", \"postData\": {"
                + "\"mimeType\": \"multipart/form-data; boundary=\\\"XyZ\\\"\", \"params\": ["
                + "{\"name\": \"title\", \"value\": \"Holiday\"},"
                + "{\"name\": \"photo\", \"value\": \"JPEG...\", \"fileName\": \"a.jpg\", \"contentType\": \"image/jpeg\"}]}},"
                + " \"response\": {\"status\": 201}}");

        assertThat(i.httpRequest().body().text())
                .isEqualTo("--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHoliday\r\n"
                        + "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
                        + "Content-Type: image/jpeg\r\n\r\nJPEG...\r\n--XyZ--\r\n");
        // no Content-Type header in the entry: the postData MIME type stands in
        assertThat(i.httpRequest().headers().first("Content-Type")).contains("multipart/form-data; boundary=\"XyZ\"");
    }

    @Test
    void aBodyTheToolDidNotKeepIsTruncatedToItsSize() throws IOException {
        var i = only("{\"request\": {\"method\": \"PUT\", \"url\": \"http://h/big\", \"bodySize\": 1048576},"
                + " \"response\": {\"status\": 200, \"content\": {\"size\": 0, \"mimeType\": \"text/plain\"}}}");

        assertThat(i.httpRequest().body().size()).isEqualTo(1_048_576);
        assertThat(i.httpRequest().body().truncated()).isTrue();
        assertThat(i.httpResponse().body().truncated()).isFalse();
    }

    @Test
    void base64PostDataAndCookiesWithoutACookieHeader() throws IOException {
        var i = only("{\"request\": {\"method\": \"POST\", \"url\": \"http://h/\", \"cookies\": ["
                + "{\"name\": \"a\", \"value\": \"1\"}, {\"name\": \"b\", \"value\": \"2\", \"httpOnly\": true}],"
                + " \"postData\": {\"mimeType\": \"application/octet-stream\", \"text\": \"AAEC/w==\", \"encoding\": \"base64\"}},"
                + " \"response\": {\"status\": 200}}");

        assertThat(i.httpRequest().body().bytes()).containsExactly(0, 1, 2, 0xff);
        assertThat(i.httpRequest().headers().first("Cookie")).contains("a=1; b=2");
    }

    @Test
    void urlsWithoutPathWithUserInfoFragmentOrNoServer() throws IOException {
        var entries = Har.read(
                har(
                        "{\"request\": {\"method\": \"GET\", \"url\": \"https://user:pw@example.com?x=1#top\"}, \"response\": {\"status\": 200}}",
                        "{\"request\": {\"method\": \"GET\", \"url\": \"http://[2001:db8::1]:8443\"}, \"response\": {\"status\": 200}}",
                        "{\"request\": {\"method\": \"GET\", \"url\": \"/relative?q\", \"headers\": [{\"name\": \"Host\", \"value\": \"h\"}]},"
                                + " \"response\": {\"status\": 200}}",
                        "{\"request\": {\"method\": \"GET\", \"url\": \"data:text/plain,hi\"}, \"response\": {\"status\": 200}}"));

        assertThat(entries)
                .extracting(i -> i.httpRequest().target())
                .containsExactly("/?x=1", "/", "/relative?q", "data:text/plain,hi");
        assertThat(entries)
                .extracting(Interaction::server)
                .containsExactly("example.com:443", "[2001:db8::1]:8443", "", "");
    }

    @Test
    void ignoresCommentsUnknownCustomFieldsAndFieldOrder() throws IOException {
        var json = "{\"_exportedBy\": {\"nested\": [1, {\"x\": null}]}, \"log\": {\"comment\": \"c\", \"entries\": ["
                + "{\"_custom\": [true], \"comment\": \"e\", \"request\": {\"_x\": 1, \"comment\": \"r\", \"method\": \"GET\","
                + " \"url\": \"http://h/\", \"headers\": [{\"name\": \"A\", \"value\": \"1\", \"comment\": \"h\"},"
                + " {\"name\": \"B\"}]}, \"response\": {\"status\": 200, \"comment\": \"s\", \"_y\": {\"z\": 2},"
                + " \"content\": {\"size\": 2, \"text\": \"ok\", \"comment\": \"t\", \"_z\": 1}}, \"timings\": {\"comment\": \"x\","
                + " \"send\": 1, \"wait\": 2, \"receive\": 3}}], \"creator\": {\"name\": \"x\", \"version\": \"1\"},"
                + " \"version\": \"1.2\"}, \"_after\": 1}";

        var i = Har.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
                .get(0);

        assertThat(i.httpRequest().headers().entries())
                .extracting(e -> e.getKey() + "=" + e.getValue())
                .containsExactly("A=1", "B=");
        assertThat(i.httpResponse().body().text()).isEqualTo("ok");
        assertThat(i.durationMicros()).isEqualTo(6_000);
    }

    @Test
    void readsEntriesOneAtATimeAndLeavesTheStreamOpen() throws IOException {
        var closed = new boolean[1];
        var in =
                new ByteArrayInputStream(har(
                                "{\"request\": {\"method\": \"GET\", \"url\": \"http://h/1\"}, \"response\": {\"status\": 200}}",
                                "{\"request\": {\"method\": \"GET\", \"url\": \"http://h/2\"}, \"response\": {\"status\": 200}}")
                        .readAllBytes()) {
                    @Override
                    public void close() {
                        closed[0] = true;
                    }
                };
        var targets = new java.util.ArrayList<String>();

        long count = Har.read(
                in,
                "two.har",
                i -> targets.add(i.sequence() + " " + i.httpRequest().target()));

        assertThat(count).isEqualTo(2);
        assertThat(targets).containsExactly("1 /1", "2 /2");
        assertThat(closed[0]).isFalse();
    }

    @Test
    void readsAFileWithAByteOrderMark() throws IOException {
        var json = har("{\"request\": {\"method\": \"GET\", \"url\": \"http://h/\"}, \"response\": {\"status\": 200}}")
                .readAllBytes();
        var withBom = new byte[json.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(json, 0, withBom, 3, json.length);

        assertThat(Har.read(new ByteArrayInputStream(withBom))).hasSize(1);
    }

    private static Interaction only(String entry) throws IOException {
        var read = Har.read(har(entry));
        assertThat(read).hasSize(1);
        return read.get(0);
    }

    static ByteArrayInputStream har(String... entries) {
        var json =
                "{\"log\": {\"version\": \"1.2\", \"creator\": {\"name\": \"test\", \"version\": \"1\"}, \"entries\": ["
                        + String.join(",", entries) + "]}}";
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }
}
