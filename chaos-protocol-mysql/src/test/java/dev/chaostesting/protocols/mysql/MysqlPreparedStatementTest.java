package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.handshake;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.request;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.response;
import static dev.chaostesting.protocols.mysql.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Prepared statements: binary parameters of every type family, reused types, long data, pipelining, binary rows. */
class MysqlPreparedStatementTest {

    static final long CAPS = BASE | CLIENT_DEPRECATE_EOF;

    static byte[] prepareOk(long id, int columns, int params) {
        return packet(1, b(0), u32(id), u16(columns), u16(params), b(0), u16(0));
    }

    /** Types: LONGLONG, DOUBLE, NEWDECIMAL, VAR_STRING, BLOB, DATETIME, TIME, LONG, unsigned TINY, DATE, FLOAT. */
    static final byte[] TYPES = concat(
            u16(8), u16(5), u16(246), u16(253), u16(252), u16(12), u16(11), u16(3), u16(1 | 0x8000), u16(10), u16(4));

    static byte[] values(long first, boolean withBlob) {
        return concat(
                u64(first),
                u64(Double.doubleToLongBits(2.5)),
                lenencString("12.34"),
                lenencString("héllo"),
                withBlob ? concat(lenenc(4), b(0, 1, 2, 255)) : new byte[0],
                b(11),
                u16(2024),
                b(2, 29, 13, 14, 15),
                u32(123456),
                b(8, 1),
                u32(1),
                b(2, 3, 4),
                // parameter 7 is NULL: no value
                b(200),
                b(4),
                u16(2024),
                b(1, 2),
                u32(Float.floatToIntBits(1.5f)));
    }

    static byte[] execute(long id, boolean bound, byte[] values) {
        return packet(
                0,
                b(0x17),
                u32(id),
                b(0),
                u32(1),
                b(0x80, 0x00),
                b(bound ? 1 : 0),
                bound ? TYPES : new byte[0],
                values);
    }

    static List<Object> expected(long first, Object blob) {
        return Arrays.asList(
                first,
                2.5,
                new BigDecimal("12.34"),
                "héllo",
                blob,
                "2024-02-29 13:14:15.123456",
                "-26:03:04",
                null,
                200L,
                "2024-02-01".replace("02-01", "01-02"),
                1.5);
    }

    @Test
    void execute_parameters_are_decoded_by_type_and_reused_types_and_long_data_are_understood() {
        var sql = "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        var script = handshake(CAPS).client(command(0x16, sql));
        var prepare = new byte[0];
        prepare = concat(prepare, prepareOk(1, 0, 11));
        for (int i = 0; i < 11; i++) {
            prepare = concat(prepare, column(2 + i, "", "?", 253, 0));
        }
        var longData = new byte[1000];
        script.server(prepare)
                .client(execute(1, true, values(42, true)))
                .server(ok(1, 1, 0, 2, 0))
                .client(execute(1, false, values(-7, true)))
                .server(ok(1, 1, 0, 2, 0))
                .client(packet(0, b(0x18), u32(1), u16(4), longData))
                .client(packet(0, b(0x18), u32(1), u16(4), longData))
                .client(execute(1, false, values(1, false)))
                .server(ok(1, 1, 0, 2, 0))
                .client(packet(0, b(0x19), u32(1)))
                .client(execute(1, false, values(1, true)))
                .server(err(1, 1243, "HY000", "Unknown prepared statement handler (1) given to mysqld_stmt_execute"))
                .close();
        var all = script.runAllWays();

        assertThat(all)
                .extracting(i -> request(i).get("command"))
                .containsExactly(
                        "HANDSHAKE",
                        "COM_STMT_PREPARE",
                        "COM_STMT_EXECUTE",
                        "COM_STMT_EXECUTE",
                        "COM_STMT_SEND_LONG_DATA",
                        "COM_STMT_SEND_LONG_DATA",
                        "COM_STMT_EXECUTE",
                        "COM_STMT_CLOSE",
                        "COM_STMT_EXECUTE");
        assertThat(response(all.get(1)))
                .containsEntry("type", "PREPARED")
                .containsEntry("statementId", 1L)
                .containsEntry("parameterCount", 11L)
                .containsEntry("columnCount", 0L);
        var first = request(all.get(2));
        assertThat(first).containsEntry("statementId", 1L).containsEntry("sql", sql);
        assertThat(first.get("parameterTypes"))
                .isEqualTo(List.of(
                        "LONGLONG",
                        "DOUBLE",
                        "NEWDECIMAL",
                        "VAR_STRING",
                        "BLOB",
                        "DATETIME",
                        "TIME",
                        "LONG",
                        "TINY",
                        "DATE",
                        "FLOAT"));
        assertThat(first.get("parameters")).isEqualTo(expected(42, Body.of(b(0, 1, 2, 255))));
        assertThat(request(all.get(3)).get("parameters")).isEqualTo(expected(-7, Body.of(b(0, 1, 2, 255))));
        assertThat(request(all.get(4))).containsEntry("parameter", 4L).containsEntry("dataBytes", 1000L);
        assertThat(request(all.get(6)).get("parameters")).isEqualTo(expected(1, Map.of("longDataBytes", 2000L)));
        assertThat(all.get(7).response()).isNull();
        assertThat(request(all.get(7))).containsEntry("sql", sql);
        assertThat(request(all.get(8)))
                .containsEntry("parametersError", "statement 1 was not prepared on this connection");
        assertThat(response(all.get(8))).containsEntry("type", "ERR");
    }

    @Test
    void a_pipelined_prepare_and_execute_and_its_binary_rows_are_decoded() {
        var sql = "SELECT id, price, created FROM items WHERE id > ?";
        var prepare = concat(
                prepareOk(7, 3, 1),
                column(2, "", "?", 8, 0),
                column(3, "items", "id", 8, 0),
                column(4, "items", "price", 5, 0),
                column(5, "items", "created", 12, 0));
        var rows = concat(
                packet(1, b(3)),
                column(2, "items", "id", 8, 0),
                column(3, "items", "price", 5, 0),
                column(4, "items", "created", 12, 0),
                packet(5, b(0, 0), u64(1), u64(Double.doubleToLongBits(9.99)), b(7), u16(2024), b(1, 2, 3, 4, 5)),
                packet(6, b(0, 0x08), u64(2), b(4), u16(2024), b(1, 3)),
                okEof(7, 2));
        var all = handshake(CAPS)
                .client(concat(
                        command(0x16, sql),
                        packet(0, b(0x17), u32(0xffffffffL), b(0), u32(1), b(0), b(1), u16(8), u64(0))))
                .server(prepare)
                .server(rows)
                .client(packet(0, b(0x1a), u32(7)))
                .server(ok(1, 0, 0, 2, 0))
                .close()
                .runAllWays();

        var exec = all.get(2);
        assertThat(request(exec)).containsEntry("statementId", 7L).containsEntry("sql", sql);
        assertThat(request(exec).get("parameters")).isEqualTo(List.of(0L));
        assertThat(response(exec)).containsEntry("type", "RESULT_SET").containsEntry("rowCount", 2L);
        assertThat(response(exec).get("rows"))
                .isEqualTo(List.of(
                        List.of(1L, 9.99, "2024-01-02 03:04:05"), Arrays.asList(2L, null, "2024-01-03 00:00:00")));
        assertThat(request(all.get(3)))
                .containsEntry("command", "COM_STMT_RESET")
                .containsEntry("statementId", 7L);
        assertThat(response(all.get(3))).containsEntry("type", "OK");
    }
}
