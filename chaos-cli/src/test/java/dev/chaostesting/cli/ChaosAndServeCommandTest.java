package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code chaos} against the demo service with a plan of inbound faults, and {@code serve} answering its API. */
class ChaosAndServeCommandTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void chaos_replays_a_recording_under_faults_and_writes_every_report() throws Exception {
        var rec = dir.resolve("rec");
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            try (var proxy = Interceptor.onPort(service.port()).recordTo(rec).start()) {
                DemoTraffic.run(URI.create("http://127.0.0.1:" + proxy.port()));
            }
            var plan = dir.resolve("plan.yaml");
            Files.writeString(plan, """
                    name: inbound-latency
                    description: the service's own clients see 300 ms more
                    steps:
                      - name: slow-clients
                        faults:
                          - {type: latency, delay: 300ms, flow: downstream, target: inbound}
                    """);
            var report = dir.resolve("report");
            var r = CliTest.run(
                    "chaos",
                    "--input=" + rec,
                    "--target=" + service.baseUri(),
                    "--plan=" + plan,
                    "--seed=7",
                    "--report=" + report,
                    "--fail-on=crashed");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("slow-clients").contains("slow");
            for (var file : new String[] {"report.html", "report.json", "junit.xml", "report.txt"}) {
                assertThat(report.resolve(file)).isNotEmptyFile();
            }
            assertThat(Files.readString(report.resolve("report.json"))).contains("\"outcome\"");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void serve_answers_the_control_api_until_stopped() throws Exception {
        var err = new StringWriter();
        var serving = new Thread(() -> Main.run(
                new String[] {"serve", "--listen=127.0.0.1:0"},
                new PrintWriter(new StringWriter()),
                new PrintWriter(err, true)));
        serving.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            var started = Pattern.compile("control API on (http://[^ ]+) ");
            java.util.regex.Matcher m;
            while (!(m = started.matcher(err.toString())).find()) {
                assertThat(System.nanoTime()).as("serve started: %s", err).isLessThan(deadline);
                Thread.sleep(20);
            }
            var base = URI.create(m.group(1) + "/");
            var health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(base.resolve("v1/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"faultTypes\"").contains("latency");
        } finally {
            serving.interrupt();
            serving.join(10_000);
        }
        assertThat(serving.isAlive()).isFalse();
    }
}
