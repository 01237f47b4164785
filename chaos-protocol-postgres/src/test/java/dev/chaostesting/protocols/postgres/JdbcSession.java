package dev.chaostesting.protocols.postgres;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.BatchUpdateException;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PGobject;

/**
 * A pgjdbc session that exercises the protocol: extended queries with parameters of many types, named statements
 * (after the prepare threshold), batches, errors, a fetch size (row limits), COPY in and out, LISTEN/NOTIFY, simple
 * queries, and logins by SCRAM, MD5 and cleartext password. Returns what the client saw, one line per step, so that
 * runs with and without an observer can be compared.
 */
final class JdbcSession {

    static final UUID ID = UUID.fromString("0b8e3a6c-1f2d-4c5b-9a8e-7f6d5c4b3a21");

    private JdbcSession() {}

    static List<String> run(int port, String table) throws Exception {
        var seen = new ArrayList<String>();
        var props = new Properties();
        props.setProperty("ApplicationName", "chaos-pg-test");
        try (var c = RealPostgres.connect(port, "postgres", null, props);
                var listener = RealPostgres.connect(port, "postgres", null, new Properties())) {
            try (var s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
                s.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, name text, price numeric(10,2), ok boolean,"
                        + " data bytea, u uuid, d date, ts timestamp, tstz timestamptz, j jsonb, f4 real,"
                        + " f8 double precision, i2 smallint, i8 bigint)");
            }
            try (var listen = listener.createStatement()) {
                listen.execute("LISTEN jobs_" + table);
            }
            // Every common type as a parameter.
            try (var ps =
                    c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "apple");
                ps.setBigDecimal(3, new BigDecimal("12.50"));
                ps.setBoolean(4, true);
                ps.setBytes(5, new byte[] {0, 1, (byte) 0xff});
                ps.setObject(6, ID);
                ps.setDate(7, Date.valueOf("2024-02-29"));
                ps.setTimestamp(8, Timestamp.valueOf("2024-02-29 12:34:56.5"));
                ps.setObject(9, OffsetDateTime.of(2024, 2, 29, 12, 0, 0, 0, ZoneOffset.UTC));
                var json = new PGobject();
                json.setType("jsonb");
                json.setValue("{\"a\": 1}");
                ps.setObject(10, json);
                ps.setFloat(11, 1.5f);
                ps.setDouble(12, -0.25);
                ps.setShort(13, (short) 7);
                ps.setLong(14, 9007199254740993L);
                seen.add("insert " + ps.executeUpdate());
            }
            // A batch: pipelined Parse/Bind/Execute before one Sync.
            try (var ps = c.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
                for (int i = 2; i <= 6; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "item " + i);
                    ps.addBatch();
                }
                seen.add("batch " + java.util.Arrays.toString(ps.executeBatch()));
            }
            // Reuse past the prepare threshold: a named statement and binary results.
            try (var ps = c.prepareStatement("SELECT id, name, i8 FROM " + table + " WHERE id = ?")) {
                for (int i = 1; i <= 7; i++) {
                    ps.setInt(1, i % 6 + 1);
                    try (var rs = ps.executeQuery()) {
                        seen.add("select " + rows(rs));
                    }
                }
            }
            // Errors: a duplicate key, a syntax error, and one in the middle of a batch.
            try (var ps = c.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
                ps.setInt(1, 1);
                ps.setString(2, "dup");
                ps.executeUpdate();
                seen.add("no error");
            } catch (SQLException e) {
                seen.add("error " + e.getSQLState());
            }
            try (var s = c.createStatement()) {
                s.executeQuery("SELEC 1");
            } catch (SQLException e) {
                seen.add("error " + e.getSQLState());
            }
            try (var ps = c.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
                for (int id : new int[] {10, 11, 2, 12}) {
                    ps.setInt(1, id);
                    ps.setString(2, "b" + id);
                    ps.addBatch();
                }
                ps.executeBatch();
                seen.add("no error");
            } catch (BatchUpdateException e) {
                seen.add("batch error " + e.getSQLState());
            }
            // Row limits: a fetch size in a transaction gives Execute with max rows and PortalSuspended.
            c.setAutoCommit(false);
            try (var ps = c.prepareStatement("SELECT g FROM generate_series(1, 5) g")) {
                ps.setFetchSize(2);
                try (var rs = ps.executeQuery()) {
                    seen.add("fetch " + rows(rs));
                }
            }
            try (var ps = c.prepareStatement("UPDATE " + table + " SET ok = ? WHERE id > ?")) {
                ps.setNull(1, Types.BOOLEAN);
                ps.setInt(2, 3);
                seen.add("update " + ps.executeUpdate());
            }
            c.commit();
            c.setAutoCommit(true);
            // COPY both ways.
            var copy = new CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class));
            seen.add("copy in "
                    + copy.copyIn(
                            "COPY " + table + " (id, name) FROM STDIN",
                            new StringReader("20\tc20\n21\tc21\n22\tc22\n")));
            var out = new ByteArrayOutputStream();
            seen.add("copy out "
                    + copy.copyOut(
                            "COPY (SELECT id, name FROM " + table + " WHERE id >= 20 ORDER BY id)" + " TO STDOUT", out)
                    + " "
                    + out.toString(java.nio.charset.StandardCharsets.UTF_8).replace("\n", "|"));
            // NOTIFY from this connection, received by the listener.
            try (var ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, "jobs_" + table);
                ps.setString(2, "job 42 done");
                ps.executeQuery().close();
            }
            // A query cancelled from another connection (CancelRequest with this backend's pid and key).
            try (var st = c.createStatement()) {
                var done = new java.util.concurrent.atomic.AtomicBoolean();
                var canceller = new Thread(() -> {
                    while (!done.get()) {
                        try {
                            Thread.sleep(700);
                            if (!done.get()) {
                                st.cancel();
                            }
                        } catch (InterruptedException | SQLException e) {
                            return;
                        }
                    }
                });
                canceller.start();
                try {
                    st.execute("SELECT pg_sleep(30)");
                    seen.add("not cancelled");
                } catch (SQLException e) {
                    seen.add("cancelled " + e.getSQLState());
                } finally {
                    done.set(true);
                    canceller.join();
                }
            }
            var notifications = listener.unwrap(PGConnection.class).getNotifications(10_000);
            seen.add("notified " + (notifications == null ? 0 : notifications.length) + " "
                    + (notifications == null || notifications.length == 0 ? "" : notifications[0].getParameter()));
        }
        // The simple query protocol: several statements in one Query.
        var simple = new Properties();
        simple.setProperty("preferQueryMode", "simple");
        try (var c = RealPostgres.connect(port, "postgres", null, simple);
                var s = c.createStatement()) {
            s.execute("SELECT count(*) FROM " + table + "; SELECT name FROM " + table + " WHERE id = 1");
            try (var rs = s.getResultSet()) {
                seen.add("simple " + rows(rs));
            }
            try {
                s.execute("SELECT 1/0");
            } catch (SQLException e) {
                seen.add("simple error " + e.getSQLState());
            }
        }
        // Logins with passwords: the recording must hold none of them.
        for (var login : List.of(
                List.of("scram_user", RealPostgres.SCRAM_PASSWORD),
                List.of("md5_user", RealPostgres.MD5_PASSWORD),
                List.of("clear_user", RealPostgres.CLEARTEXT_PASSWORD))) {
            try (var c = RealPostgres.connect(port, login.get(0), login.get(1), new Properties());
                    var s = c.createStatement();
                    var rs = s.executeQuery("SELECT current_user")) {
                seen.add("login " + rows(rs));
            }
        }
        return seen;
    }

    private static String rows(ResultSet rs) throws SQLException {
        var out = new StringBuilder();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            out.append('[');
            for (int i = 1; i <= n; i++) {
                out.append(i > 1 ? "," : "").append(rs.getString(i));
            }
            out.append(']');
        }
        return out.toString();
    }
}
