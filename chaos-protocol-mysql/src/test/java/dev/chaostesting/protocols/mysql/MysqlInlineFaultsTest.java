package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.request;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.protocols.mysql.MysqlInlineTest.FakeContext;
import dev.chaostesting.protocols.mysql.internal.MysqlInline;
import dev.chaostesting.spi.Side;
import dev.chaostesting.testing.DebianPackages;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/**
 * Protocol faults in line with a real MariaDB server and real clients (MariaDB Connector/J, text and server-side
 * prepared statements; the mariadb command-line client): the client gets the injected error code and SQLSTATE, the
 * server never runs the faulted statement, other statements on the same connection are unaffected, removing the fault
 * restores normal answers, a fault injected into an open pooled connection acts on it, a lost connection is reported as
 * one, and TLS and compressed connections pass through. A real session's bytes, fed to the handler in any
 * fragmentation, give the same result.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MysqlInlineFaultsTest {

    @TempDir
    static Path dir;

    static MariaDb db;

    @BeforeAll
    static void startServer() throws Exception {
        var openssl = DebianPackages.require("openssl", "openssl", true);
        var made = new ProcessBuilder(
                        openssl.toString(),
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=localhost",
                        "-keyout",
                        dir.resolve("key.pem").toString(),
                        "-out",
                        dir.resolve("cert.pem").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        assertThat(made.waitFor(60, TimeUnit.SECONDS) && made.exitValue() == 0)
                .as("openssl made a certificate")
                .isTrue();
        db = MariaDb.start(dir, "--ssl-cert=" + dir.resolve("cert.pem"), "--ssl-key=" + dir.resolve("key.pem"));
        var setup = db.cli(db.port(), "root", null, "CREATE DATABASE shop;");
        assertThat(setup.exitCode()).as(setup.output()).isZero();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void freshTable() throws Exception {
        try (var c = direct();
                var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS shop.accounts");
            s.execute("CREATE TABLE shop.accounts (id INT PRIMARY KEY, balance INT) ENGINE=InnoDB");
            s.execute("INSERT INTO shop.accounts VALUES (1, 100), (2, 200)");
        }
    }

    static Connection direct() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(db.port(), "shop", "user=root"));
    }

    static Connection via(int port, String options) throws SQLException {
        return DriverManager.getConnection(
                db.jdbcUrl(port, "shop", "user=root" + (options.isEmpty() ? "" : "&" + options)));
    }

    /** The balance as the server has it, read on a direct connection. */
    static int balance(int id) throws SQLException {
        try (var c = direct();
                var s = c.createStatement();
                var r = s.executeQuery("SELECT balance FROM shop.accounts WHERE id = " + id)) {
            r.next();
            return r.getInt(1);
        }
    }

    static int balance(Connection c, int id) throws SQLException {
        try (var s = c.createStatement();
                var r = s.executeQuery("SELECT balance FROM accounts WHERE id = " + id)) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void a_matching_text_update_gets_the_deadlock_error_and_never_reaches_the_server() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().record().start();
                var c = via(proxy.port(), "")) {
            assertThat(balance(c, 1)).isEqualTo(100);
            // Injected while the connection is open.
            try (var fault = proxy.inject(MysqlFaults.statementError("UPDATE", "accounts", MysqlFaults.DEADLOCK))) {
                try (var s = c.createStatement()) {
                    assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1"))
                            .isInstanceOf(SQLTransactionRollbackException.class)
                            .hasMessageContaining("Deadlock found")
                            .satisfies(e -> {
                                assertThat(((SQLException) e).getErrorCode()).isEqualTo(1213);
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("40001");
                            });
                    // Other statements on the same connection are unaffected.
                    assertThat(s.executeUpdate("INSERT INTO accounts VALUES (3, 300)"))
                            .isEqualTo(1);
                }
                assertThat(balance(c, 1)).isEqualTo(100);
                assertThat(balance(1)).as("the server never ran the update").isEqualTo(100);
                assertThat(balance(3)).isEqualTo(300);
            }
            // Removing the fault restores normal answers.
            try (var s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1"))
                        .isEqualTo(1);
            }
            assertThat(balance(1)).isEqualTo(0);
        }
    }

    @Test
    void inside_a_transaction_a_deadlock_rolls_it_back_as_the_server_would_and_the_retry_succeeds() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().start();
                var c = via(proxy.port(), "")) {
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE accounts SET balance = 250 WHERE id = 2"))
                        .isEqualTo(1);
                try (var fault = proxy.inject(MysqlFaults.statementError("UPDATE", null, MysqlFaults.DEADLOCK))) {
                    assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 50 WHERE id = 1"))
                            .isInstanceOf(SQLTransactionRollbackException.class);
                }
                // The server rolled the transaction back: the first update is gone too.
                assertThat(balance(c, 2)).isEqualTo(200);
                // The retry of the whole transaction succeeds.
                s.executeUpdate("UPDATE accounts SET balance = 250 WHERE id = 2");
                s.executeUpdate("UPDATE accounts SET balance = 50 WHERE id = 1");
                c.commit();
            }
            assertThat(balance(1)).isEqualTo(50);
            assertThat(balance(2)).isEqualTo(250);
        }
    }

    @Test
    void the_recording_in_line_has_the_faulted_update_with_the_injected_error() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().record().start()) {
            try (var c = via(proxy.port(), "");
                    var s = c.createStatement()) {
                proxy.inject(MysqlFaults.statementError("UPDATE", null, MysqlFaults.LOCK_WAIT_TIMEOUT));
                assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 5 WHERE id = 2"))
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getErrorCode()).isEqualTo(1205);
                            assertThat(((SQLException) e).getSQLState()).isEqualTo("HY000");
                        });
                try (var r = s.executeQuery("SELECT balance FROM accounts WHERE id = 2")) {
                    r.next();
                    assertThat(r.getInt(1)).isEqualTo(200);
                }
            }
            var all = MariaDbRealServerTest.awaitQuit(proxy.recording());
            var update = MariaDbRealServerTest.bySql(all, "UPDATE accounts SET balance = 5");
            assertThat(update.attributes()).containsEntry("faults", "mysql_1205");
            assertThat(response(update).get("error"))
                    .isEqualTo(Map.of(
                            "code", 1205L,
                            "sqlState", "HY000",
                            "message", "Lock wait timeout exceeded; try restarting transaction"));
            var select = MariaDbRealServerTest.bySql(all, "SELECT balance FROM accounts WHERE id = 2");
            assertThat(response(select)).containsEntry("rowCount", 1L).doesNotContainKey("error");
        }
    }

    @Test
    void a_server_side_prepared_update_gets_the_error_and_the_statement_works_once_the_fault_is_removed()
            throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().record().start();
                var c = via(proxy.port(), "useServerPrepStmts=true")) {
            try (var ps = c.prepareStatement("UPDATE accounts SET balance = ? WHERE id = ?");
                    var select = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
                try (var fault =
                        proxy.inject(MysqlFaults.statementErrorMatching("^update\\s+accounts", MysqlFaults.DEADLOCK))) {
                    // The first execution sends COM_STMT_PREPARE and COM_STMT_EXECUTE together (pipelined): the
                    // error answers the execute, after the server's answer to the prepare.
                    ps.setInt(1, 7);
                    ps.setInt(2, 1);
                    assertThatThrownBy(ps::executeUpdate)
                            .isInstanceOf(SQLTransactionRollbackException.class)
                            .satisfies(e -> assertThat(((SQLException) e).getErrorCode())
                                    .isEqualTo(1213));
                    // The second one names the statement by its id, from the prepare's answer.
                    ps.setInt(1, 8);
                    assertThatThrownBy(ps::executeUpdate)
                            .isInstanceOf(SQLTransactionRollbackException.class)
                            .satisfies(e ->
                                    assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
                    select.setInt(1, 1);
                    try (var r = select.executeQuery()) {
                        assertThat(r.next()).isTrue();
                        assertThat(r.getInt(1)).isEqualTo(100);
                    }
                    assertThat(balance(1)).as("the server never ran the update").isEqualTo(100);
                }
                ps.setInt(1, 9);
                ps.setInt(2, 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                assertThat(balance(1)).isEqualTo(9);
            }
            // Recorded as the client had it: the two faulted executions with the injected error (the connection's
            // faults attribute names the fault from then on), the select and the last update with their own answers.
            var executes = proxy.recording().interactions().stream()
                    .filter(i -> "COM_STMT_EXECUTE".equals(command(i)))
                    .toList();
            assertThat(executes)
                    .extracting(i -> response(i).get("error") instanceof Map<?, ?> e ? (Object) e.get("code") : null)
                    .containsExactly(1213L, 1213L, null, null);
            assertThat(executes.get(0).attributes()).containsEntry("faults", "mysql_1213");
            assertThat(request(executes.get(0))).containsEntry("sql", "UPDATE accounts SET balance = ? WHERE id = ?");
        }
    }

    @Test
    void a_fault_injected_into_an_open_pooled_connection_acts_on_it() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().start();
                var pool = new MariaDbPoolDataSource(
                        db.jdbcUrl(proxy.port(), "shop", "user=root&maxPoolSize=1&minPoolSize=1"))) {
            long connectionId;
            try (var c = pool.getConnection()) {
                connectionId = connectionId(c);
            }
            try (var fault = proxy.inject(MysqlFaults.statementError(
                    "DELETE",
                    "accounts",
                    new MysqlFaults.ServerError(1317, "70100", "Query execution was interrupted")))) {
                try (var c = pool.getConnection();
                        var s = c.createStatement()) {
                    assertThat(connectionId(c)).as("the same pooled connection").isEqualTo(connectionId);
                    assertThatThrownBy(() -> s.executeUpdate("DELETE FROM accounts WHERE id = 2"))
                            .satisfies(e -> {
                                assertThat(((SQLException) e).getErrorCode()).isEqualTo(1317);
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("70100");
                            });
                }
            }
            assertThat(balance(2)).isEqualTo(200);
            try (var c = pool.getConnection();
                    var s = c.createStatement()) {
                assertThat(connectionId(c)).isEqualTo(connectionId);
                assertThat(s.executeUpdate("DELETE FROM accounts WHERE id = 2")).isEqualTo(1);
            }
        }
    }

    @Test
    void without_protocol_faults_mode_a_connection_opened_under_the_fault_runs_in_line() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).start()) {
            proxy.inject(Faults.protocol(
                    "mysql",
                    Map.of(
                            "match", Map.of("command", "QUERY", "sql", "balance = 42"),
                            "error", Map.of("code", 1040))));
            try (var c = via(proxy.port(), "");
                    var s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 42 WHERE id = 1"))
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getErrorCode()).isEqualTo(1040);
                            assertThat(((SQLException) e).getSQLState()).isEqualTo("08004");
                        })
                        .hasMessageContaining("Too many connections");
                assertThat(s.executeUpdate("UPDATE accounts SET balance = 43 WHERE id = 1"))
                        .isEqualTo(1);
            }
            assertThat(balance(1)).isEqualTo(43);
        }
    }

    @Test
    void multi_results_pass_and_a_fault_answers_the_query_after_them() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().start();
                var c = via(proxy.port(), "allowMultiQueries=true");
                var s = c.createStatement()) {
            proxy.inject(MysqlFaults.statementErrorMatching("balance = -1", MysqlFaults.DEADLOCK));
            assertThat(s.execute("SELECT 1; SELECT id FROM accounts ORDER BY id; UPDATE accounts SET balance = 1"))
                    .isTrue();
            try (var r = s.getResultSet()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getInt(1)).isEqualTo(1);
            }
            assertThat(s.getMoreResults()).isTrue();
            var ids = new ArrayList<Integer>();
            try (var r = s.getResultSet()) {
                while (r.next()) {
                    ids.add(r.getInt(1));
                }
            }
            assertThat(ids).containsExactly(1, 2);
            assertThat(s.getMoreResults()).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(2);
            assertThatThrownBy(() -> s.execute("UPDATE accounts SET balance = -1; SELECT 1"))
                    .satisfies(
                            e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1213));
            assertThat(balance(c, 1)).isEqualTo(1);
        }
    }

    @Test
    void a_lost_connection_fault_makes_the_clients_report_a_lost_connection() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().start()) {
            proxy.inject(MysqlFaults.lostConnection("UPDATE", "accounts", false));
            try (var c = via(proxy.port(), "");
                    var s = c.createStatement()) {
                assertThat(balance(c, 1)).isEqualTo(100);
                assertThatThrownBy(() -> s.executeUpdate("UPDATE accounts SET balance = 0 WHERE id = 1"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).startsWith("08"));
                assertThat(c.isValid(2)).isFalse();
            }
            // The command-line client names it: error 2013.
            var cli = db.cli(proxy.port(), "root", null, "SELECT 1; UPDATE shop.accounts SET balance = 0 WHERE id = 2");
            assertThat(cli.exitCode()).isNotZero();
            assertThat(cli.output()).contains("ERROR 2013").contains("Lost connection");
            assertThat(balance(1)).isEqualTo(100);
            assertThat(balance(2)).isEqualTo(200);
        }
    }

    @Test
    void tls_and_compressed_connections_pass_through_untouched() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).protocolFaults().start()) {
            proxy.inject(MysqlFaults.statementError("UPDATE", "accounts", MysqlFaults.DEADLOCK));
            for (var options : List.of("sslMode=trust", "useCompression=true")) {
                try (var c = via(proxy.port(), options);
                        var s = c.createStatement()) {
                    assertThat(s.executeUpdate("UPDATE accounts SET balance = balance + 1 WHERE id = 1"))
                            .as(options)
                            .isEqualTo(1);
                    if (options.startsWith("ssl")) {
                        try (var r = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
                            r.next();
                            assertThat(r.getString(2)).isNotEmpty();
                        }
                    }
                }
            }
            assertThat(balance(1)).isEqualTo(102);
        }
    }

    @Test
    void a_real_session_through_the_handler_in_any_fragmentation_gives_the_same_result() throws Exception {
        List<Tap.Chunk> chunks;
        try (var tap = new Tap(db.port());
                var c = via(tap.port(), "useServerPrepStmts=true&allowMultiQueries=true")) {
            try (var s = c.createStatement()) {
                s.execute("SELECT 1; SELECT id, balance FROM accounts ORDER BY id");
                s.executeUpdate("UPDATE accounts SET balance = balance WHERE id = 1");
            }
            try (var ps = c.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
                ps.setInt(1, 2);
                ps.executeQuery().close();
            }
            c.close();
            Thread.sleep(200);
            chunks = tap.chunks();
        }
        var session = new java.io.ByteArrayOutputStream();
        var fromServer = new java.io.ByteArrayOutputStream();
        for (var ch : chunks) {
            (ch.fromClient() ? session : fromServer).writeBytes(ch.bytes());
        }
        // Without a fault every byte passes unchanged, in any fragmentation.
        for (long seed = 0; seed < 4; seed++) {
            var ctx = feed(chunks, List.of(), seed);
            assertThat(ctx.toServer.toByteArray()).isEqualTo(session.toByteArray());
            assertThat(ctx.toClient.toByteArray()).isEqualTo(fromServer.toByteArray());
        }
        // With one, the outcome is the same whole, one byte at a time and in random pieces, and the update is held.
        var fault = List.of(MysqlFaults.statementError("UPDATE", "accounts", MysqlFaults.DEADLOCK));
        var whole = feed(chunks, fault, -1);
        assertThat(whole.acted).containsExactly("mysql_1213");
        assertThat(whole.toServer.toString(java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("UPDATE accounts")
                .contains("SELECT balance FROM accounts WHERE id = ?");
        assertThat(whole.toClient.toString(java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("Deadlock found");
        for (long seed = 0; seed < 6; seed++) {
            assertThat(feed(chunks, fault, seed).outcome()).isEqualTo(whole.outcome());
        }
    }

    /** Feeds the chunks: whole (seed -1), one byte at a time (seed 0) or in random pieces. */
    static FakeContext feed(List<Tap.Chunk> chunks, List<dev.chaostesting.fault.Fault> faults, long seed) {
        var ctx = new FakeContext(faults);
        var handler = new MysqlInline(ctx);
        var random = new Random(seed);
        for (var ch : chunks) {
            var side = ch.fromClient() ? Side.CLIENT : Side.SERVER;
            var b = ch.bytes();
            int at = 0;
            while (at < b.length) {
                int n = seed < 0 ? b.length : seed == 0 ? 1 : 1 + random.nextInt(Math.min(b.length - at, 37));
                n = Math.min(n, b.length - at);
                handler.onData(side, ByteBuffer.wrap(b, at, n).asReadOnlyBuffer());
                at += n;
            }
        }
        handler.onEnd(Side.CLIENT);
        handler.onEnd(Side.SERVER);
        return ctx;
    }

    static String command(Interaction i) {
        var r = request(i);
        return r == null ? null : String.valueOf(r.get("command"));
    }

    static long connectionId(Connection c) throws SQLException {
        try (var s = c.createStatement();
                var r = s.executeQuery("SELECT CONNECTION_ID()")) {
            r.next();
            return r.getLong(1);
        }
    }
}
