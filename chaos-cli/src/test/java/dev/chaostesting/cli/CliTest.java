package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.recording.Recording;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void help_lists_every_command_including_the_ones_not_built_yet() {
        var r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("observe", "inspect", "export", "import", "demo", "generate", "chaos");
    }

    @Test
    void chaos_needs_a_recording_and_a_target() {
        var chaos = run("chaos", "--level=extreme");
        assertThat(chaos.exit()).isEqualTo(2);
        assertThat(chaos.err()).contains("--input").contains("--target");
    }

    @Test
    void usage_errors_exit_with_2_and_one_line() {
        var r = run("observe", "--port=notaport");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("error: ");
        assertThat(run("export", "--input=x").exit()).isEqualTo(2);
        assertThat(run("nosuchcommand").exit()).isEqualTo(2);
    }

    @Test
    void runtime_errors_exit_with_1_and_one_line_without_a_stack_trace_unless_verbose() {
        var r = run("inspect", "--input=" + dir.resolve("missing"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").contains("missing");
        var verbose = run("--verbose", "inspect", "--input=" + dir.resolve("missing"));
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void observe_records_through_the_proxy_then_inspect_export_and_import_round_trip() throws Exception {
        int listen;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listen = probe.getLocalPort();
        }
        var rec = dir.resolve("rec");
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            var observe = CompletableFuture.supplyAsync(() -> run(
                    "observe",
                    "--port=" + service.port(),
                    "--mode=proxy",
                    "--listen=" + listen,
                    "--duration=4s",
                    "--output=" + rec));
            waitForPort(listen);
            var traffic = DemoTraffic.run(URI.create("http://127.0.0.1:" + listen));
            var result = observe.get(30, TimeUnit.SECONDS);
            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(result.err()).contains("recorded " + traffic.requests() + " interactions");
            assertThat(result.out()).contains("POST /api/books", "GET /api/books/{id}");

            var inspect = run("inspect", "--input=" + rec);
            assertThat(inspect.exit()).isZero();
            assertThat(inspect.out())
                    .contains(traffic.requests() + " interactions", "ENDPOINT", "P99", "POST /api/login");

            var har = dir.resolve("out.har");
            assertThat(run("export", "--input=" + rec, "--format=har", "--output=" + har)
                            .exit())
                    .isZero();
            var log = new ObjectMapper().readTree(har.toFile()).path("log");
            assertThat(log.path("version").asText()).isEqualTo("1.2");
            assertThat(log.path("entries").size()).isEqualTo(traffic.requests());
            assertThat(Files.readString(har)).doesNotContain("wonderland");

            var jsonl = dir.resolve("out.jsonl");
            assertThat(run("export", "--input=" + rec, "--format=jsonl", "--output=" + jsonl)
                            .exit())
                    .isZero();
            assertThat(Files.readAllLines(jsonl)).hasSize(traffic.requests());

            var fromHar = dir.resolve("from-har");
            assertThat(run("import", "--input=" + har, "--output=" + fromHar).exit())
                    .isZero();
            var fromJsonl = dir.resolve("from-jsonl");
            assertThat(run("import", "--input=" + jsonl, "--output=" + fromJsonl)
                            .exit())
                    .isZero();
            var original = Recording.open(rec).interactions();
            assertThat(Recording.open(fromJsonl).interactions()).isEqualTo(original);
            assertThat(Recording.open(fromHar).interactions())
                    .extracting(i -> i.httpRequest().method() + " "
                            + i.httpRequest().target() + " " + i.httpResponse().status())
                    .isEqualTo(original.stream()
                            .map(i -> i.httpRequest().method() + " "
                                    + i.httpRequest().target() + " "
                                    + i.httpResponse().status())
                            .toList());
        }
    }

    @Test
    void a_packet_capture_imports_into_a_recording_of_http_exchanges() throws Exception {
        var capture = Path.of(
                System.getProperty("basedir", "."),
                "..",
                "chaos-core",
                "src",
                "test",
                "resources",
                "capture",
                "loopback-http.pcap");
        var rec = dir.resolve("from-pcap");
        var r = run("import", "--input=" + capture, "--output=" + rec);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).startsWith("imported ");
        var interactions = Recording.open(rec).interactions();
        assertThat(interactions)
                .isNotEmpty()
                .allSatisfy(i -> assertThat(i.protocol()).isEqualTo("http"));
        assertThat(Recording.open(rec).info().details()).containsEntry("format", "pcap");

        var unknown = run("import", "--input=" + capture, "--output=" + dir.resolve("x"), "--protocol=gopher");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("error: protocol: gopher").doesNotContain("--verbose");
    }

    /**
     * The whole product on the bundled example: observe the bookshop and its stock service, learn, generate a suite
     * (JavaScript here, the quickest toolchain; the demo does every language present) and run it, then chaos.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = TimeUnit.MINUTES)
    void demo_runs_the_whole_pipeline_end_to_end() throws Exception {
        var r = run("demo", "--output=" + dir, "--languages=javascript", "--level=mild");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("ENDPOINT", "POST /api/books")
                .contains("GET    /api/books/{bookId}")
                .contains("-> http 127.0.0.1:")
                .contains("GET /stock/{id}")
                .contains("chaos at level 'mild'")
                .contains("report.html");
        Path run;
        try (var files = Files.list(dir)) {
            run = files.filter(p -> p.getFileName().toString().startsWith("run-"))
                    .findFirst()
                    .orElseThrow();
        }
        assertThat(run.resolve("recording.har")).isNotEmptyFile();
        assertThat(run.resolve("model.json")).isNotEmptyFile();
        assertThat(run.resolve("openapi.yaml")).isNotEmptyFile();
        assertThat(run.resolve("chaos-report/report.html")).isNotEmptyFile();
        assertThat(run.resolve("tests-javascript/package.json")).isNotEmptyFile();
        if (dev.chaostesting.codegen.SuiteRunner.missingToolchain("javascript") == null) {
            assertThat(r.out()).containsPattern("javascript +\\d+ tests \\(\\+\\d+ chaos tests\\) in .*: passed");
        }
    }

    static void waitForPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (var s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }
}
