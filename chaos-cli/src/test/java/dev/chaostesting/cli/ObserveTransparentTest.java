package dev.chaostesting.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.examples.demo.DemoService;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.testing.DebianPackages;
import io.netty.channel.epoll.Epoll;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code observe --mode=transparent}: clients keep using the service's own port and are recorded all the same. */
class ObserveTransparentTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void clients_of_the_original_port_are_recorded_without_being_reconfigured() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "transparent mode needs the epoll transport");
        DebianPackages.require("nft", "nftables", true);
        var rec = dir.resolve("rec");
        try (var service = DemoService.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            var out = new StringWriter();
            var err = new StringWriter();
            var observe = CompletableFuture.supplyAsync(() -> Main.run(
                    new String[] {
                        "observe", "--mode=transparent", "--port=" + service.port(), "--duration=4s", "--output=" + rec
                    },
                    new PrintWriter(out, true),
                    new PrintWriter(err, true)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!err.toString().contains("redirected through it") && !observe.isDone()) {
                assertThat(System.nanoTime()).as("observe started: %s", err).isLessThan(deadline);
                Thread.sleep(20);
            }
            var client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                var response = client.send(
                        HttpRequest.newBuilder(service.baseUri().resolve("/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            assertThat(observe.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        }
        var recording = Recording.open(rec);
        assertThat(recording.info().details()).containsEntry("mode", "transparent");
        assertThat(recording.interactions())
                .hasSize(3)
                .allSatisfy(i -> assertThat(i.httpRequest().target()).isEqualTo("/health"));
    }

    /**
     * {@code observe --pid --mode=transparent}: a running service in another process, found by pid, is recorded through
     * the proxy without being restarted; its clients change nothing.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void a_process_found_by_pid_is_recorded_through_the_proxy() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "transparent mode needs the epoll transport");
        DebianPackages.require("nft", "nftables", true);
        var rec = dir.resolve("rec");
        var service = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        DemoService.class.getName(),
                        "0")
                .start();
        try {
            var line = new java.io.BufferedReader(new java.io.InputStreamReader(service.getInputStream())).readLine();
            assertThat(line).as("the service's first line").contains("listening on http://");
            var base = java.net.URI.create(line.replaceAll(".*listening on (http://\\S+?)/? .*", "$1") + "/");
            var out = new StringWriter();
            var err = new StringWriter();
            var observe = CompletableFuture.supplyAsync(() -> Main.run(
                    new String[] {
                        "observe", "--pid=" + service.pid(), "--mode=transparent", "--duration=5s", "--output=" + rec
                    },
                    new PrintWriter(out, true),
                    new PrintWriter(err, true)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!err.toString().contains("Ctrl-C stops")
                    && !err.toString().contains("stopping after")
                    && !observe.isDone()) {
                assertThat(System.nanoTime()).as("observe started: %s", err).isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(err.toString()).contains("redirecting connections to port " + base.getPort());
            var client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                var response = client.send(
                        HttpRequest.newBuilder(base.resolve("health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(200);
            }
            assertThat(observe.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
        } finally {
            service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        var recording = Recording.open(rec);
        assertThat(recording.info().details())
                .containsEntry("mode", "transparent")
                .containsKey("pid");
        assertThat(recording.interactions())
                .hasSize(3)
                .allSatisfy(i -> assertThat(i.httpRequest().target()).isEqualTo("/health"))
                .allSatisfy(i -> assertThat(i.direction().wireName()).isEqualTo("inbound"));
    }
}
