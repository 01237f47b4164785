package dev.chaostesting.capture.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.internal.capture.Tcpdump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users see when tcpdump is missing, not permitted, or stops at once, and how its closing counts are read. A
 * script stands in for tcpdump (through the internal executable setting), so no root and no tcpdump are needed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LiveCapturePreflightTest {

    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        System.clearProperty(Tcpdump.EXECUTABLE_PROPERTY);
    }

    private void fakeTcpdump(String script) throws IOException {
        var file = dir.resolve("tcpdump");
        Files.writeString(file, "#!/bin/bash\n" + script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        System.setProperty(Tcpdump.EXECUTABLE_PROPERTY, file.toString());
    }

    @Test
    void a_missing_tcpdump_says_how_to_install_it() {
        System.setProperty(
                Tcpdump.EXECUTABLE_PROPERTY, dir.resolve("no-such-tcpdump").toString());
        assertThatThrownBy(() -> LiveCapture.start("lo", "tcp port 1", CaptureOptions.defaults(), i -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "tcpdump is not installed: install it (e.g. 'apt-get install tcpdump') or use --mode=proxy");
    }

    @Test
    void a_refused_capture_says_root_or_cap_net_raw_is_needed() throws IOException {
        fakeTcpdump("echo \"tcpdump: lo: You don't have permission to perform this capture on that device\" >&2\n"
                + "echo '(socket: Operation not permitted)' >&2\nexit 1\n");
        assertThatThrownBy(() -> LiveCapture.start("lo", "tcp port 1", CaptureOptions.defaults(), i -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage("capturing packets needs root or CAP_NET_RAW: run as root, or use --mode=proxy");
    }

    @Test
    void tcpdump_stopping_at_once_shows_its_first_line() throws IOException {
        fakeTcpdump("echo 'tcpdump: syntax error in filter expression' >&2\necho 'second line' >&2\nexit 1\n");
        assertThatThrownBy(() -> LiveCapture.start("lo", "tcp port", CaptureOptions.defaults(), i -> {}))
                .isInstanceOf(IOException.class)
                .hasMessage("tcpdump stopped (exit code 1): tcpdump: syntax error in filter expression");
    }

    @Test
    void an_unknown_protocol_fails_before_tcpdump_starts() {
        System.setProperty(
                Tcpdump.EXECUTABLE_PROPERTY, dir.resolve("no-such-tcpdump").toString());
        assertThatThrownBy(() -> LiveCapture.start(
                        "lo", "tcp port 1", CaptureOptions.defaults().protocol("nope"), i -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("protocol: nope");
    }

    @Test
    void kernel_drops_from_tcpdumps_closing_counts_are_reported() throws IOException {
        // An empty pcap (Ethernet), then tcpdump's three closing lines when it is stopped.
        fakeTcpdump("trap 'echo \"3 packets captured\" >&2; echo \"5 packets received by filter\" >&2;"
                + " echo \"2 packets dropped by kernel\" >&2; exit 0' TERM\n"
                + "echo \"tcpdump: listening on $2, link-type EN10MB (Ethernet), snapshot length 262144 bytes\" >&2\n"
                + "printf '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                + "\\x00\\x00\\x04\\x00\\x01\\x00\\x00\\x00'\n"
                + "while true; do sleep 0.05; done\n");
        var capture = LiveCapture.start("lo", "tcp port 1", CaptureOptions.defaults(), i -> {});
        var summary = capture.stop();
        assertThat(summary.packetsCaptured()).isEqualTo(3);
        assertThat(summary.packetsReceivedByFilter()).isEqualTo(5);
        assertThat(summary.packetsDroppedByKernel()).isEqualTo(2);
        assertThat(summary.capture().format()).isEqualTo("pcap");
        assertThat(summary.describe()).contains("2 dropped by kernel");
        assertThat(capture.stop()).isSameAs(summary);
    }
}
