package dev.chaostesting.protocols.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.capture.CaptureImport;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.model.Interaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Packets the Linux kernel really sent on loopback, decoded by the HTTP codec. The capture lives with chaos-core's
 * capture tests ({@code chaos-core/src/test/resources/capture/loopback-http.pcap}, made by the script beside it), found
 * from this module's directory as Maven runs tests there.
 */
class RealLoopbackImportTest {

    private static final Path CAPTURE = Path.of(System.getProperty("basedir", "."))
            .resolve("../chaos-core/src/test/resources/capture/loopback-http.pcap")
            .normalize();

    @Test
    void a_real_keep_alive_capture_gives_both_exchanges_with_their_packet_times() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(CAPTURE), "not run from the source tree: no " + CAPTURE);
        var interactions = new ArrayList<Interaction>();

        try (var in = Files.newInputStream(CAPTURE)) {
            CaptureImport.read(in, CAPTURE.toString(), CaptureOptions.defaults(), interactions::add);
        }

        assertThat(interactions).extracting(Interaction::protocol).containsExactly("http", "http");
        assertThat(interactions).extracting(i -> i.httpRequest().method()).containsExactly("POST", "GET");
        assertThat(interactions)
                .extracting(i -> i.httpRequest().target())
                .containsExactly("/orders", "/orders/7?full=1");
        assertThat(interactions)
                .extracting(i -> i.httpRequest().body().text())
                .containsExactly("{\"item\":\"ab\"}", "");
        assertThat(interactions).extracting(i -> i.httpResponse().status()).containsExactly(201, 200);
        assertThat(interactions)
                .extracting(i -> i.httpResponse().body().text())
                .containsExactly("created:{\"item\":\"ab\"}", "item /orders/7?full=1");
        var post = interactions.get(0);
        assertThat(post.client()).isEqualTo("127.0.0.1:55086");
        assertThat(post.server()).isEqualTo("127.0.0.1:32979");
        assertThat(post.startedAt()).isEqualTo(Instant.parse("2026-11-24T05:04:47.484708Z"));
        assertThat(post.timeToFirstByteMicros()).isEqualTo(484_945 - 484_708);
        assertThat(post.durationMicros()).isEqualTo(485_012 - 484_708);
        var get = interactions.get(1);
        assertThat(get.timeToFirstByteMicros()).isEqualTo(495_768 - 495_672);
        assertThat(get.durationMicros()).isEqualTo(536_154 - 495_672);
    }
}
