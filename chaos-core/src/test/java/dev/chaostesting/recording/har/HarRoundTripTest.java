package dev.chaostesting.recording.har;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chaostesting.internal.recording.Json;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.recording.Har;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Export then import gives back the same interactions, and the export is valid HAR 1.2 that other tools can read. */
class HarRoundTripTest {

    private static final Instant T0 = Instant.parse("2024-05-14T09:12:03.123456Z");
    private static final byte[] BINARY = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, (byte) 0xfe, 1, 2, 3};

    private static List<Interaction> originals;
    private static byte[] har;
    private static JsonNode root;
    private static long written;

    @BeforeAll
    static void export() throws IOException {
        originals = interactions();
        var tcp = Interaction.builder()
                .sequence(originals.size() + 1)
                .protocol("tcp")
                .request(new TcpData(Body.ofText("PING\r\n")))
                .build();
        var out = new ByteArrayOutputStream();
        written = Har.write(Stream.concat(originals.stream(), Stream.of(tcp)), out);
        har = out.toByteArray();
        root = Json.MAPPER.readTree(har);
    }

    @Test
    void writesOnlyHttpInteractionsAsValidHar12() {
        assertThat(written).isEqualTo(originals.size());
        HarSpec.assertValid(root);
        assertThat(root.path("log").path("entries").size()).isEqualTo(originals.size());
        assertThat(root.path("log").path("creator").path("name").asText()).isEqualTo("chaos-testing");
        assertThat(root.path("log").path("creator").path("version").asText()).isNotBlank();
    }

    @Test
    void readsBackTheSameInteractions() throws IOException {
        var read = Har.read(new ByteArrayInputStream(har));

        assertThat(read).hasSameSizeAs(originals);
        for (int i = 0; i < originals.size(); i++) {
            assertThat(read.get(i)).as("interaction %d", i + 1).isEqualTo(originals.get(i));
        }
    }

    @Test
    void describesRequestsTheWayHarToolsExpect() {
        var get = entry(0).path("request");
        assertThat(get.path("url").asText()).isEqualTo("http://shop.local:8080/users?id=7&full=true&name=J%C3%BCrgen");
        assertThat(get.path("queryString").toString())
                .isEqualTo("[{\"name\":\"id\",\"value\":\"7\"},{\"name\":\"full\",\"value\":\"true\"},"
                        + "{\"name\":\"name\",\"value\":\"Jürgen\"}]");
        assertThat(get.path("cookies").toString())
                .isEqualTo("[{\"name\":\"session\",\"value\":\"<redacted>\"},{\"name\":\"theme\",\"value\":\"dark\"}]");
        assertThat(get.has("postData")).isFalse();
        assertThat(get.path("headersSize").asLong())
                .isEqualTo(("GET /users?id=7&full=true&name=J%C3%BCrgen HTTP/1.1\r\n"
                                + "Host: shop.local:8080\r\nAccept: application/json\r\n"
                                + "Cookie: session=<redacted>; theme=dark\r\n\r\n")
                        .length());

        var post = entry(1).path("request");
        assertThat(post.path("postData").path("mimeType").asText()).isEqualTo("application/json");
        assertThat(post.path("postData").path("text").asText()).isEqualTo("{\"name\":\"Ann\"}");
        assertThat(post.path("bodySize").asLong()).isEqualTo(14);

        var binary = entry(2);
        assertThat(binary.path("request").path("postData").path("text").asText())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString(BINARY));
        assertThat(binary.path("_chaos").path("request").path("encoding").asText())
                .isEqualTo("base64");
    }

    @Test
    void describesResponsesTheWayHarToolsExpect() {
        var ok = entry(0).path("response");
        assertThat(ok.path("status").asInt()).isEqualTo(200);
        assertThat(ok.path("statusText").asText()).isEqualTo("OK");
        assertThat(ok.path("content").path("mimeType").asText()).isEqualTo("application/json");
        assertThat(ok.path("content").path("text").asText()).isEqualTo("{\"id\":7}");
        var cookie = ok.path("cookies").get(0);
        assertThat(cookie.path("name").asText()).isEqualTo("sid");
        assertThat(cookie.path("path").asText()).isEqualTo("/");
        assertThat(cookie.path("httpOnly").asBoolean()).isTrue();
        assertThat(cookie.path("expires").asText()).isEqualTo("2030-10-21T07:28:00Z");

        assertThat(entry(1).path("response").path("redirectURL").asText()).isEqualTo("/users/8");

        var binary = entry(2).path("response").path("content");
        assertThat(binary.path("encoding").asText()).isEqualTo("base64");
        assertThat(binary.path("size").asLong()).isEqualTo(BINARY.length);

        var gzip = entry(3);
        assertThat(gzip.path("response").path("content").path("size").asLong()).isEqualTo(26);
        assertThat(gzip.path("response").path("bodySize").asLong()).isEqualTo(20);
        assertThat(gzip.path("response").path("content").path("compression").asLong())
                .isEqualTo(6);
        assertThat(gzip.path("_chaos").path("response").path("contentEncoding").asText())
                .isEqualTo("gzip");

        var truncated = entry(4);
        assertThat(truncated.path("response").path("content").path("size").asLong())
                .isEqualTo(1000);
        assertThat(truncated.path("_chaos").path("response").path("truncated").asBoolean())
                .isTrue();
    }

    @Test
    void writesTimingsConnectionAndServer() {
        var first = entry(0);
        assertThat(first.path("startedDateTime").asText()).isEqualTo("2024-05-14T09:12:03.123456Z");
        assertThat(first.path("time").decimalValue()).isEqualByComparingTo("12.345");
        assertThat(first.path("timings").path("wait").decimalValue()).isEqualByComparingTo("10.001");
        assertThat(first.path("timings").path("receive").decimalValue()).isEqualByComparingTo("2.344");
        assertThat(first.path("serverIPAddress").asText()).isEqualTo("10.0.0.5");
        assertThat(first.path("connection").asText()).isEqualTo("c1");
        assertThat(first.path("_chaos").path("server").asText()).isEqualTo("10.0.0.5:8080");

        var ipv6 = entries().stream()
                .filter(e -> e.path("_chaos").path("server").asText().startsWith("["))
                .findFirst()
                .orElseThrow();
        assertThat(ipv6.path("serverIPAddress").asText()).isEqualTo("[::1]");
        assertThat(ipv6.path("request").path("url").asText()).startsWith("http://[::1]:9000/");
    }

    @Test
    void writesAMissingResponseAsStatusZeroLikeBrowsers() {
        var failed = entries().stream()
                .filter(e -> e.path("_chaos").path("error").asText().equals("connection reset by peer"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.path("response").path("status").asInt()).isZero();
        assertThat(failed.path("_chaos").path("timeToFirstByteMicros").asLong()).isEqualTo(-1);
        assertThat(failed.path("timings").path("wait").decimalValue()).isEqualByComparingTo("5");
    }

    private static JsonNode entry(int index) {
        return root.path("log").path("entries").get(index);
    }

    private static List<JsonNode> entries() {
        var list = new ArrayList<JsonNode>();
        root.path("log").path("entries").forEach(list::add);
        return list;
    }

    /** One of each shape an HTTP interaction takes in a recording. */
    static List<Interaction> interactions() {
        var list = new ArrayList<Interaction>();
        // 1: GET with a query and cookies
        list.add(base(list, "c1")
                .startedAt(T0)
                .timeToFirstByteMicros(10_001)
                .durationMicros(12_345)
                .requestBytes(150)
                .responseBytes(210)
                .request(HttpRequest.builder()
                        .target("/users?id=7&full=true&name=J%C3%BCrgen")
                        .headers(Headers.of(
                                "Host", "shop.local:8080",
                                "Accept", "application/json",
                                "Cookie", "session=<redacted>; theme=dark"))
                        .build())
                .response(HttpResponse.builder()
                        .reason("OK")
                        .headers(Headers.of(
                                "Content-Type", "application/json",
                                "Set-Cookie", "sid=<redacted>; Path=/; HttpOnly; Expires=Mon, 21 Oct 2030 07:28:00 GMT",
                                "Set-Cookie", "lang=en; Secure; SameSite=Lax",
                                "Content-Length", "8"))
                        .body(Body.ofText("{\"id\":7}"))
                        .build())
                .build());
        // 2: POST JSON, 201 with Location
        list.add(base(list, "c1")
                .timeToFirstByteMicros(3_000)
                .durationMicros(3_500)
                .request(HttpRequest.builder()
                        .method("POST")
                        .target("/users")
                        .headers(Headers.of(
                                "Host", "shop.local:8080", "Content-Type", "application/json", "Content-Length", "14"))
                        .body(Body.ofText("{\"name\":\"Ann\"}"))
                        .build())
                .response(HttpResponse.builder()
                        .status(201)
                        .reason("Created")
                        .headers(Headers.of("Location", "/users/8", "Content-Length", "0"))
                        .build())
                .build());
        // 3: binary both ways
        list.add(base(list, "c2")
                .timeToFirstByteMicros(900)
                .durationMicros(1_000)
                .request(HttpRequest.builder()
                        .method("PUT")
                        .target("/blobs/1")
                        .headers(Headers.of("Host", "shop.local", "Content-Type", "application/octet-stream"))
                        .body(Body.of(BINARY))
                        .build())
                .response(HttpResponse.builder()
                        .reason("OK")
                        .headers(Headers.of("Content-Type", "image/png"))
                        .body(Body.of(BINARY))
                        .build())
                .build());
        // 4: a gzip body stored decoded
        var gzipHead = Headers.of("Content-Type", "text/plain; charset=utf-8", "Content-Encoding", "gzip");
        long gzipHeadSize = ("HTTP/1.1 200 OK\r\n\r\n".length()
                + "Content-Type: text/plain; charset=utf-8\r\n".length()
                + "Content-Encoding: gzip\r\n".length());
        list.add(base(list, "c3")
                .timeToFirstByteMicros(0)
                .durationMicros(0)
                .responseBytes(gzipHeadSize + 20)
                .request(HttpRequest.builder()
                        .headers(Headers.of("Host", "shop.local"))
                        .build())
                .response(HttpResponse.builder()
                        .reason("OK")
                        .headers(gzipHead)
                        .body(Body.ofText("hello hello hello hello!!\n").withContentEncoding("gzip"))
                        .build())
                .build());
        // 5: truncated bodies, the request's cut inside a UTF-8 sequence
        var cut = "é".getBytes(StandardCharsets.UTF_8);
        list.add(base(list, "c3")
                .timeToFirstByteMicros(1)
                .durationMicros(2)
                .request(HttpRequest.builder()
                        .method("POST")
                        .target("/upload")
                        .headers(Headers.of("Host", "shop.local", "Transfer-Encoding", "chunked"))
                        .body(new Body(new byte[] {'a', cut[0]}, 5_000, true, null))
                        .trailers(Headers.of("X-Checksum", "abc"))
                        .build())
                .response(HttpResponse.builder()
                        .reason("OK")
                        .body(new Body("0123456789".getBytes(StandardCharsets.UTF_8), 1000, true, "deflate"))
                        .trailers(Headers.of("Server-Timing", "db;dur=53"))
                        .build())
                .build());
        // 6: 204, HEAD, repeated headers and odd cases of names
        list.add(base(list, "c4")
                .request(HttpRequest.builder()
                        .method("DELETE")
                        .target("/users/8")
                        .headers(Headers.of(
                                "host", "shop.local", "X-Forwarded-For", "1.1.1.1", "x-forwarded-for", "2.2.2.2"))
                        .build())
                .response(HttpResponse.builder()
                        .status(204)
                        .reason("No Content")
                        .headers(Headers.of("Vary", "Accept", "Vary", "Origin", "vary", "Cookie"))
                        .build())
                .build());
        list.add(base(list, "c4")
                .request(HttpRequest.builder()
                        .method("HEAD")
                        .target("/docs/a b ")
                        .headers(Headers.of("Host", "shop.local"))
                        .build())
                .response(HttpResponse.builder()
                        .reason("OK")
                        .headers(Headers.of("Content-Length", "5120", "Content-Type", "text/html"))
                        .build())
                .build());
        // 8: unicode in target, headers and body; HTTP/1.0; outbound
        list.add(base(list, "c5")
                .direction(Direction.OUTBOUND)
                .request(HttpRequest.builder()
                        .method("PATCH")
                        .target("/caf\u00e9/\u4e16\u754c?q=\u00fc")
                        .version("HTTP/1.0")
                        .headers(Headers.of("Host", "api.internal", "X-Name", "J\u00fcrgen"))
                        .body(Body.ofText("h\u00e9llo \u4e16\u754c \ud83c\udf89"))
                        .build())
                .response(HttpResponse.builder()
                        .version("HTTP/1.0")
                        .reason("D'accord \u2713")
                        .body(Body.ofText("\ud83d\udc4d"))
                        .build())
                .build());
        // 9: 100-continue
        list.add(base(list, "c6")
                .request(HttpRequest.builder()
                        .method("POST")
                        .target("/files")
                        .headers(Headers.of("Host", "shop.local", "Expect", "100-continue"))
                        .body(Body.ofText("data"))
                        .build())
                .response(HttpResponse.builder()
                        .reason("OK")
                        .interim(List.of(100))
                        .build())
                .build());
        // 10: no response
        list.add(base(list, "c7")
                .timeToFirstByteMicros(-1)
                .durationMicros(5_000)
                .requestBytes(40)
                .request(HttpRequest.builder()
                        .target("/slow")
                        .headers(Headers.of("Host", "shop.local"))
                        .build())
                .error("connection reset by peer")
                .build());
        // 11: a protocol switch, with attributes; IPv6 addresses and no Host header
        list.add(base(list, "c8")
                .client("[::1]:51000")
                .server("[::1]:9000")
                .attribute("upgrade", "websocket")
                .attribute("frames", "3")
                .request(HttpRequest.builder()
                        .target("/ws")
                        .headers(Headers.of("Upgrade", "websocket", "Connection", "Upgrade"))
                        .build())
                .response(HttpResponse.builder()
                        .status(101)
                        .reason("Switching Protocols")
                        .headers(Headers.of("Upgrade", "websocket"))
                        .build())
                .build());
        // 12: targets a URL cannot carry as they are: absolute-form, asterisk, fragment
        list.add(base(list, "c9")
                .request(HttpRequest.builder()
                        .target("http://other.example:81/x?y=1")
                        .headers(Headers.of("Host", "other.example:81"))
                        .build())
                .response(HttpResponse.builder().reason("OK").build())
                .build());
        list.add(base(list, "c9")
                .request(HttpRequest.builder()
                        .method("OPTIONS")
                        .target("*")
                        .headers(Headers.of("Host", "shop.local"))
                        .build())
                .response(HttpResponse.builder().reason("OK").build())
                .build());
        list.add(base(list, "c9")
                .request(HttpRequest.builder()
                        .target("/page#section")
                        .headers(Headers.of("Host", "shop.local"))
                        .build())
                .response(HttpResponse.builder().status(404).build())
                .build());
        // 15: a first byte later than the end (clock skew) and a response without a first byte time
        list.add(base(list, "c10")
                .startedAt(Instant.parse("2024-05-14T09:12:04Z"))
                .timeToFirstByteMicros(900)
                .durationMicros(800)
                .request(HttpRequest.builder()
                        .headers(Headers.of("Host", "shop.local"))
                        .build())
                .response(HttpResponse.builder().reason("OK").build())
                .error("response cut short")
                .build());
        list.add(base(list, "c10")
                .startedAt(Instant.parse("2024-05-14T09:12:04.000000001Z"))
                .timeToFirstByteMicros(1_500)
                .durationMicros(1_500)
                .request(HttpRequest.builder()
                        .headers(Headers.of("Host", "shop.local"))
                        .build())
                .error("response not understood")
                .build());
        return list;
    }

    private static Interaction.Builder base(List<Interaction> list, String connection) {
        int n = list.size() + 1;
        return Interaction.builder()
                .sequence(n)
                .protocol("http")
                .connection(connection)
                .client("192.168.1.20:" + (50_000 + n))
                .server("10.0.0.5:8080")
                .startedAt(T0.plusMillis(n * 10L))
                .timeToFirstByteMicros(700 + n)
                .durationMicros(1_000 + n * 3L)
                .requestBytes(100 + n)
                .responseBytes(200 + n);
    }
}
