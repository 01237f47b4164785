package dev.chaostesting.recording;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Varied interactions for format tests. */
final class SampleInteractions {

    private SampleInteractions() {}

    static List<Interaction> all() {
        var binary = new byte[300];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        var http = base(1).protocol("http")
                .request(HttpRequest.builder()
                        .method("POST")
                        .target("/api/items?x=1&y=%C3%A9")
                        .headers(Headers.of(
                                "Host",
                                "localhost:8080",
                                "Content-Type",
                                "application/json",
                                "X-Dup",
                                "a",
                                "X-Dup",
                                "b"))
                        .body(Body.ofText("{\"name\":\"caf\u00e9 \\\"quoted\\\"\\n\",\"n\":1}"))
                        .build())
                .response(HttpResponse.builder()
                        .status(201)
                        .reason("Created")
                        .headers(Headers.of("Content-Type", "application/octet-stream", "Content-Encoding", "gzip"))
                        .body(new Body(binary, 5000, true, "gzip"))
                        .trailers(Headers.of("X-Checksum", "abc"))
                        .interim(List.of(100))
                        .build())
                .attribute("note", "sample")
                .build();
        var tcp = base(2).protocol("tcp")
                .request(new TcpData(Body.of(binary)))
                .response(null)
                .error("server reset the connection")
                .build();
        var fields = new LinkedHashMap<String, Object>();
        fields.put("sql", "SELECT * FROM t WHERE id = $1");
        fields.put("parameters", List.of(42L, "x", true));
        fields.put("nested", Map.of("k", 1.5));
        fields.put("nothing", null);
        // Bodies nested in lists and maps (a Redis command with a binary argument, a cut value) read back as bodies.
        fields.put("command", List.of("SET", "k", new Body(binary, 5000, true, null)));
        fields.put("value", Map.of("bytes", Body.ofText("plain"), "text", "not a body"));
        var structured = base(3).protocol("postgresql")
                .direction(Direction.OUTBOUND)
                .request(new StructuredMessage(fields))
                .response(new StructuredMessage(Map.of("commandTag", "SELECT 1")))
                .build();
        var greeting = base(4).protocol("tcp")
                .request(null)
                .response(new TcpData(Body.ofText("220 ready\r\n")))
                .build();
        var http2 = base(5).protocol("http2")
                .request(HttpRequest.builder()
                        .method("GET")
                        .target("/h2")
                        .version("HTTP/2")
                        .headers(Headers.of(":authority", "example"))
                        .build())
                .response(HttpResponse.builder()
                        .status(200)
                        .reason("")
                        .version("HTTP/2")
                        .body(Body.ofText("two"))
                        .build())
                .attribute("streamId", "1")
                .build();
        return List.of(http, tcp, structured, greeting, http2);
    }

    static Interaction.Builder base(long sequence) {
        return Interaction.builder()
                .sequence(sequence)
                .connection("c" + sequence)
                .client("127.0.0.1:5000" + sequence)
                .server("[::1]:8080")
                .startedAt(Instant.parse("2026-11-24T10:15:30.123456Z"))
                .timeToFirstByteMicros(120)
                .durationMicros(450)
                .requestBytes(321)
                .responseBytes(654);
    }

    static Interaction numbered(long sequence, String body) {
        return base(sequence)
                .protocol("http")
                .request(HttpRequest.builder()
                        .target("/items/" + sequence)
                        .body(Body.ofText(body))
                        .build())
                .response(HttpResponse.builder()
                        .status(200)
                        .body(Body.ofText(body))
                        .build())
                .build();
    }
}
