package dev.chaostesting.protocols.mysql;

import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.request;
import static dev.chaostesting.protocols.mysql.MysqlDecoderTest.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.model.Body;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.testing.DebianPackages;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real MariaDB server and real clients (the mariadb command-line client, MariaDB Connector/J, MySQL Connector/J):
 * sessions through the real proxy give the clients the same results as direct ones and are recorded as expected; a
 * live capture of the same session records the same interactions; the session's bytes, replayed in any fragmentation,
 * decode to the same interactions.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MariaDbRealServerTest {

    static final String PASSWORD = "s3cret-Pa55";
    static final String ED_PASSWORD = "ed-s3cret-Pa55";

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
        db = MariaDb.start(
                dir,
                "--max-allowed-packet=64M",
                "--ssl-cert=" + dir.resolve("cert.pem"),
                "--ssl-key=" + dir.resolve("key.pem"));
        var setup = db.cli(
                db.port(),
                "root",
                null,
                "CREATE DATABASE shop CHARACTER SET utf8mb4; CREATE USER 'alice'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                        + " GRANT ALL ON *.* TO 'alice'@'%'; INSTALL SONAME 'auth_ed25519';"
                        + " CREATE USER 'eve'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('" + ED_PASSWORD + "');"
                        + " GRANT ALL ON *.* TO 'eve'@'%';");
        assertThat(setup.exitCode()).as(setup.output()).isZero();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    static final String CLI_SQL = "DROP TABLE IF EXISTS shop.cli_%1$s; "
            + "CREATE TABLE shop.cli_%1$s (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20)); "
            + "INSERT INTO shop.cli_%1$s (name) VALUES ('a'), ('b'), (NULL); "
            + "SELECT id, name FROM shop.cli_%1$s ORDER BY id; "
            + "SELECT * FROM shop.missing_table;";

    @Test
    void the_cli_gets_the_same_results_through_the_proxy_and_its_queries_are_recorded() throws Exception {
        var direct = db.cli(db.port(), "root", null, CLI_SQL.formatted("t"));
        try (var proxy = Interceptor.onPort(db.port()).record().start()) {
            var proxied = db.cli(proxy.port(), "root", null, CLI_SQL.formatted("t"));
            assertThat(proxied).isEqualTo(direct);
            assertThat(proxied.exitCode()).isEqualTo(1);
            assertThat(proxied.output()).contains("1\ta\n2\tb\n3\tNULL").contains("ERROR 1146 (42S02)");

            var all = awaitQuit(proxy.recording());
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
            assertThat(request(all.get(0)))
                    .containsEntry("command", "HANDSHAKE")
                    .containsEntry("user", "root");
            assertThat(response(all.get(0))).containsEntry("type", "OK");
            assertThat((String) response(all.get(0)).get("serverVersion")).contains("MariaDB");
            var insert = bySql(all, "INSERT INTO shop.cli_t");
            assertThat(response(insert)).containsEntry("affectedRows", 3L).containsEntry("lastInsertId", 1L);
            var select = bySql(all, "SELECT id, name FROM shop.cli_t");
            assertThat(response(select)).containsEntry("rowCount", 3L);
            assertThat(response(select).get("rows"))
                    .isEqualTo(List.of(List.of("1", "a"), List.of("2", "b"), Arrays.asList("3", null)));
            var missing = bySql(all, "SELECT * FROM shop.missing_table");
            assertThat(response(missing).get("error"))
                    .isEqualTo(Map.of(
                            "code", 1146L, "sqlState", "42S02", "message", "Table 'shop.missing_table' doesn't exist"));
            assertThat(castMap(request(select).get("statement"))).containsEntry("kind", "SELECT");
        }
    }

    @Test
    void load_data_local_infile_is_marked_and_followed_to_its_answer() throws Exception {
        var file = dir.resolve("rows.csv");
        Files.writeString(file, "1,x\n2,y\n3,z\n");
        var sql = "CREATE TABLE IF NOT EXISTS shop.loaded (id INT, v VARCHAR(5)); " + "LOAD DATA LOCAL INFILE '" + file
                + "' INTO TABLE shop.loaded FIELDS TERMINATED BY ','";
        try (var proxy = Interceptor.onPort(db.port()).record().start()) {
            var result = db.cli(proxy.port(), "root", null, sql, "--local-infile=1");
            assertThat(result.exitCode()).as(result.output()).isZero();
            var load = bySql(awaitQuit(proxy.recording()), "LOAD DATA LOCAL INFILE");
            assertThat(load.attributes()).containsEntry("localInfile", file.toString());
            assertThat(response(load))
                    .containsEntry("type", "OK")
                    .containsEntry("affectedRows", 3L)
                    .containsEntry("localInfileBytes", 12L);
        }
    }

    @Test
    void passwords_never_reach_the_recording_with_native_and_ed25519_authentication() throws Exception {
        var rec = dir.resolve("rec-passwords");
        try (var proxy = Interceptor.onPort(db.port()).recordTo(rec).start()) {
            var alice = db.cli(proxy.port(), "alice", PASSWORD, "SELECT CURRENT_USER()");
            assertThat(alice.output()).contains("alice@%");
            var eve = db.cli(proxy.port(), "eve", ED_PASSWORD, "SELECT CURRENT_USER()");
            assertThat(eve.output()).contains("eve@%");
            var wrong = db.cli(proxy.port(), "alice", "wrong-password", "SELECT 1");
            assertThat(wrong.output()).contains("ERROR 1045 (28000)");
            assertThat(proxy.recording().awaitCount(7, Duration.ofSeconds(30))).isTrue();
            var handshakes = proxy.recording().interactions().stream()
                    .filter(i -> "HANDSHAKE".equals(request(i).get("command")))
                    .toList();
            assertThat(handshakes)
                    .hasSize(3)
                    .allSatisfy(h -> assertThat(request(h)).containsEntry("auth", "<redacted>"));
            assertThat(response(handshakes.get(1)).get("authFlow").toString()).contains("switch:client_ed25519");
            assertThat(response(handshakes.get(2))).containsEntry("type", "ERR");
        }
        try (var files = Files.walk(rec)) {
            for (var f : files.filter(Files::isRegularFile).toList()) {
                var text = Files.readString(f, StandardCharsets.ISO_8859_1);
                assertThat(text)
                        .as(f.toString())
                        .doesNotContain(PASSWORD)
                        .doesNotContain(ED_PASSWORD)
                        .doesNotContain("wrong-password");
            }
        }
    }

    /**
     * One MariaDB Connector/J session with server-side prepared statements, seen three ways at once: the proxy records
     * it, a live capture of the proxy's connection to the server records it, and a relay between the client and the
     * proxy keeps its bytes for replays in fragments. All recordings agree.
     */
    @Test
    void a_jdbc_session_is_recorded_alike_by_the_proxy_a_live_capture_and_fragmented_replays() throws Exception {
        DebianPackages.require("tcpdump", "tcpdump", true);
        var captured = Collections.synchronizedList(new ArrayList<Interaction>());
        try (var proxy = Interceptor.onPort(db.port()).record().start();
                var tap = new Tap(proxy.port());
                var capture = LiveCapture.start(
                        "lo", "tcp port " + db.port(), CaptureOptions.defaults().onlyPorts(db.port()), captured::add)) {
            var url = "jdbc:mariadb://127.0.0.1:" + tap.port() + "/shop?useServerPrepStmts=true&allowMultiQueries=true";
            try (var c = DriverManager.getConnection(url, "alice", PASSWORD)) {
                jdbcSession(c);
            }
            var proxied = awaitQuit(proxy.recording());
            capture.stop();
            checkJdbcRecording(proxied);

            assertThat(essence(captured)).isEqualTo(essence(proxied));
            var replayed = tap.script().runAllWays();
            assertThat(essence(replayed)).isEqualTo(essence(proxied));
        }
    }

    static void jdbcSession(Connection c) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS types_t");
            s.execute("CREATE TABLE types_t (id BIGINT PRIMARY KEY, i INT, sm SMALLINT, ti TINYINT, d DOUBLE, f FLOAT,"
                    + " de DECIMAL(10,3), v VARCHAR(50), b BLOB, dt DATETIME(6), da DATE, tm TIME, n INT NULL)");
        }
        try (var insert = c.prepareStatement("INSERT INTO types_t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (long id = 1; id <= 2; id++) {
                insert.setLong(1, id);
                insert.setInt(2, -123456);
                insert.setShort(3, (short) 1234);
                insert.setByte(4, (byte) -12);
                insert.setDouble(5, 2.5);
                insert.setFloat(6, 1.5f);
                insert.setBigDecimal(7, new BigDecimal("12.345"));
                insert.setString(8, "héllo ✓ " + id);
                insert.setBytes(9, new byte[] {1, 2, 3, (byte) 255});
                insert.setTimestamp(10, Timestamp.valueOf("2024-02-29 13:14:15.123456"));
                insert.setDate(11, Date.valueOf("2024-01-02"));
                insert.setTime(12, Time.valueOf("12:34:56"));
                insert.setNull(13, Types.INTEGER);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
        }
        try (var select =
                c.prepareStatement("SELECT id, i, d, de, v, dt, da, n FROM types_t WHERE id >= ? ORDER BY id")) {
            select.setLong(1, 1);
            try (var rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(5)).isEqualTo("héllo ✓ 1");
                assertThat(rs.next()).isTrue();
                assertThat(rs.next()).isFalse();
            }
        }
        try (var s = c.createStatement()) {
            assertThat(s.execute("SELECT 1 AS a; SELECT 'two' AS b")).isTrue();
            assertThat(s.getMoreResults()).isTrue();
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM missing_table"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(
                            e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
        }
        assertThatThrownBy(() -> {
                    try (var bad = c.prepareStatement("SELECT nope FROM types_t WHERE id = ?")) {
                        bad.setLong(1, 1);
                        bad.executeQuery();
                    }
                })
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Unknown column 'nope'");
    }

    static void checkJdbcRecording(List<Interaction> all) {
        assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
        var hs = request(all.get(0));
        assertThat(hs)
                .containsEntry("user", "alice")
                .containsEntry("database", "shop")
                .containsEntry("auth", "<redacted>");
        assertThat(castMap(hs.get("clientAttributes"))).containsKey("_client_name");
        assertThat(all.toString()).doesNotContain(PASSWORD);

        var inserts = all.stream()
                .filter(i -> "COM_STMT_EXECUTE".equals(request(i).get("command"))
                        && String.valueOf(request(i).get("sql")).startsWith("INSERT INTO types_t"))
                .toList();
        assertThat(inserts).hasSize(2);
        for (int n = 0; n < 2; n++) {
            var params = (List<?>) request(inserts.get(n)).get("parameters");
            assertThat(params)
                    .as("parameters with types %s", request(inserts.get(n)).get("parameterTypes"))
                    .isEqualTo(Arrays.asList(
                            n + 1L,
                            -123456L,
                            1234L,
                            -12L,
                            2.5,
                            1.5,
                            new BigDecimal("12.345"),
                            "héllo ✓ " + (n + 1),
                            Body.of(new byte[] {1, 2, 3, (byte) 255}),
                            "2024-02-29 13:14:15.123456",
                            "2024-01-02",
                            "12:34:56",
                            null));
            assertThat(response(inserts.get(n))).containsEntry("type", "OK").containsEntry("affectedRows", 1L);
        }
        var select = all.stream()
                .filter(i -> "COM_STMT_EXECUTE".equals(request(i).get("command"))
                        && String.valueOf(request(i).get("sql")).startsWith("SELECT id, i"))
                .findFirst()
                .orElseThrow();
        assertThat(request(select).get("parameters")).isEqualTo(List.of(1L));
        assertThat(response(select)).containsEntry("rowCount", 2L);
        assertThat(((List<?>) response(select).get("rows")).get(0))
                .isEqualTo(Arrays.asList(
                        1L,
                        -123456L,
                        2.5,
                        new BigDecimal("12.345"),
                        "héllo ✓ 1",
                        "2024-02-29 13:14:15.123456",
                        "2024-01-02",
                        null));

        var multi = bySql(all, "SELECT 1 AS a; SELECT 'two' AS b");
        assertThat((List<?>) response(multi).get("results")).hasSize(2);
        assertThat(response(bySql(all, "SELECT * FROM missing_table"))
                        .get("error")
                        .toString())
                .contains("1146");
        var badPrepare = all.stream()
                .filter(i -> "COM_STMT_PREPARE".equals(request(i).get("command"))
                        && String.valueOf(request(i).get("sql")).startsWith("SELECT nope"))
                .findFirst()
                .orElseThrow();
        assertThat(castMap(response(badPrepare).get("error"))).containsEntry("code", 1054L);
    }

    /** A server-prepared SELECT with a string and a long parameter ('cj', 7), as the Connector/J tests run it. */
    private static void preparedSelect(java.sql.Connection c) throws java.sql.SQLException {
        try (var p = c.prepareStatement("SELECT ? AS x, ? AS y")) {
            p.setString(1, "cj");
            p.setLong(2, 7);
            try (var rs = p.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("cj");
            }
        }
    }

    @Test
    void mysql_connector_j_text_and_server_prepared_statements_are_recorded() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).record().start()) {
            var url = "jdbc:mysql://127.0.0.1:" + proxy.port()
                    + "/shop?useServerPrepStmts=true&sslMode=DISABLED&allowPublicKeyRetrieval=true";
            try (var c = DriverManager.getConnection(url, "alice", PASSWORD)) {
                try (var s = c.createStatement();
                        var rs = s.executeQuery("SELECT 40 + 2 AS answer")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(42);
                }
                preparedSelect(c);
            }
            var all = awaitQuit(proxy.recording());
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
            assertThat(request(all.get(0))).containsEntry("user", "alice").containsEntry("auth", "<redacted>");
            assertThat(response(bySql(all, "SELECT 40 + 2 AS answer")).get("rows"))
                    .isEqualTo(List.of(List.of("42")));
            var exec = all.stream()
                    .filter(i -> "COM_STMT_EXECUTE".equals(request(i).get("command")))
                    .findFirst()
                    .orElseThrow();
            assertThat(request(exec)).containsEntry("sql", "SELECT ? AS x, ? AS y");
            assertThat(request(exec).get("parameters")).isEqualTo(List.of("cj", 7L));
            assertThat(response(exec).get("rows").toString()).contains("cj");
        }
    }

    @Test
    void a_query_over_16_mib_is_sent_in_continuation_packets_and_recorded_as_one_command() throws Exception {
        int size = (1 << 24) + 1000;
        var sql = "SELECT LENGTH('" + "a".repeat(size) + "') AS n";
        try (var proxy = Interceptor.onPort(db.port())
                .record()
                .maxRecordedBodyBytes(4096)
                .start()) {
            try (var c = DriverManager.getConnection(
                            "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/shop", "alice", PASSWORD);
                    var s = c.createStatement();
                    var rs = s.executeQuery(sql)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(size);
            }
            var all = awaitQuit(proxy.recording());
            var big = bySql(all, "SELECT LENGTH('aaa");
            byte[] wire = sql.getBytes(StandardCharsets.UTF_8);
            assertThat(big.requestBytes()).isEqualTo(1 + wire.length + 4L * 2);
            assertThat(request(big)).containsEntry("sqlTruncated", true).containsEntry("sqlBytes", (long) wire.length);
            assertThat((String) request(big).get("sql")).hasSize(4096);
            assertThat(response(big).get("rows")).isEqualTo(List.of(List.of(String.valueOf(size))));
        }
    }

    @Test
    void a_tls_session_is_recorded_up_to_its_ssl_request_and_then_as_raw_tls() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).record().start()) {
            var url = "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/shop?sslMode=trust";
            try (var c = DriverManager.getConnection(url, "alice", PASSWORD);
                    var s = c.createStatement();
                    var rs = s.executeQuery("SELECT 'sent over tls'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("sent over tls");
            }
            assertThat(proxy.recording().awaitCount(3, Duration.ofSeconds(30))).isTrue();
            Thread.sleep(500);
            var all = proxy.recording().interactions();
            assertThat(all.get(0).protocol()).isEqualTo("mysql");
            assertThat(request(all.get(0)))
                    .containsEntry("command", "HANDSHAKE")
                    .containsEntry("tls", true);
            assertThat(request(all.get(0))).doesNotContainKey("user");
            assertThat(all.get(0).attributes()).containsEntry("tls", "true");
            assertThat(all.subList(1, all.size())).allSatisfy(i -> {
                assertThat(i.protocol()).isEqualTo("tcp");
                assertThat(i.attributes()).containsEntry("tls", "true");
            });
            assertThat(all.toString()).doesNotContain("sent over tls").doesNotContain("alice");
        }
    }

    @Test
    void a_compressed_cli_session_is_decoded_and_the_client_gets_the_same_results() throws Exception {
        var direct = db.cli(db.port(), "root", null, CLI_SQL.formatted("z"), "--compress");
        try (var proxy = Interceptor.onPort(db.port()).record().start()) {
            var proxied = db.cli(proxy.port(), "root", null, CLI_SQL.formatted("z"), "--compress");
            assertThat(proxied).isEqualTo(direct);
            assertThat(proxied.output()).contains("1\ta\n2\tb\n3\tNULL").contains("ERROR 1146 (42S02)");

            var all = awaitQuit(proxy.recording());
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
            assertThat(request(all.get(0))).containsEntry("compression", "zlib");
            assertThat(all.subList(1, all.size()))
                    .allSatisfy(i -> assertThat(i.attributes()).containsEntry("compression", "zlib"));
            var select = bySql(all, "SELECT id, name FROM shop.cli_z");
            assertThat(response(select).get("rows"))
                    .isEqualTo(List.of(List.of("1", "a"), List.of("2", "b"), Arrays.asList("3", null)));
            assertThat(castMap(response(bySql(all, "SELECT * FROM shop.missing_table"))
                            .get("error")))
                    .containsEntry("code", 1146L);
            assertThat(response(bySql(all, "INSERT INTO shop.cli_z"))).containsEntry("affectedRows", 3L);
        }
    }

    @Test
    void a_compressed_load_data_local_infile_is_followed_to_its_answer() throws Exception {
        var file = dir.resolve("zrows.csv");
        Files.writeString(file, "1,x\n2,y\n3,z\n".repeat(2000));
        var sql = "CREATE TABLE IF NOT EXISTS shop.zloaded (id INT, v VARCHAR(5)); LOAD DATA LOCAL INFILE '" + file
                + "' INTO TABLE shop.zloaded FIELDS TERMINATED BY ','; SELECT COUNT(*) FROM shop.zloaded";
        try (var proxy = Interceptor.onPort(db.port()).record().start()) {
            var result = db.cli(proxy.port(), "root", null, sql, "--local-infile=1", "--compress");
            assertThat(result.exitCode()).as(result.output()).isZero();
            var all = awaitQuit(proxy.recording());
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
            var load = bySql(all, "LOAD DATA LOCAL INFILE");
            assertThat(load.attributes())
                    .containsEntry("localInfile", file.toString())
                    .containsEntry("compression", "zlib");
            assertThat(response(load))
                    .containsEntry("type", "OK")
                    .containsEntry("affectedRows", 6000L)
                    .containsEntry("localInfileBytes", 24000L);
            assertThat(response(bySql(all, "SELECT COUNT(*)")).get("rows")).isEqualTo(List.of(List.of("6000")));
        }
    }

    @Test
    void mysql_connector_j_with_compression_is_decoded() throws Exception {
        try (var proxy = Interceptor.onPort(db.port()).record().start()) {
            var url = "jdbc:mysql://127.0.0.1:" + proxy.port()
                    + "/shop?useServerPrepStmts=true&sslMode=DISABLED&allowPublicKeyRetrieval=true&useCompression=true";
            try (var c = DriverManager.getConnection(url, "alice", PASSWORD)) {
                try (var s = c.createStatement();
                        var rs = s.executeQuery("SELECT 40 + 2 AS answer, REPEAT('q', 70000) AS big")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(42);
                    assertThat(rs.getString(2)).hasSize(70000);
                }
                preparedSelect(c);
            }
            var all = awaitQuit(proxy.recording());
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("mysql"));
            assertThat(request(all.get(0))).containsEntry("compression", "zlib");
            assertThat(response(bySql(all, "SELECT 40 + 2 AS answer")).get("rowCount"))
                    .isEqualTo(1L);
            assertThat(bySql(all, "SELECT 40 + 2 AS answer").attributes()).containsEntry("compression", "zlib");
            var exec = all.stream()
                    .filter(i -> "COM_STMT_EXECUTE".equals(request(i).get("command")))
                    .findFirst()
                    .orElseThrow();
            assertThat(request(exec).get("parameters")).isEqualTo(List.of("cj", 7L));
            assertThat(response(exec).get("rows").toString()).contains("cj");
        }
    }

    /**
     * MariaDB Connector/J with useCompression=true: the proxy decodes the compressed session, text and prepared; a live
     * capture of the proxy's connection to the server and a replay of the same bytes in any fragmentation decode alike,
     * with every wire byte counted once.
     */
    @Test
    void a_compressed_jdbc_session_is_decoded_by_the_proxy_a_live_capture_and_fragmented_replays() throws Exception {
        DebianPackages.require("tcpdump", "tcpdump", true);
        var captured = Collections.synchronizedList(new ArrayList<Interaction>());
        try (var proxy = Interceptor.onPort(db.port()).record().start();
                var tap = new Tap(proxy.port());
                var capture = LiveCapture.start(
                        "lo", "tcp port " + db.port(), CaptureOptions.defaults().onlyPorts(db.port()), captured::add)) {
            var url = "jdbc:mariadb://127.0.0.1:" + tap.port()
                    + "/shop?useServerPrepStmts=true&allowMultiQueries=true&useCompression=true";
            try (var c = DriverManager.getConnection(url, "alice", PASSWORD)) {
                jdbcSession(c);
                try (var s = c.createStatement();
                        var rs = s.executeQuery("SELECT REPEAT('z', 100000) AS big, 'after' AS next")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).hasSize(100000);
                    assertThat(rs.getString(2)).isEqualTo("after");
                }
            }
            var proxied = awaitQuit(proxy.recording());
            capture.stop();
            checkJdbcRecording(proxied);
            assertThat(essence(captured)).isEqualTo(essence(proxied));
            assertThat(request(proxied.get(0))).containsEntry("compression", "zlib");
            assertThat(proxied.subList(1, proxied.size()))
                    .allSatisfy(i -> assertThat(i.attributes()).containsEntry("compression", "zlib"));
            assertThat(response(bySql(proxied, "SELECT REPEAT")).get("rowCount"))
                    .isEqualTo(1L);

            var script = tap.script();
            var replayed = script.runAllWays();
            assertThat(essence(replayed)).isEqualTo(essence(proxied));
            assertThat(Script.countedBytes(replayed, dev.chaostesting.spi.Side.CLIENT))
                    .isEqualTo(script.bytes(dev.chaostesting.spi.Side.CLIENT).length);
            assertThat(Script.countedBytes(replayed, dev.chaostesting.spi.Side.SERVER))
                    .isEqualTo(script.bytes(dev.chaostesting.spi.Side.SERVER).length);
        }
    }

    /** Interactions as recorded, without what differs between observers: times, addresses, connection ids. */
    static List<Map<String, Object>> essence(List<Interaction> all) {
        return all.stream()
                .map(i -> {
                    var m = new LinkedHashMap<String, Object>();
                    m.put("protocol", i.protocol());
                    m.put("request", i.request());
                    m.put("response", i.response());
                    m.put("error", Objects.toString(i.error()));
                    m.put("requestBytes", i.requestBytes());
                    m.put("responseBytes", i.responseBytes());
                    m.put("attributes", i.attributes());
                    return (Map<String, Object>) m;
                })
                .toList();
    }

    /** Waits for the recording to end with the client's COM_QUIT, and returns it. */
    static List<Interaction> awaitQuit(dev.chaostesting.recording.LiveRecording recording) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var all = recording.interactions();
            if (!all.isEmpty()
                    && "COM_QUIT"
                            .equals(
                                    request(all.get(all.size() - 1)) == null
                                            ? null
                                            : request(all.get(all.size() - 1)).get("command"))) {
                return all;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no COM_QUIT recorded: " + recording.interactions());
    }

    static Interaction bySql(List<Interaction> all, String prefix) {
        return all.stream()
                .filter(i -> i.request() != null
                        && String.valueOf(request(i).get("sql")).startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no interaction with SQL " + prefix + " in " + all));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
