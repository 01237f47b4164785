package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.Side;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Synthetic sessions, byte for byte as the protocol documentation describes them, each fed whole, in random fragments and one byte at a time. */
class MysqlDecoderTest {

    static final byte[] SCRAMBLE = s("SCRAMBLE-0123456789!");

    static Script handshake(long serverCaps, long clientCaps) {
        return Script.create()
                .server(greeting("8.0.36", serverCaps, "caching_sha2_password"))
                .client(handshakeResponse(
                        clientCaps,
                        "app",
                        SCRAMBLE,
                        "shop",
                        "caching_sha2_password",
                        Map.of("_client_name", "libmysql", "program_name", "test")))
                .server(b(2, 0, 0, 2, 1, 3))
                .server(ok(3, 0, 0, 2, 0));
    }

    static Script handshake(long caps) {
        return handshake(caps, caps);
    }

    static Map<String, Object> request(Interaction i) {
        return fields(i.request());
    }

    static Map<String, Object> response(Interaction i) {
        return fields(i.response());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> fields(Object message) {
        return message == null ? null : (Map<String, Object>) (Map<?, ?>) ((StructuredMessage) message).fields();
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_handshake_records_both_sides_and_never_the_auth_data() {
        var all = handshake(BASE)
                .client(command(0x0e, ""))
                .server(ok(1, 0, 0, 2, 0))
                .close()
                .runAllWays();

        assertThat(all).hasSize(2).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
        var hs = all.get(0);
        assertThat(request(hs))
                .containsEntry("command", "HANDSHAKE")
                .containsEntry("user", "app")
                .containsEntry("database", "shop")
                .containsEntry("auth", "<redacted>")
                .containsEntry("authPlugin", "caching_sha2_password")
                .containsEntry("clientAttributes", Map.of("_client_name", "libmysql", "program_name", "test"));
        assertThat(response(hs))
                .containsEntry("serverVersion", "8.0.36")
                .containsEntry("connectionId", 42L)
                .containsEntry("authPlugin", "caching_sha2_password")
                .containsEntry("authFlow", List.of("fastAuthSuccess"))
                .containsEntry("type", "OK");
        assertThat((List<Object>) response(hs).get("capabilities")).contains("PROTOCOL_41", "PLUGIN_AUTH");
        assertThat(hs.toString()).doesNotContain("SCRAMBLE");
        assertThat(hs.startedAt()).isEqualTo(java.time.Instant.ofEpochSecond(1_700_000_000L));
        assertThat(hs.timeToFirstByteMicros()).isEqualTo(Script.STEP);
        assertThat(hs.durationMicros()).isEqualTo(3 * Script.STEP);

        var ping = all.get(1);
        assertThat(request(ping)).containsEntry("command", "COM_PING");
        assertThat(response(ping)).containsEntry("type", "OK");
        assertThat(ping.requestBytes()).isEqualTo(5);
        assertThat(ping.responseBytes()).isEqualTo(11);
    }

    @Test
    void an_auth_switch_and_a_denied_login_are_recorded_without_the_password() {
        var all = Script.create()
                .server(greeting("5.5.5-10.11.6-MariaDB", BASE & ~1L, "mysql_native_password"))
                .client(handshakeResponse(BASE & ~1L, "bob", SCRAMBLE, "db", "mysql_native_password", Map.of()))
                .server(packet(2, b(0xfe), nul("client_ed25519"), s("NONCE-NONCE-NONCE-NONCE-NONCE-32")))
                .client(packet(3, s("SIGNATURE-".repeat(6) + "SIGN")))
                .server(err(4, 1045, "28000", "Access denied for user 'bob'@'localhost' (using password: YES)"))
                .close()
                .runAllWays();

        assertThat(all).hasSize(1);
        var hs = all.get(0);
        assertThat(response(hs))
                .containsEntry("authFlow", List.of("switch:client_ed25519"))
                .containsEntry("authPlugin", "client_ed25519")
                .containsEntry("type", "ERR")
                .containsEntry(
                        "error",
                        Map.of(
                                "code", 1045L,
                                "sqlState", "28000",
                                "message", "Access denied for user 'bob'@'localhost' (using password: YES)"));
        assertThat(hs.toString()).doesNotContain("SIGNATURE").doesNotContain("SCRAMBLE");
        assertThat(hs.error()).isNull();
    }

    @Test
    void a_text_result_set_with_eof_packets_records_columns_count_and_first_rows() {
        var script = handshake(BASE).client(command(3, "SELECT id, name FROM users WHERE id < 100"));
        script.server(
                concat(packet(1, b(2)), column(2, "users", "id", 8, 0), column(3, "users", "name", 253, 0), eof(4, 2)));
        int seq = 5;
        for (int i = 0; i < 12; i++) {
            script.server(textRow(seq++, String.valueOf(i), i == 1 ? null : "n" + i));
        }
        script.server(eof(seq, 2)).close();
        var all = script.runAllWays();

        var q = all.get(1);
        assertThat(request(q))
                .containsEntry("command", "COM_QUERY")
                .containsEntry("sql", "SELECT id, name FROM users WHERE id < 100");
        assertThat(castMap((Map<?, ?>) request(q).get("statement"))).containsEntry("kind", "SELECT");
        var r = response(q);
        assertThat(r).containsEntry("type", "RESULT_SET").containsEntry("rowCount", 12L);
        assertThat((List<?>) r.get("rows")).hasSize(10);
        assertThat(((List<?>) r.get("rows")).get(0)).isEqualTo(List.of("0", "n0"));
        assertThat(((List<?>) r.get("rows")).get(1)).isEqualTo(Arrays.asList("1", null));
        assertThat(r.get("columns"))
                .isEqualTo(List.of(
                        Map.of("name", "id", "table", "users", "type", "LONGLONG"),
                        Map.of("name", "name", "table", "users", "type", "VAR_STRING")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Map<?, ?> m) {
        return new LinkedHashMap<>((Map<String, Object>) m);
    }

    @Test
    void ok_and_err_record_affected_rows_last_insert_id_warnings_and_the_error() {
        var all = handshake(BASE)
                .client(command(3, "INSERT INTO t (a) VALUES (1)"))
                .server(ok(1, 1, 7, 2, 1))
                .client(command(3, "SELEC nonsense"))
                .server(err(1, 1064, "42000", "You have an error in your SQL syntax"))
                .close()
                .runAllWays();

        assertThat(response(all.get(1)))
                .containsEntry("type", "OK")
                .containsEntry("affectedRows", 1L)
                .containsEntry("lastInsertId", 7L)
                .containsEntry("warnings", 1L);
        assertThat(response(all.get(2)))
                .containsEntry("type", "ERR")
                .containsEntry(
                        "error",
                        Map.of("code", 1064L, "sqlState", "42000", "message", "You have an error in your SQL syntax"));
    }

    @Test
    void multi_statements_with_deprecated_eof_record_every_result_and_the_error_that_ended_them() {
        long caps = BASE | CLIENT_DEPRECATE_EOF;
        var all = handshake(caps)
                .client(command(3, "SELECT 1; UPDATE t SET a = 1; SELECT * FROM missing"))
                .server(concat(packet(1, b(1)), column(2, "", "1", 8, 0), textRow(3, "1"), okEof(4, 0x0a)))
                .server(ok(5, 3, 0, 0x0a, 0))
                .server(err(6, 1146, "42S02", "Table 'shop.missing' doesn't exist"))
                .client(command(3, "SELECT 2"))
                .server(concat(packet(1, b(1)), column(2, "", "2", 8, 0), textRow(3, "2"), okEof(4, 2)))
                .close()
                .runAllWays();

        var multi = response(all.get(1));
        assertThat(multi).containsEntry("type", "RESULT_SET").containsEntry("rowCount", 1L);
        assertThat((List<?>) multi.get("results")).hasSize(3);
        assertThat(multi.get("error"))
                .isEqualTo(Map.of("code", 1146L, "sqlState", "42S02", "message", "Table 'shop.missing' doesn't exist"));
        assertThat(castMap((Map<?, ?>) ((List<?>) multi.get("results")).get(1))).containsEntry("affectedRows", 3L);
        assertThat(response(all.get(2))).containsEntry("rows", List.of(List.of("2")));
    }

    @Test
    void local_infile_is_marked_and_followed_to_the_server_answer() {
        var all = handshake(BASE)
                .client(command(3, "LOAD DATA LOCAL INFILE '/tmp/x.csv' INTO TABLE t"))
                .server(packet(1, b(0xfb), s("/tmp/x.csv")))
                .client(packet(2, s("1,a\n2,b\n")))
                .client(packet(3))
                .server(ok(4, 2, 0, 2, 0))
                .close()
                .runAllWays();

        var load = all.get(1);
        assertThat(load.attributes()).containsEntry("localInfile", "/tmp/x.csv");
        assertThat(response(load))
                .containsEntry("localInfile", "/tmp/x.csv")
                .containsEntry("localInfileBytes", 8L)
                .containsEntry("affectedRows", 2L);
        assertThat(load.requestBytes()).isEqualTo(4 + 1 + 48 + 4 + 8 + 4);
    }

    @Test
    void a_packet_over_16_mib_is_joined_from_its_continuation_packets() {
        var sql = "SELECT '" + "x".repeat(0xffffff + 10) + "'";
        var query = command(3, sql);
        var script = handshake(BASE).client(query).server(ok(2, 0, 0, 2, 0)).close();
        var whole = script.run(Script.Feed.WHOLE, 1024, 1);
        assertThat(Script.comparable(script.run(Script.Feed.RANDOM, 1024, 3))).isEqualTo(Script.comparable(whole));

        var q = whole.get(1);
        assertThat(q.requestBytes()).isEqualTo(query.length).isEqualTo(sql.length() + 1 + 8);
        assertThat(request(q)).containsEntry("sqlTruncated", true).containsEntry("sqlBytes", (long) sql.length());
        assertThat((String) request(q).get("sql")).hasSize(1024).startsWith("SELECT 'xxx");
        assertThat(response(q)).containsEntry("type", "OK");
    }

    @Test
    void an_ssl_request_hands_the_connection_to_raw_recording_marked_tls() {
        var clientHello = b(0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0);
        var all = Script.create()
                .server(greeting("8.0.36", BASE | CLIENT_SSL, "caching_sha2_password"))
                .client(concat(sslRequest(BASE), clientHello))
                .server(b(0x16, 3, 3, 0, 1, 2))
                .close()
                .runAllWays();

        assertThat(all.get(0).protocol()).isEqualTo("mysql");
        assertThat(request(all.get(0))).containsEntry("tls", true);
        assertThat(all.get(0).attributes()).containsEntry("tls", "true");
        assertThat(all.subList(1, all.size())).allSatisfy(i -> {
            assertThat(i.protocol()).isEqualTo("tcp");
            assertThat(i.attributes()).containsEntry("tls", "true");
        });
        assertThat(Script.rawBytes(all, Side.CLIENT)).isEqualTo(clientHello);
        assertThat(Script.countedBytes(all, Side.CLIENT)).isEqualTo(36 + clientHello.length);
    }

    @Test
    void a_compressed_connection_is_marked_and_decoded_after_the_handshake() {
        long caps = BASE | CLIENT_COMPRESS;
        var query = compressed(0, command(3, "SELECT 1"));
        var answer = stored(1, ok(1, 0, 0, 2, 0));
        var all = handshake(caps).client(query).server(answer).close().runAllWays();

        assertThat(request(all.get(0))).containsEntry("compression", "zlib");
        assertThat(all.get(1).protocol()).isEqualTo("mysql");
        assertThat(all.get(1).attributes()).containsEntry("compression", "zlib");
        assertThat(request(all.get(1))).containsEntry("sql", "SELECT 1");
        assertThat(all.get(1).requestBytes()).isEqualTo(query.length);
        assertThat(all.get(1).responseBytes()).isEqualTo(answer.length);
    }

    @Test
    void a_wrong_sequence_id_fails_open_with_a_reason_and_every_byte_is_kept() {
        var script = handshake(BASE)
                .client(command(3, "SELECT 1"))
                .server(ok(5, 0, 0, 2, 0))
                .client(command(3, "SELECT 2"))
                .close();
        var all = script.runAllWays();

        var q = all.get(1);
        assertThat(q.error()).isEqualTo("response not decoded: server packet: sequence id 5 (expected: 1)");
        assertThat(q.response()).isNull();
        var raw = all.get(2);
        assertThat(raw.protocol()).isEqualTo("tcp");
        assertThat(raw.attributes()).containsEntry("decodeError", "server packet: sequence id 5 (expected: 1)");
        assertThat(((TcpData) raw.response()).data().bytes()).isEqualTo(ok(5, 0, 0, 2, 0));
        assertThat(Script.countedBytes(all, Side.CLIENT)).isEqualTo(script.bytes(Side.CLIENT).length);
        assertThat(Script.countedBytes(all, Side.SERVER)).isEqualTo(script.bytes(Side.SERVER).length);
    }

    @Test
    void commands_left_unanswered_when_the_server_closes_are_recorded_with_an_error() {
        var all =
                handshake(BASE).client(command(3, "SELECT SLEEP(100)")).close().runAllWays();
        assertThat(all.get(1).error()).isEqualTo("connection closed before the response");
        assertThat(all.get(1).response()).isNull();

        var reset = handshake(BASE)
                .client(command(3, "SELECT 1"))
                .reset(Side.CLIENT)
                .runAllWays();
        assertThat(reset.get(1).error()).isEqualTo("connection reset before the response");
    }

    @Test
    void an_error_the_server_sends_on_its_own_is_recorded_without_a_request() {
        var all = handshake(BASE)
                .server(err(0, 4031, "HY000", "The client was disconnected by the server because of inactivity."))
                .close()
                .runAllWays();
        assertThat(all.get(1).request()).isNull();
        assertThat(response(all.get(1))).containsEntry("type", "ERR");
    }

    @Test
    void bytes_lost_from_a_capture_end_decoding_and_the_waiting_command_says_why() {
        var out = new java.util.ArrayList<Interaction.Builder>();
        var observer = new dev.chaostesting.internal.observe.ConnectionObserver(
                Script.CONNECTION,
                dev.chaostesting.internal.observe.Codecs.of(new MysqlCodec()),
                null,
                1 << 20,
                out::add);
        for (var e : handshake(BASE).client(command(3, "SELECT 1")).events()) {
            var d = (Script.Data) e;
            observer.onData(d.side(), java.nio.ByteBuffer.wrap(d.bytes()), d.at());
        }
        observer.onGap(Side.SERVER, 100, Script.at(9));
        observer.onData(Side.SERVER, java.nio.ByteBuffer.wrap(ok(1, 0, 0, 2, 0)), Script.at(10));
        observer.onEnd(Side.SERVER, false, Script.at(11));
        observer.onEnd(Side.CLIENT, false, Script.at(12));
        var all = out.stream().map(Interaction.Builder::build).toList();

        assertThat(all.get(1).error()).isEqualTo("response not decoded: 100 bytes missing from the server");
        assertThat(all.get(2).protocol()).isEqualTo("tcp");
        assertThat(all.get(2).attributes()).containsEntry("decodeError", "100 bytes missing from the server");
    }

    @Test
    void quit_is_recorded_with_no_response() {
        var all = handshake(BASE).client(packet(0, b(1))).close().runAllWays();
        assertThat(request(all.get(1))).containsEntry("command", "COM_QUIT");
        assertThat(all.get(1).response()).isNull();
        assertThat(all.get(1).error()).isNull();
    }

    @Test
    void small_max_body_bytes_still_decodes_the_protocol_and_cuts_values() {
        var big = "v".repeat(5000);
        var all = handshake(BASE)
                .client(command(3, "SELECT big FROM t"))
                .server(concat(
                        packet(1, b(1)), column(2, "t", "big", 252, 0x10), eof(3, 2), textRow(4, big), eof(5, 2)))
                .close()
                .runAllWays(16);
        assertThat(request(all.get(1))).containsEntry("sql", "SELECT big FROM ").containsEntry("sqlTruncated", true);
        var cell = ((List<?>) ((List<?>) response(all.get(1)).get("rows")).get(0)).get(0);
        assertThat(cell).isInstanceOf(Body.class);
        assertThat(((Body) cell).size()).isEqualTo(5000);
        assertThat(((Body) cell).truncated()).isTrue();
    }

    @Test
    void other_commands_are_recorded_by_name_with_what_they_carry() {
        var all = handshake(BASE)
                .client(command(2, "inventory"))
                .server(ok(1, 0, 0, 2, 0))
                .client(command(9, ""))
                .server(packet(1, s("Uptime: 10  Threads: 1  Questions: 3")))
                .client(packet(0, b(4), nul("users"), s("%")))
                .server(concat(column(1, "users", "id", 3, 0), column(2, "users", "name", 253, 0), eof(3, 2)))
                .client(packet(
                        0,
                        b(0x11),
                        nul("carol"),
                        b(20),
                        SCRAMBLE,
                        nul("other"),
                        u16(45),
                        nul("mysql_native_password"),
                        lenenc(0)))
                .server(packet(1, b(0xfe), nul("mysql_native_password"), s("0123456789abcdefghij")))
                .client(packet(2, SCRAMBLE))
                .server(ok(3, 0, 0, 2, 0))
                .client(command(0x1f, ""))
                .server(ok(1, 0, 0, 2, 0))
                .client(command(0x0d, ""))
                .server(eof(1, 2))
                .close()
                .runAllWays();

        assertThat(request(all.get(1))).containsEntry("command", "COM_INIT_DB").containsEntry("database", "inventory");
        assertThat(response(all.get(1))).containsEntry("type", "OK");
        assertThat(response(all.get(2)))
                .containsEntry("type", "STRING")
                .containsEntry("text", "Uptime: 10  Threads: 1  Questions: 3");
        assertThat(request(all.get(3)))
                .containsEntry("command", "COM_FIELD_LIST")
                .containsEntry("table", "users");
        assertThat((List<?>) response(all.get(3)).get("columns")).hasSize(2);
        var change = all.get(4);
        assertThat(request(change))
                .containsEntry("command", "COM_CHANGE_USER")
                .containsEntry("user", "carol")
                .containsEntry("database", "other")
                .containsEntry("auth", "<redacted>")
                .containsEntry("authPlugin", "mysql_native_password");
        assertThat(response(change))
                .containsEntry("type", "OK")
                .containsEntry("authFlow", List.of("switch:mysql_native_password"));
        assertThat(change.toString()).doesNotContain("SCRAMBLE");
        assertThat(request(all.get(5))).containsEntry("command", "COM_RESET_CONNECTION");
        assertThat(request(all.get(6))).containsEntry("command", "COM_DEBUG");
        assertThat(response(all.get(6))).containsEntry("type", "EOF");
    }
}
