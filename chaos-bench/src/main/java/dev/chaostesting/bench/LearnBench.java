package dev.chaostesting.bench;

import dev.chaostesting.codegen.GenerationOptions;
import dev.chaostesting.codegen.TestGeneration;
import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Headers;
import dev.chaostesting.model.HttpRequest;
import dev.chaostesting.model.HttpResponse;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.recording.RecordingWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Learning and generation at scale, for bench/learn.sh: writes a recording of N interactions shaped like a CRUD API
 * with a login (ids, timestamps, tokens, 404s and 409s, varied bodies; not timed), then times learning the model from
 * it and generating one suite, and reports the heap's peak. Run it with {@code -Xmx1g} to check the 1 GiB bound.
 *
 * <pre>
 * java -Xmx1g -cp chaos-bench.jar dev.chaostesting.bench.LearnBench --interactions 100000 --dir WORK [--language python]
 * </pre>
 */
public final class LearnBench {

    private LearnBench() {}

    public static void main(String[] args) throws IOException {
        int n = 100_000;
        Path dir = null;
        String language = "python";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--interactions" -> n = Integer.parseInt(args[i + 1]);
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--language" -> language = args[i + 1];
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (dir == null) {
            System.err.println("usage: --dir WORK [--interactions 100000] [--language python]");
            System.exit(2);
            return;
        }
        var rec = dir.resolve("recording");
        long written = write(rec, n);
        System.out.printf(Locale.ROOT, "recording: %d interactions, %.1f MB%n", written, size(rec) / 1e6);

        System.gc();
        long start = System.nanoTime();
        var model = BehaviourLearner.create().learn(Recording.open(rec));
        long learned = System.nanoTime();
        var result = TestGeneration.generate(model, GenerationOptions.of(language, dir.resolve("suite")));
        long generated = System.nanoTime();
        long peak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        double learnS = (learned - start) / 1e9;
        double genS = (generated - learned) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "learned %d endpoints in %.2f s, generated %d %s tests in %.2f s; total %.2f s; heap peak %.0f MB"
                        + " (max %d MB)%n",
                model.endpoints().size(),
                learnS,
                result.plan().testCount(),
                language,
                genS,
                learnS + genS,
                peak / 1e6,
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.out.printf(
                Locale.ROOT,
                "RESULT interactions=%d learn_s=%.2f generate_s=%.2f total_s=%.2f heap_peak_mb=%.0f max_heap_mb=%d%n",
                written,
                learnS,
                genS,
                learnS + genS,
                peak / 1e6,
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    /** Sessions of a shop API: login, create, read, update, list, a duplicate, delete, read 404. */
    private static long write(Path dir, int n) throws IOException {
        var info = RecordingInfo.started("bench", "synthetic shop", Map.of("mode", "synthetic"));
        long seq = 0;
        var at = Instant.parse("2026-11-24T00:00:00Z");
        try (var w = RecordingWriter.create(dir, info)) {
            int session = 0;
            while (seq < n) {
                session++;
                var token = "<redacted:sha256:" + String.format("%012x", session) + ">";
                var id = UUID.nameUUIDFromBytes(("item" + session).getBytes()).toString();
                var sku = "SKU-" + session;
                var created = at.plusMillis(seq).toString();
                var item = "{\"id\":\"" + id + "\",\"sku\":\"" + sku + "\",\"name\":\"Item " + session
                        + "\",\"price\":" + (session % 97 + 0.5) + ",\"tags\":[\"a\",\"b\"],\"createdAt\":\"" + created
                        + "\",\"updatedAt\":\"" + created + "\"}";
                seq = add(
                        w,
                        seq,
                        at,
                        "POST",
                        "/api/login",
                        null,
                        "{\"username\":\"u" + (session % 50) + "\",\"password\":\"<redacted>\"}",
                        200,
                        "{\"token\":\"" + token + "\"}");
                seq = add(
                        w,
                        seq,
                        at,
                        "POST",
                        "/api/items",
                        token,
                        "{\"sku\":\"" + sku + "\",\"name\":\"Item " + session + "\",\"price\":" + (session % 97 + 0.5)
                                + ",\"tags\":[\"a\",\"b\"]}",
                        201,
                        item);
                seq = add(w, seq, at, "GET", "/api/items/" + id, token, null, 200, item);
                seq = add(
                        w,
                        seq,
                        at,
                        "PUT",
                        "/api/items/" + id,
                        token,
                        "{\"sku\":\"" + sku + "\",\"name\":\"Item " + session + "b\",\"price\":1.5,\"tags\":[]}",
                        200,
                        item.replace("\"Item " + session + "\"", "\"Item " + session + "b\""));
                seq = add(
                        w,
                        seq,
                        at,
                        "GET",
                        "/api/items?limit=10&offset=" + (session % 5) * 10,
                        token,
                        null,
                        200,
                        "{\"items\":[" + item + "],\"total\":" + session + "}");
                seq = add(
                        w,
                        seq,
                        at,
                        "POST",
                        "/api/items",
                        token,
                        "{\"sku\":\"" + sku + "\",\"name\":\"x\"," + "\"price\":1,\"tags\":[]}",
                        409,
                        "{\"error\":\"conflict\",\"field\":\"sku\"}");
                seq = add(w, seq, at, "DELETE", "/api/items/" + id, token, null, 204, null);
                seq = add(
                        w,
                        seq,
                        at,
                        "GET",
                        "/api/items/" + id,
                        token,
                        null,
                        404,
                        "{\"error\":\"not_found\",\"id\":\"" + id + "\"}");
            }
        }
        return seq;
    }

    private static long add(
            RecordingWriter w,
            long seq,
            Instant base,
            String method,
            String target,
            String token,
            String requestJson,
            int status,
            String responseJson)
            throws IOException {
        var requestHeaders = Headers.builder().add("Host", "shop.local").add("Accept", "application/json");
        if (token != null) {
            requestHeaders.add("Authorization", "Bearer " + token);
        }
        if (requestJson != null) {
            requestHeaders.add("Content-Type", "application/json");
        }
        var responseHeaders = Headers.builder().add("Date", base.plusMillis(seq).toString());
        if (responseJson != null) {
            responseHeaders.add("Content-Type", "application/json");
        }
        long next = seq + 1;
        w.append(Interaction.builder()
                .sequence(next)
                .protocol("http")
                .direction(Direction.INBOUND)
                .connection("c" + (next % 64))
                .client("127.0.0.1:" + (40000 + next % 64))
                .server("127.0.0.1:8080")
                .startedAt(base.plusMillis(next))
                .timeToFirstByteMicros(800 + next % 300)
                .durationMicros(1000 + next % 500)
                .request(HttpRequest.builder()
                        .method(method)
                        .target(target)
                        .version("HTTP/1.1")
                        .headers(requestHeaders.build())
                        .body(requestJson == null ? Body.empty() : Body.ofText(requestJson))
                        .build())
                .response(HttpResponse.builder()
                        .status(status)
                        .reason("")
                        .version("HTTP/1.1")
                        .headers(responseHeaders.build())
                        .body(responseJson == null ? Body.empty() : Body.ofText(responseJson))
                        .build())
                .build());
        return next;
    }

    private static long size(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }
}
