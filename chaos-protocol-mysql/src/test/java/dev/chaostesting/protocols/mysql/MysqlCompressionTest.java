package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.handshake;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.request;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.response;
import static dev.chaostesting.protocols.mysql.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.Side;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * zlib-compressed connections (CLIENT_COMPRESS), built with java.util.zip.Deflater as the protocol documentation
 * describes them: each script is fed whole, in random fragments and one byte at a time, with the same result, and every
 * wire byte of each side is counted exactly once.
 */
class MysqlCompressionTest {

    static final long CAPS = BASE | CLIENT_COMPRESS;

    static final byte[] HANDSHAKE_OK = ok(3, 0, 0, 2, 0);

    static byte[] resultSet(int firstSeq, String... names) {
        var parts = new byte[names.length + 4][];
        int seq = firstSeq;
        parts[0] = packet(seq++, b(1));
        parts[1] = column(seq++, "users", "name", 253, 0);
        parts[2] = eof(seq++, 2);
        for (int i = 0; i < names.length; i++) {
            parts[3 + i] = textRow(seq++, names[i]);
        }
        parts[names.length + 3] = eof(seq, 2);
        return concat(parts);
    }

    static List<Interaction> runExact(Script script) {
        var all = script.runAllWays();
        assertThat(Script.countedBytes(all, Side.CLIENT)).isEqualTo(script.bytes(Side.CLIENT).length);
        assertThat(Script.countedBytes(all, Side.SERVER)).isEqualTo(script.bytes(Side.SERVER).length);
        return all;
    }

    @Test
    void a_query_and_its_result_set_are_decoded_and_charged_the_compressed_wire_bytes() {
        var query = compressed(0, command(3, "SELECT name FROM users WHERE name LIKE 'a%' ORDER BY name"));
        var rows = compressed(1, resultSet(1, "ada", "alan", "anne"));
        var all = runExact(handshake(CAPS).client(query).server(rows).close());

        assertThat(all).hasSize(2).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
        assertThat(request(all.get(0))).containsEntry("command", "HANDSHAKE").containsEntry("compression", "zlib");
        assertThat(all.get(0).attributes()).doesNotContainKey("compression");
        var q = all.get(1);
        assertThat(q.attributes()).containsEntry("compression", "zlib");
        assertThat(request(q)).containsEntry("sql", "SELECT name FROM users WHERE name LIKE 'a%' ORDER BY name");
        assertThat(response(q))
                .containsEntry("type", "RESULT_SET")
                .containsEntry("rowCount", 3L)
                .containsEntry("rows", List.of(List.of("ada"), List.of("alan"), List.of("anne")));
        assertThat(q.requestBytes()).isEqualTo(query.length);
        assertThat(q.responseBytes()).isEqualTo(rows.length);
        assertThat(q.error()).isNull();
    }

    @Test
    void the_first_compressed_packet_may_share_a_read_with_the_handshake_ok() {
        var rows = compressed(1, resultSet(1, "x"));
        var script = Script.create()
                .server(greeting("8.0.36", CAPS, "mysql_native_password"))
                .client(handshakeResponse(
                        CAPS, "app", MysqlDecoderTest.SCRAMBLE, "shop", "mysql_native_password", java.util.Map.of()))
                .server(ok(2, 0, 0, 2, 0))
                .client(compressed(0, command(3, "SELECT 1")))
                .server(rows)
                .client(compressed(0, packet(0, b(1))))
                .close();
        // Same traffic, the OK and the first compressed bytes of the server arriving together.
        var merged = Script.create()
                .server(greeting("8.0.36", CAPS, "mysql_native_password"))
                .client(handshakeResponse(
                        CAPS, "app", MysqlDecoderTest.SCRAMBLE, "shop", "mysql_native_password", java.util.Map.of()))
                .server(concat(ok(2, 0, 0, 2, 0), compressed(0, packet(0, b(0xff), u16(4031), s("#HY000bye")))))
                .close();
        var all = runExact(script);
        assertThat(all).hasSize(3);
        assertThat(request(all.get(2))).containsEntry("command", "COM_QUIT");
        var unsolicited = runExact(merged);
        assertThat(unsolicited).hasSize(2);
        assertThat(unsolicited.get(1).request()).isNull();
        assertThat(response(unsolicited.get(1))).containsEntry("type", "ERR");
        assertThat(unsolicited.get(1).attributes()).containsEntry("compression", "zlib");
    }

