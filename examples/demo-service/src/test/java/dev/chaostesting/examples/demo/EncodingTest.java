package dev.chaostesting.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EncodingTest {
    private DemoService service;
    private TestClient client;

    @BeforeEach
    void startWithEnoughBooksForALargeListing() throws IOException {
        service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = new TestClient(service.baseUri()).loggedIn();
        for (var i = 1; i <= 10; i++) {
            client.createBook("The Collected Short Stories, Volume " + i, "Various Authors", 2000 + i);
        }
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void largeResponsesAreGzippedWhenAsked() {
        var plain = client.get("/api/books");
        var zipped = client.get("/api/books", "Accept-Encoding", "gzip");

        assertThat(plain.header("Content-Encoding")).isNull();
        assertThat(plain.body().length).isGreaterThan(ResponseWriter.LARGE_BODY);
        assertThat(zipped.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(zipped.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(zipped.body().length).isLessThan(plain.body().length);
        // Identical once decompressed: a listing contains nothing regenerated per request.
        assertThat(zipped.json()).isEqualTo(plain.json());
    }

    @Test
    void largeSingleResourceIsGzippedWithAContentLength() {
        var tags = new StringBuilder();
        for (var i = 0; i < BookInput.MAX_TAGS; i++) {
            tags.append(i == 0 ? "" : ",")
                    .append("\"tag-")
                    .append("x".repeat(30))
                    .append(i)
                    .append('"');
        }
        var body = "{\"title\":\"" + "T".repeat(BookInput.MAX_TITLE) + "\",\"author\":\"A\",\"year\":2000,\"tags\":["
                + tags + "]}";
        var id = client.send("POST", "/api/books", body).json().get("id").asText();

        var zipped = client.get("/api/books/" + id, "Accept-Encoding", "deflate, gzip;q=0.8");

        assertThat(zipped.status()).isEqualTo(200);
        assertThat(zipped.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(zipped.header("Content-Length")).isEqualTo(String.valueOf(zipped.body().length));
        assertThat(zipped.json().get("tags")).hasSize(BookInput.MAX_TAGS);
    }

    @Test
    void smallResponsesAndRefusingClientsGetIdentity() {
        assertThat(client.get("/health", "Accept-Encoding", "gzip").header("Content-Encoding"))
                .isNull();
        assertThat(client.get("/api/books", "Accept-Encoding", "gzip;q=0").header("Content-Encoding"))
                .isNull();
        assertThat(client.get("/api/books", "Accept-Encoding", "br").header("Content-Encoding"))
                .isNull();
    }

    @Test
    void largeListingIsChunkedAndTheConnectionIsKeptAlive() throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), service.port())) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            var in = socket.getInputStream();
            var token = loginToken();

            out.write(("GET /api/books HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var listing = RawResponse.read(in);

            assertThat(listing.status()).isEqualTo(200);
            assertThat(listing.headers()).containsEntry("transfer-encoding", "chunked");
            assertThat(listing.headers()).doesNotContainKey("content-length");
            assertThat(listing.chunks()).isGreaterThan(1);
            assertThat(TestClient.MAPPER.readTree(listing.body()).get("total").asInt())
                    .isEqualTo(10);

            // The same socket serves the next request: the chunked response was properly terminated.
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var health = RawResponse.read(in);
            assertThat(health.status()).isEqualTo(200);
            assertThat(new String(health.body(), StandardCharsets.UTF_8)).isEqualTo("{\"status\":\"ok\"}");
        }
    }

    private String loginToken() {
        return client.send("POST", "/api/login", "{\"username\":\"bob\",\"password\":\"builder\"}")
                .json()
                .get("token")
                .asText();
    }

    /** Just enough of an HTTP/1.1 response parser to see the framing the client library hides. */
    private record RawResponse(int status, Map<String, String> headers, byte[] body, int chunks) {
        static RawResponse read(InputStream in) throws IOException {
            var statusLine = line(in);
            var status = Integer.parseInt(statusLine.split(" ")[1]);
            var headers = new LinkedHashMap<String, String>();
            for (var line = line(in); !line.isEmpty(); line = line(in)) {
                var colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip());
            }
            if ("chunked".equals(headers.get("transfer-encoding"))) {
                var body = new ByteArrayOutputStream();
                var chunks = 0;
                for (var size = Integer.parseInt(line(in), 16); size > 0; size = Integer.parseInt(line(in), 16)) {
                    body.write(in.readNBytes(size));
                    line(in);
                    chunks++;
                }
                line(in);
                return new RawResponse(status, headers, body.toByteArray(), chunks);
            }
            var length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            return new RawResponse(status, headers, in.readNBytes(length), 0);
        }

        private static String line(InputStream in) throws IOException {
            var line = new ByteArrayOutputStream();
            for (var b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed mid-line");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
