package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.handshake;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.request;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.response;
import static dev.chaostesting.protocols.mysql.Wire.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.protocols.mysql.MysqlFaults.ServerError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ERR packets made by {@link MysqlFaults}: what the decoder reads from them, and what a real client does with them. */
class MysqlFaultsTest {

    @TempDir
    Path dir;

    @Test
    void an_error_reply_is_the_err_packet_the_protocol_describes() {
        assertThat(MysqlFaults.errorReply(MysqlFaults.DEADLOCK))
                .isEqualTo(err(1, 1213, "40001", "Deadlock found when trying to get lock; try restarting transaction"));
        assertThat(MysqlFaults.errorPacket(7, new ServerError(1205, "HY000", "é")))
                .isEqualTo(err(7, 1205, "HY000", "é"));
        assertThatThrownBy(() -> new ServerError(1213, "4001", "x"))
                .hasMessage("sqlState: '4001' (expected: 5 ASCII characters)");
        assertThatThrownBy(() -> new ServerError(0xffff, "HY000", "x"))
                .hasMessage("code: 65535 (expected: 1 to 65534)");
        assertThatThrownBy(() -> MysqlFaults.errorPacket(256, MysqlFaults.DEADLOCK))
                .hasMessage("sequenceId: 256 (expected: 0 to 255)");
    }

    @Test
    void the_decoder_records_an_injected_error_as_the_answer_to_the_command() {
        var all = handshake(BASE)
                .client(command(3, "UPDATE accounts SET balance = balance - 1 WHERE id = 1"))
                .server(MysqlFaults.errorReply(MysqlFaults.LOCK_WAIT_TIMEOUT))
                .client(command(3, "SELECT 1"))
                .server(MysqlFaults.errorReply(MysqlFaults.DEADLOCK))
                .close()
                .runAllWays();
        assertThat(response(all.get(1)).get("error"))
                .isEqualTo(Map.of(
                        "code", 1205L,
                        "sqlState", "HY000",
                        "message", "Lock wait timeout exceeded; try restarting transaction"));
        assertThat(response(all.get(2)).get("error"))
                .isEqualTo(Map.of(
                        "code", 1213L,
                        "sqlState", "40001",
                        "message", "Deadlock found when trying to get lock; try restarting transaction"));
    }

    /**
     * A relay between the proxy and a real MariaDB answers one query with a deadlock instead of forwarding it: MariaDB
     * Connector/J raises the error, the connection goes on, and the proxy records the injected answer.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void a_real_client_reads_the_injected_deadlock_and_goes_on() throws Exception {
        try (var db = MariaDb.start(dir);
                var tap = new Tap(db.port())
                        .intercept((packet, command) -> command
                                        && packet.length > 5
                                        && packet[4] == 3
                                        && new String(packet, 5, packet.length - 5, StandardCharsets.UTF_8)
                                                .contains("'inject'")
                                ? MysqlFaults.errorReply(MysqlFaults.DEADLOCK)
                                : null);
                var proxy = Interceptor.onPort(tap.port()).record().start()) {
            var url = "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/mysql";
            try (var c = DriverManager.getConnection(url, "root", "")) {
                try (var s = c.createStatement()) {
                    assertThatThrownBy(() -> s.executeQuery("SELECT 'inject'"))
                            .isInstanceOf(SQLTransactionRollbackException.class)
                            .satisfies(e -> {
                                assertThat(((SQLException) e).getErrorCode()).isEqualTo(1213);
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("40001");
                            });
                    try (var rs = s.executeQuery("SELECT 'after'")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("after");
                    }
                }
            }
            var all = MariaDbRealServerTest.awaitQuit(proxy.recording());
            var injected = MariaDbRealServerTest.bySql(all, "SELECT 'inject'");
            assertThat(request(injected)).containsEntry("command", "COM_QUERY");
            assertThat(MariaDbRealServerTest.castMap(response(injected).get("error")))
                    .containsEntry("code", 1213L)
                    .containsEntry("sqlState", "40001");
            assertThat(response(MariaDbRealServerTest.bySql(all, "SELECT 'after'"))
                            .get("rows")
                            .toString())
                    .contains("after");
        }
    }
}