    @Test
    void pipelined_commands_in_one_compressed_packet_charge_the_first_and_zero_the_rest() {
        var commands = compressed(0, concat(command(3, "SELECT 1"), command(0x0e, ""), command(3, "DO 1")));
        var answers = compressed(1, concat(resultSet(1, "1"), ok(1, 0, 0, 2, 0), ok(1, 0, 0, 2, 0)));
        var all = runExact(handshake(CAPS).client(commands).server(answers).close());

        assertThat(all).hasSize(4);
        assertThat(request(all.get(1))).containsEntry("command", "COM_QUERY").containsEntry("sql", "SELECT 1");
        assertThat(request(all.get(2))).containsEntry("command", "COM_PING");
        assertThat(request(all.get(3))).containsEntry("sql", "DO 1");
        assertThat(response(all.get(1))).containsEntry("rowCount", 1L);
        assertThat(response(all.get(2))).containsEntry("type", "OK");
        assertThat(response(all.get(3))).containsEntry("type", "OK");
        assertThat(all.get(1).requestBytes()).isEqualTo(commands.length);
        assertThat(all.get(1).responseBytes()).isEqualTo(answers.length);
        assertThat(all.subList(2, 4)).allSatisfy(i -> {
            assertThat(i.requestBytes()).isZero();
            assertThat(i.responseBytes()).isZero();
            assertThat(i.attributes()).containsEntry("compression", "zlib");
        });
    }

    @Test
    void a_packet_spanning_several_compressed_packets_is_charged_all_of_them() {
        var sql = "SELECT '" + "abcdefghij".repeat(20_000) + "'";
        var query = command(3, sql);
        int third = query.length / 3;
        var first = compressed(0, Arrays.copyOfRange(query, 0, third));
        var second = stored(1, Arrays.copyOfRange(query, third, 2 * third));
        var last = compressed(2, Arrays.copyOfRange(query, 2 * third, query.length));
        var answer = stored(3, ok(1, 0, 0, 2, 0));
        var all = runExact(handshake(CAPS)
                .client(first)
                .client(second)
                .client(last)
                .server(answer)
                .close());

        var q = all.get(1);
        assertThat(request(q)).containsEntry("sql", sql);
        assertThat(q.requestBytes()).isEqualTo(first.length + second.length + last.length);
        assertThat(q.responseBytes()).isEqualTo(answer.length);
        assertThat(response(q)).containsEntry("type", "OK");
    }

    @Test
    void stored_compressed_packets_carry_their_payload_as_it_is() {
        var query = stored(0, command(3, "SELECT 1"));
        var answer = stored(1, resultSet(1, "1"));
        var all = runExact(handshake(CAPS).client(query).server(answer).close());

        assertThat(request(all.get(1))).containsEntry("sql", "SELECT 1");
        assertThat(response(all.get(1))).containsEntry("rows", List.of(List.of("1")));
        assertThat(all.get(1).requestBytes()).isEqualTo(query.length);
    }

    @Test
    void a_result_set_over_several_compressed_packets_with_rows_split_between_them() {
        var rows = resultSet(1, "alpha", "beta", "gamma", "delta");
        var a = compressed(1, Arrays.copyOfRange(rows, 0, 37));
        var b = compressed(2, Arrays.copyOfRange(rows, 37, rows.length));
        var all = runExact(handshake(CAPS)
                .client(compressed(0, command(3, "SELECT name FROM users")))
                .server(a)
                .server(b)
                .client(compressed(0, command(0x0e, "")))
                .server(compressed(1, ok(1, 0, 0, 2, 0)))
                .close());

        assertThat(response(all.get(1))).containsEntry("rowCount", 4L);
        assertThat(all.get(1).responseBytes()).isEqualTo(a.length + b.length);
        assertThat(request(all.get(2))).containsEntry("command", "COM_PING");
    }

    @Test
    void corrupt_deflate_data_fails_open_with_the_reason_and_gives_the_compressed_bytes_to_raw() {
        var bad = compressed(0, command(3, "SELECT 1"));
        bad[7] ^= 0x55; // the zlib header's check bits
        var script =
                handshake(CAPS).client(bad).server(stored(1, ok(1, 0, 0, 2, 0))).close();
        var all = runExact(script);

        var raw = all.get(1);
        assertThat(raw.protocol()).isEqualTo("tcp");
        assertThat(raw.attributes().get("decodeError")).startsWith("compressed packet: bad zlib data (");
        assertThat(Script.rawBytes(all, Side.CLIENT)).isEqualTo(bad);
    }

