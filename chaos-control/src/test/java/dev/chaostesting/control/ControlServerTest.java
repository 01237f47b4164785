package dev.chaostesting.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlServerTest {

    private static final String TOKEN = "0123456789abcdef0123";

    private ControlServer server;
    private Api api;

    @BeforeEach
    void start() throws IOException {
        server = ControlServer.start(ControlServer.Options.defaults().port(0));
        api = new Api(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void listens_on_loopback_and_answers_health_with_what_it_understands() {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        var health = api.get("/v1/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.raw().headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(health.json().path("status").asText()).isEqualTo("ok");
        assertThat(health.json().path("faultTypes").toString()).contains("\"latency\"", "\"reset\"", "\"down\"");
        assertThat(health.json().path("protocols").toString()).contains("\"http\"", "\"tcp\"");
    }

    @Test
    void refuses_a_non_loopback_address_without_a_token_in_one_line() {
        var options = ControlServer.Options.defaults().listen(new InetSocketAddress("0.0.0.0", 0));
        assertThatThrownBy(() -> ControlServer.start(options))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listen: 0.0.0.0 is not a loopback address: set a token (--token or CHAOS_TOKEN) to accept"
                        + " other hosts");
    }

    @Test
    void reads_a_listen_address_as_written_on_a_command_line() {
        var options = ControlServer.Options.defaults();
        assertThat(options.listen("127.0.0.1:7071").listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 7071));
        assertThat(options.listen(":0").listen().getAddress().isLoopbackAddress())
                .isTrue();
        assertThat(options.listen("7072").listen().getPort()).isEqualTo(7072);
        assertThat(options.listen("[::1]:7073").listen()).isEqualTo(new InetSocketAddress("::1", 7073));
        assertThatThrownBy(() -> options.listen("127.0.0.1:http"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listen: '127.0.0.1:http' (expected a port from 0 to 65535)");
        assertThatThrownBy(() -> options.listen("::1:7070"))
                .hasMessage("listen: '::1:7070' (expected host:port, with an IPv6 address in brackets)");
    }

    @Test
    void refuses_a_short_token() {
        assertThatThrownBy(() -> ControlServer.Options.defaults().token("secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: at least 16");
        assertThat(ControlServer.Options.defaults().token(TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void with_a_token_every_endpoint_but_health_and_the_document_needs_it() throws IOException {
        try (var secured =
                ControlServer.start(ControlServer.Options.defaults().port(0).token(TOKEN))) {
            var anonymous = new Api(secured);
            var missing = anonymous.get("/v1/interceptors");
            assertThat(missing.status()).isEqualTo(401);
            assertThat(missing.error()).isEqualTo("no token: send the header 'Authorization: Bearer <token>'");
            assertThat(missing.raw().headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer realm=\"chaos-testing\"");

            var wrong = anonymous.withToken(TOKEN + "x").post("/v1/interceptors", Map.of("port", 9));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.error()).isEqualTo("wrong token");
            assertThat(anonymous
                            .withToken(TOKEN.substring(1))
                            .get("/v1/interceptors")
                            .status())
                    .isEqualTo(401);
            // A bad token does not even reveal whether a route exists.
            assertThat(anonymous.get("/v1/nothing-here").status()).isEqualTo(401);
            assertThat(secured.interceptorCount()).isZero();

            assertThat(anonymous.withToken(TOKEN).get("/v1/interceptors").status())
                    .isEqualTo(200);
            assertThat(anonymous.get("/v1/health").status()).isEqualTo(200);
            assertThat(anonymous.get("/openapi.json").status()).isEqualTo(200);
        }
    }

    @Test
    void without_a_token_only_loopback_host_names_are_answered() throws IOException {
        assertThat(rawGet("evil.example:7070")).startsWith("HTTP/1.1 403").contains("is not a loopback name");
        assertThat(rawGet("192.168.1.20")).startsWith("HTTP/1.1 403");
        assertThat(rawGet("localhost:" + server.address().getPort())).startsWith("HTTP/1.1 200");
        assertThat(rawGet("127.0.0.1:" + server.address().getPort())).startsWith("HTTP/1.1 200");
        assertThat(rawGet("[::1]:" + server.address().getPort())).startsWith("HTTP/1.1 200");
    }

    @Test
    void errors_are_json_with_a_status_and_one_line() {
        var unknown = api.get("/v1/nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("no such endpoint: GET /v1/nothing (see GET /openapi.json)");

        var method = api.send(api.request("/v1/interceptors").PUT(java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.raw().headers().firstValue("Allow")).hasValue("GET, POST");

        var noInterceptor = api.get("/v1/interceptors/i999");
        assertThat(noInterceptor.status()).isEqualTo(404);
        assertThat(noInterceptor.error()).isEqualTo("no interceptor 'i999': list them with GET /v1/interceptors");

        var notJson = api.post("/v1/interceptors", "{\"port\": ");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.error()).startsWith("body is not JSON");

        var duplicate = api.post("/v1/interceptors", "{\"port\": 1, \"port\": 2}");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.error()).contains("Duplicate field 'port'");

        var text = api.send(api.request("/v1/interceptors")
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"port\": 1}")));
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.error()).isEqualTo("Content-Type: text/plain (expected: application/json)");

        var field = api.post("/v1/interceptors", Map.of("port", 1, "lisen", 0));
        assertThat(field.status()).isEqualTo(400);
        assertThat(field.error()).startsWith("unknown field 'lisen' (expected: ");

        var neither = api.post("/v1/interceptors", Map.of("record", true));
        assertThat(neither.status()).isEqualTo(400);
        assertThat(neither.error()).startsWith("say what to intercept with exactly one of: target");

        var port = api.post("/v1/interceptors", Map.of("port", 70000));
        assertThat(port.status()).isEqualTo(400);
        assertThat(port.error()).isEqualTo("port: 70000 (expected: a whole number from 1 to 65535)");

        // The core's own validation passes through as 400.
        var protocol = api.post("/v1/interceptors", Map.of("port", 1, "protocol", "gopher"));
        assertThat(protocol.status()).isEqualTo(400);
        assertThat(protocol.error())
                .startsWith("protocol: gopher (expected one of: ")
                .contains("http");

        var query = api.get("/v1/interceptors?sinse=3");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.error()).isEqualTo("unknown query parameter 'sinse' (expected: none)");

        var big = api.post("/v1/interceptors", "[" + "1,".repeat(600_000) + "1]");
        assertThat(big.status()).isEqualTo(413);
        assertThat(server.interceptorCount()).isZero();
    }

    @Test
    void a_listen_address_in_use_is_a_conflict() throws IOException {
        try (var taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var answer = api.post("/v1/interceptors", Map.of("port", 9, "listen", taken.getLocalPort()));
            assertThat(answer.status()).isEqualTo(409);
            assertThat(answer.error()).startsWith("listen: ").endsWith("(choose another port, or 0 for a free one)");
        }
    }

    @Test
    void closing_the_server_closes_its_interceptors() throws IOException {
        var created = List.of(api.create(Map.of("port", 9)), api.create(Map.of("port", 9)));
        server.close();
        for (var interceptor : created) {
            assertThatThrownBy(() -> new Socket(
                                    InetAddress.getLoopbackAddress(),
                                    interceptor.path("port").asInt())
                            .close())
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    /** A request with a chosen {@code Host} header, which the JDK's HTTP client does not allow setting. */
    private String rawGet(String host) throws IOException {
        try (var socket =
                new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /v1/interceptors HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
