package dev.chaostesting.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.chaostesting.Interceptor;
import dev.chaostesting.codegen.SuiteRunner.Selection;
import dev.chaostesting.control.ControlServer;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.examples.demo.InventoryService;
import dev.chaostesting.learn.BehaviourLearner;
import dev.chaostesting.learn.BehaviourModel;
import dev.chaostesting.learn.ModelJson;
import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.recording.RecordingInfo;
import dev.chaostesting.recording.RecordingWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chaos proof: the demo bookshop and its stock service are recorded through real interceptors (inbound, and
 * outbound in front of the stock service, into one recording), learned, and generated; the generated chaos tests
 * then run against a fresh bookshop that reaches its stock service directly, with a real control API creating the
 * transparent interceptor: they pass. Against a bookshop whose stock client hides failures and gives up too soon,
 * they fail naming the endpoint and the fault. Without a control API they are skipped and the functional tests pass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosGenerationTest {
    private static final Map<String, String> PASSWORDS = Map.of("CHAOS_PASSWORD_ALICE", "wonderland");

    private Path dir;
    private BehaviourModel model;
    private ControlServer control;

    @BeforeAll
    void recordAndLearn() throws Exception {
        dir = Path.of("target", "codegen-chaos").toAbsolutePath();
        GenerationProofTest.deleteTree(dir);
        Files.createDirectories(dir);
        try (var inventory = InventoryService.start();
                var toInventory = Interceptor.onPort(inventory.port())
                        .direction(Direction.OUTBOUND)
                        .record()
                        .start();
                var service = DemoService.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        DemoService.Options.defaults()
                                .inventory(URI.create("http://127.0.0.1:" + toInventory.port())));
                var toService = Interceptor.onPort(service.port()).record().start()) {
            var traffic = DemoTraffic.run(URI.create("http://127.0.0.1:" + toService.port()));
            assertThat(toService.recording().awaitCount(traffic.requests(), Duration.ofSeconds(60)))
                    .as("every request recorded")
                    .isTrue();
            var all = new ArrayList<Interaction>(toService.recording().interactions());
            all.addAll(toInventory.recording().interactions());
            all.sort(Comparator.comparing(Interaction::startedAt));
            var recording = dir.resolve("recording");
            try (var writer = RecordingWriter.create(
                    recording, RecordingInfo.started("demo", "bookshop and its stock service", Map.of()))) {
                long sequence = 0;
                for (var i : all) {
                    writer.append(i.newBuilder().sequence(++sequence).build());
                }
            }
            model = BehaviourLearner.create().learn(Recording.open(recording));
            ModelJson.write(model, dir.resolve("model.json"));
        }
        control = ControlServer.start(ControlServer.Options.defaults().listen("127.0.0.1:0"));
    }

    @AfterAll
    void stop() {
        if (control != null) {
            control.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"python", "javascript", "java", "go", "rust"})
    @Timeout(900)
    void chaos_tests_pass_on_a_graceful_bookshop_and_fail_on_one_that_is_not(String language) throws Exception {
        var only = System.getProperty("codegen.languages", "");
        assumeTrue(only.isEmpty() || List.of(only.split(",")).contains(language), "-Dcodegen.languages=" + only);
        assumeTrue(SuiteRunner.missingToolchain(language) == null, () -> SuiteRunner.missingToolchain(language));
        var project = dir.resolve(language);
        var result = TestGeneration.generate(
                model, GenerationOptions.of(language, project).withProjectName("bookshop-api-tests"));
        var chaos = result.plan().chaos();
        assertThat(chaos)
                .extracting(c -> c.call().endpoint())
                .as("both endpoints that call the stock service get chaos tests")
                .contains("GET /api/books/{bookId}", "POST /api/books");
        var get = chaos.stream()
                .filter(c -> c.call().endpoint().equals("GET /api/books/{bookId}"))
                .toList();
        assertThat(get)
                .extracting(c -> c.fault().phrase())
                .as("the slow test first, then the reset")
                .containsExactly("1 s slow", "resetting connections");
        assertThat(get.get(0).setup())
                .extracting(s -> s.endpoint())
                .as("the book it reads is created first, before any fault")
                .containsExactly("POST /api/books");
        assertThat(get.get(1).fault().expectError()).isTrue();
        assertThat(get.get(1).fault().withinMillis()).isEqualTo(2000);
        var envVar = chaos.get(0).dependency().envVar();
        assertThat(envVar).isEqualTo("CHAOS_DEPENDENCY_STOCK");
        assertThat(Files.readString(project.resolve("README.md"))).contains(envVar, "CHAOS_CONTROL_URL");
        var work = Toolchains.WORK;

        // No control API: the chaos tests are skipped with the reason, the functional tests pass.
        try (var inventory = InventoryService.start();
                var service = demo(inventory.port())) {
            var env = env(service, "http://127.0.0.1:1", inventory.port());
            var outcome = SuiteRunner.run(language, project, env, work, Duration.ofMinutes(8), Selection.ALL);
            assertThat(outcome.passed())
                    .as("%s without a control API:\n%s", language, outcome.output())
                    .isTrue();
            assertThat(report(project, outcome)).as("the skip says why").contains("is not reachable");
        }

        assumeTrue(isRoot(), "transparent interceptors need root: the chaos tests would be skipped here");

        // A bookshop that degrades gracefully: the chaos tests pass (and are not skipped).
        try (var inventory = InventoryService.start();
                var service = demo(inventory.port())) {
            var env = env(service, control.baseUri().toString(), inventory.port());
            var outcome = SuiteRunner.run(language, project, env, work, Duration.ofMinutes(8), Selection.CHAOS);
            assertThat(outcome.passed())
                    .as("%s chaos tests against a graceful bookshop:\n%s", language, outcome.output())
                    .isTrue();
            assertThat(report(project, outcome).toLowerCase(java.util.Locale.ROOT))
                    .as("nothing skipped:\n%s", outcome.output())
                    .doesNotContain("control api refused", "is not reachable", "made no new connection");
        }

        // A bookshop whose stock client hides failures (stale answers) and gives up after 300 ms: they fail.
        try (var inventory = InventoryService.start();
                var fragile = FragileStockClient.start(inventory.port());
                var service = demo(fragile.port())) {
            var env = env(service, control.baseUri().toString(), inventory.port());
            var outcome = SuiteRunner.run(language, project, env, work, Duration.ofMinutes(8), Selection.CHAOS);
            assertThat(outcome.passed())
                    .as("%s chaos tests against a fragile bookshop must fail:\n%s", language, outcome.output())
                    .isFalse();
            assertThat(report(project, outcome))
                    .as("the failures name the endpoint and the fault")
                    .contains("GET /api/books/{bookId}: with the stock service resetting connections, expected an"
                            + " error status (5xx) but was 200")
                    .containsPattern("(GET /api/books/\\{bookId\\}|POST /api/books): with the stock service 1 s slow,"
                            + " expected status 20[01] but was 503");
        }
    }

    /** What the run printed, plus the surefire reports (Maven's quiet output leaves out the reasons of skips). */
    private static String report(Path project, SuiteRunner.Outcome outcome) throws IOException {
        var b = new StringBuilder(outcome.output());
        var reports = project.resolve("target/surefire-reports");
        if (Files.isDirectory(reports)) {
            try (var files = Files.list(reports)) {
                for (var f : files.filter(p -> p.toString().endsWith(".xml"))
                        .sorted()
                        .toList()) {
                    b.append('\n').append(Files.readString(f));
                }
            }
        }
        return b.toString();
    }

    private static DemoService demo(int inventoryPort) throws IOException {
        return DemoService.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                DemoService.Options.defaults().inventory(URI.create("http://127.0.0.1:" + inventoryPort)));
    }

    private static Map<String, String> env(DemoService service, String controlUrl, int inventoryPort) {
        var env = new HashMap<>(PASSWORDS);
        env.put("GOFLAGS", "-v"); // go test prints the reasons of skips only when verbose
        env.put("GOTOOLCHAIN", "local");
        env.put("RUST_TEST_NOCAPTURE", "1"); // cargo test prints what a test printed (a skip) only without capture
        env.put("RUST_BACKTRACE", "0");
        env.put("CHAOS_BASE_URL", service.baseUri().toString());
        env.put("CHAOS_CONTROL_URL", controlUrl);
        env.put("CHAOS_DEPENDENCY_STOCK", "127.0.0.1:" + inventoryPort);
        return env;
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A stock client that does not degrade gracefully, placed between the bookshop and its stock service: it waits
     * only 300 ms (so a slow stock service becomes an error), and it answers a made-up stock when the stock service
     * fails (so a broken stock service is hidden behind stale data).
     */
    static final class FragileStockClient implements AutoCloseable {
        private final HttpServer server;
        private final java.util.concurrent.ExecutorService executor = Executors.newFixedThreadPool(4);

        private FragileStockClient(HttpServer server) {
            this.server = server;
        }

        static FragileStockClient start(int inventoryPort) throws IOException {
            var client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofMillis(300))
                    .build();
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            var fragile = new FragileStockClient(server);
            server.setExecutor(fragile.executor);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int status;
                byte[] answer;
                try {
                    var request = HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + inventoryPort + exchange.getRequestURI()))
                            .timeout(Duration.ofMillis(300))
                            .header("Content-Type", "application/json")
                            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                            .build();
                    var response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    status = response.statusCode();
                    answer = response.body();
                } catch (HttpTimeoutException e) {
                    status = 504;
                    answer = "{\"error\":\"stock service too slow\"}".getBytes(StandardCharsets.UTF_8);
                } catch (IOException e) {
                    status = 200;
                    answer = "{\"inStock\":1}".getBytes(StandardCharsets.UTF_8);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status = 500;
                    answer = new byte[0];
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.start();
            return fragile;
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