    @Test
    void an_uncompressed_length_that_disagrees_fails_open_with_the_lengths() {
        var content = command(3, "SELECT 1");
        var deflated = Arrays.copyOfRange(compressed(0, content), 7, compressed(0, content).length);
        var tooLong = compressedFrame(0, deflated, content.length + 5);
        var tooShort = compressedFrame(0, deflated, content.length - 2);

        var longRun = runExact(handshake(CAPS).client(tooLong).close());
        assertThat(longRun.get(1).attributes())
                .containsEntry(
                        "decodeError",
                        "compressed packet: inflates to " + content.length + " bytes (expected: " + (content.length + 5)
                                + ")");
        assertThat(Script.rawBytes(longRun, Side.CLIENT)).isEqualTo(tooLong);

        var shortRun = runExact(handshake(CAPS).client(tooShort).close());
        assertThat(shortRun.get(1).attributes())
                .containsEntry(
                        "decodeError",
                        "compressed packet: inflates to more than " + (content.length - 2) + " bytes (expected: "
                                + (content.length - 2) + ")");
    }

    @Test
    void a_decompression_bomb_is_cut_at_the_declared_length() {
        var bomb = new byte[8 << 20];
        var frame = compressed(0, bomb);
        var declaredSmall = compressedFrame(0, Arrays.copyOfRange(frame, 7, frame.length), 1000);
        var script = handshake(CAPS).client(declaredSmall).close();
        var all = script.run(Script.Feed.WHOLE, 1 << 20, 1);
        assertThat(all.get(all.size() - 1).attributes().get("decodeError"))
                .isEqualTo("compressed packet: inflates to more than 1000 bytes (expected: 1000)");
        assertThat(Script.countedBytes(all, Side.CLIENT)).isEqualTo(script.bytes(Side.CLIENT).length);
    }

    @Test
    void a_bad_packet_inside_a_compressed_packet_fails_open_and_the_waiting_command_says_why() {
        var query = compressed(0, command(0x0e, ""));
        var answer = compressed(1, packet(1, b(3)));
        var all = runExact(handshake(CAPS).client(query).server(answer).close());

        assertThat(all.get(1).error())
                .isEqualTo("response not decoded: response to COM_PING: packet starting 0x03 (expected: OK or ERR)");
        assertThat(all.get(1).requestBytes()).isEqualTo(query.length);
        assertThat(all.get(1).attributes()).containsEntry("compression", "zlib");
        assertThat(all.get(2).protocol()).isEqualTo("tcp");
        assertThat(((TcpData) all.get(2).response()).data().bytes()).isEqualTo(answer);
    }

    @Test
    void a_connection_closed_in_a_compressed_packet_records_what_arrived() {
        var query = compressed(0, command(3, "SELECT 1"));
        var cut = Arrays.copyOf(compressed(1, resultSet(1, "1")), 20);
        var all = runExact(handshake(CAPS).client(query).server(cut).close());

        var tcp =
                all.stream().filter(i -> i.protocol().equals("tcp")).findFirst().orElseThrow();
        assertThat(tcp.error()).isEqualTo("connection closed in a server packet");
        assertThat(((TcpData) tcp.response()).data().bytes()).isEqualTo(cut);
        var q = all.stream()
                .filter(i ->
                        i.request() != null && "COM_QUERY".equals(request(i).get("command")))
                .findFirst()
                .orElseThrow();
        assertThat(q.error()).isEqualTo("connection closed before the response");
    }

    @Test
    void compressed_packets_over_the_keep_limit_are_counted_when_decoding_stops() {
        var random = new java.util.Random(7);
        var text = new byte[100_000];
        random.nextBytes(text);
        var query = command(3, new String(text, java.nio.charset.StandardCharsets.ISO_8859_1));
        var first = stored(0, Arrays.copyOf(query, 70_000));
        var bad = compressedFrame(1, b(1, 2, 3, 4), 10);
        var script = handshake(CAPS).client(first).client(bad).close();
        var all = script.runAllWays(16);

        assertThat(Script.countedBytes(all, Side.CLIENT)).isEqualTo(script.bytes(Side.CLIENT).length);
        assertThat(all.get(1).error())
                .startsWith("bytes not kept (over the keep limit) before decoding stopped: compressed packet: ");
        // Once over the limit, nothing of the side is given to raw recording in pieces: it is all counted here.
        assertThat(all).hasSize(2);
        assertThat(all.get(1).protocol()).isEqualTo("tcp");
        assertThat(all.get(1).requestBytes()).isEqualTo(first.length + bad.length);
    }

    @Test
    void a_zstd_connection_is_still_passed_through_raw() {
        long zstd = BASE | (1L << 26);
        var bytes = b(9, 0, 0, 0, 1, 2, 3);
        var all = handshake(zstd).client(bytes).close().runAllWays();
        assertThat(request(all.get(0))).containsEntry("compression", "zstd");
        assertThat(all.get(1).protocol()).isEqualTo("tcp");
        assertThat(all.get(1).attributes()).containsEntry("compression", "zstd");
        assertThat(Script.rawBytes(all, Side.CLIENT)).isEqualTo(bytes);
    }
}
