package dev.chaostesting.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.model.Direction;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.recording.Recording;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API from file to recording. chaos-core has no codecs on its test class path, so every connection is
 * recorded as raw TCP turns: that shows the bytes and times reassembly produced without a protocol in between.
 */
class CaptureImportTest {

    @TempDir
    Path dir;

    private static Conversation twoTurns() {
        return Conversation.http()
                .handshake()
                .client("hello")
                .server("world")
                .client("again")
                .server("bye")
                .clientFin()
                .serverFin();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        var file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static String text(Interaction i, boolean request) {
        var message = (TcpData) (request ? i.request() : i.response());
        return message == null ? null : message.data().text();
    }

    @Test
    void a_pcap_becomes_a_recording_with_an_import_manifest() throws IOException {
        var file = write("two-turns.pcap", twoTurns().pcap());

        var summary = CaptureImport.toRecording(file, dir.resolve("rec"), CaptureOptions.defaults());

        var recording = Recording.open(dir.resolve("rec"));
        assertThat(recording.info().source()).isEqualTo("import");
        assertThat(recording.info().target()).isEqualTo(file.toAbsolutePath().toString());
        assertThat(recording.info().details()).containsEntry("format", "pcap");
        assertThat(recording.info().interactions()).isEqualTo(2);
        var interactions = recording.interactions();
        assertThat(interactions).extracting(Interaction::sequence).containsExactly(1L, 2L);
        assertThat(interactions).extracting(Interaction::protocol).containsOnly("tcp");
        assertThat(interactions).extracting(Interaction::connection).containsOnly("c1");
        assertThat(interactions).extracting(Interaction::client).containsOnly("10.0.0.1:40000");
        assertThat(interactions).extracting(Interaction::server).containsOnly("10.0.0.2:80");
        assertThat(interactions).extracting(Interaction::direction).containsOnly(Direction.INBOUND);
        assertThat(interactions).extracting(i -> text(i, true)).containsExactly("hello", "again");
        assertThat(interactions).extracting(i -> text(i, false)).containsExactly("world", "bye");
        var first = interactions.get(0);
        assertThat(first.startedAt()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 3_000_000));
        assertThat(first.timeToFirstByteMicros()).isEqualTo(1000);
        assertThat(summary)
                .isEqualTo(new CaptureSummary("pcap", 9, 1, 2, 5 + 5 + 5 + 3, 0, 0, 0, 0, 0, 0, 0, java.util.Set.of()));
        assertThat(summary.describe()).isEqualTo("pcap: 9 packets, 1 TCP connection, 2 interactions, 18 payload bytes");
    }

    @Test
    void a_pcapng_says_so_in_the_manifest() throws IOException {
        var file = new CaptureFiles.Pcapng().section(ByteOrder.BIG_ENDIAN).iface(1, 0, -1);
        for (var f : twoTurns().frames()) {
            file.epb(0, f.micros(), Packets.ethernet(f.ip()));
        }

        var summary = CaptureImport.toRecording(
                write("two-turns.pcapng", file.bytes()), dir.resolve("rec"), CaptureOptions.defaults());

        assertThat(summary.format()).isEqualTo("pcapng");
        assertThat(Recording.open(dir.resolve("rec")).info().details()).containsEntry("format", "pcapng");
    }

    @Test
    void options_set_the_direction_the_body_limit_and_the_protocol() throws IOException {
        var file = write("two-turns.pcap", twoTurns().pcap());
        var options = CaptureOptions.defaults()
                .direction(Direction.OUTBOUND)
                .maxBodyBytes(3)
                .protocol("tcp");

        CaptureImport.toRecording(file, dir.resolve("rec"), options);

        var first = Recording.open(dir.resolve("rec")).interactions().get(0);
        assertThat(first.direction()).isEqualTo(Direction.OUTBOUND);
        var body = ((TcpData) first.request()).data();
        assertThat(body.text()).isEqualTo("hel");
        assertThat(body.size()).isEqualTo(5);
        assertThat(body.truncated()).isTrue();
    }

