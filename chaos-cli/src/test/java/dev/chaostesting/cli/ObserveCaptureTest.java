package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.examples.demo.DemoTraffic;
import dev.chaostesting.model.Direction;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.testing.DebianPackages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code observe} captures by default: the service and its clients are left as they are. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ObserveCaptureTest {

    @TempDir
    Path dir;

    @Test
    void observe_captures_by_default_the_traffic_sent_meanwhile() throws Exception {
        DebianPackages.require("tcpdump", "tcpdump", true);
        var rec = dir.resolve("rec");
        var out = new StringWriter();
        var err = new StringWriter();
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            var observe = CompletableFuture.supplyAsync(() -> Main.run(
                    new String[] {"observe", "--port=" + service.port(), "--duration=3s", "--output=" + rec},
                    new PrintWriter(out, true),
                    new PrintWriter(err, true)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!err.toString().contains("nothing to change") && !observe.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(err.toString()).contains("point clients at 127.0.0.1:" + service.port() + " as before");
            var traffic = DemoTraffic.run(URI.create("http://127.0.0.1:" + service.port()));
            int exit = observe.get(20, TimeUnit.SECONDS);
            assertThat(exit).as(err.toString()).isZero();
            assertThat(err.toString())
                    .contains("recorded " + traffic.requests() + " interactions")
                    .containsPattern("packets on any 'tcp port \\d+': \\d+ captured, 0 dropped by kernel");
            assertThat(out.toString()).contains("POST /api/books", "GET /api/books/{id}");
        }
        var recording = Recording.open(rec);
        assertThat(recording.info().source()).isEqualTo("capture");
        assertThat(recording.info().details()).containsEntry("mode", "capture").containsKeys("filter", "interface");
        assertThat(recording.interactions()).extracting(i -> i.direction()).containsOnly(Direction.INBOUND);
        assertThat(recording.interactions())
                .extracting(i -> i.httpRequest().method())
                .contains("POST", "GET");
    }

    @Test
    void a_missing_pid_is_one_line_and_exit_1() {
        var r = CliTest.run("observe", "--pid=999999999", "--duration=1s", "--output=" + dir.resolve("rec"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: no process with pid 999999999" + System.lineSeparator());
        assertThat(dir.resolve("rec")).doesNotExist();
    }

    @Test
    void capture_needs_a_port_or_a_pid_and_pid_needs_capture() {
        assertThat(CliTest.run("observe", "--duration=1s").exit()).isEqualTo(2);
        var pidByProxy = CliTest.run("observe", "--pid=1", "--mode=proxy");
        assertThat(pidByProxy.exit()).isEqualTo(1);
        assertThat(pidByProxy.err()).startsWith("error: --pid works with --mode=capture or --mode=transparent");
    }
}