    @Test
    void a_port_filter_keeps_only_the_connections_asked_for() throws IOException {
        var web = Conversation.http().handshake().client("web").server("page");
        web.another("10.0.0.1", 40001, "10.0.0.9", 5432)
                .handshake()
                .client("query")
                .server("rows");
        var interactions = new ArrayList<Interaction>();

        var summary = CaptureImport.read(
                new ByteArrayInputStream(web.pcap()),
                "mixed",
                CaptureOptions.defaults().onlyPorts(5432),
                interactions::add);

        assertThat(interactions).extracting(Interaction::server).containsExactly("10.0.0.9:5432");
        assertThat(summary.tcpConnections()).isEqualTo(1);
        assertThat(summary.skipped()).isEqualTo(5);
        assertThat(summary.packets()).isEqualTo(10);
    }

    @Test
    void a_broken_file_is_named_in_the_error_and_what_came_before_is_kept() throws IOException {
        var good = twoTurns().pcap();
        var bad = Arrays.copyOf(good, good.length + 16);
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(good.length + 8, 900_000);
        var file = write("broken.pcap", bad);

        assertThatThrownBy(() -> CaptureImport.toRecording(file, dir.resolve("rec"), CaptureOptions.defaults()))
                .isInstanceOf(IOException.class)
                .hasMessage(file + ": pcap record at byte " + good.length
                        + ": caplen 900000 (expected: <= snaplen 262144)");

        assertThat(Recording.open(dir.resolve("rec")).interactions()).hasSize(2);
    }

    @Test
    void a_file_that_is_not_a_capture_is_named_in_the_error() throws IOException {
        var file = write("notes.txt", "just some text, no capture".getBytes());

        assertThatThrownBy(() -> CaptureImport.toRecording(file, dir.resolve("rec"), CaptureOptions.defaults()))
                .hasMessageStartingWith(file + ": file header at byte 0: magic 0x6a757374 (expected: a pcap file");
        assertThat(dir.resolve("rec")).doesNotExist();
    }

    @Test
    void missing_files_existing_recordings_and_unknown_protocols_are_refused() throws IOException {
        var file = write("two-turns.pcap", twoTurns().pcap());
        CaptureImport.toRecording(file, dir.resolve("rec"), CaptureOptions.defaults());

        assertThatThrownBy(() -> CaptureImport.toRecording(file, dir.resolve("rec"), CaptureOptions.defaults()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> CaptureImport.toRecording(
                        dir.resolve("absent.pcap"), dir.resolve("rec2"), CaptureOptions.defaults()))
                .isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> CaptureImport.toRecording(
                        file, dir.resolve("rec3"), CaptureOptions.defaults().protocol("gopher")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("protocol: gopher (expected one of: ")
                .hasMessageEndingWith("tcp)");
    }

    @Test
    void options_are_immutable_and_checked() {
        var defaults = CaptureOptions.defaults();
        var changed =
                defaults.onlyPorts(80, 443, 80).direction(Direction.OUTBOUND).maxBufferedBytes(0);

        assertThat(defaults.ports()).isEmpty();
        assertThat(defaults.direction()).isEqualTo(Direction.INBOUND);
        assertThat(defaults.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(defaults.maxBufferedBytes()).isEqualTo(CaptureOptions.DEFAULT_MAX_BUFFERED_BYTES);
        assertThat(defaults.protocol()).isNull();
        assertThat(changed.ports()).containsExactlyInAnyOrder(80, 443);
        assertThat(changed.maxBufferedBytes()).isZero();
        assertThatThrownBy(() -> defaults.onlyPorts(0)).hasMessage("port: 0 in [0] (expected: 1 to 65535)");
        assertThatThrownBy(() -> defaults.maxBodyBytes(-1)).hasMessage("maxBodyBytes: -1 (expected: >= 0)");
        assertThatThrownBy(() -> defaults.maxBufferedBytes(-1)).hasMessage("maxBufferedBytes: -1 (expected: >= 0)");
    }

    @Test
    void the_summary_line_names_every_loss() {
        var summary = new CaptureSummary("pcapng", 10, 2, 3, 400, 2, 1500, 4, 1, 1, 2, 3, java.util.Set.of(105));

        assertThat(summary.complete()).isFalse();
        assertThat(summary.describe())
                .isEqualTo(
                        "pcapng: 10 packets, 2 TCP connections, 3 interactions, 400 payload bytes; 2 gaps (1500 bytes"
                                + " missing), 4 conflicting retransmitted bytes, 1 truncated, 1 undecodable, 2 IP fragments"
                                + " skipped, 3 skipped, unsupported link types [105]");
    }
}
