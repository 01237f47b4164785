package dev.chaostesting.protocols.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.model.StructuredMessage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Protocol faults in line with a real PostgreSQL and a real JDBC client (pgjdbc): matching statements get the injected
 * SQLSTATE, the server never runs them, other statements on the same connection are unaffected, and faults injected
 * into an open (pooled) connection act on it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresInlineFaultsTest {

    private static int value(Connection c, int id) throws SQLException {
        try (var s = c.createStatement();
                var r = s.executeQuery("SELECT v FROM chaos_inline WHERE id = " + id)) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void a_matching_update_gets_40001_and_never_reaches_the_server() throws Exception {
        int pg = RealPostgres.port();
        try (var proxy = Interceptor.onPort(pg).protocolFaults().record().start();
                var c = RealPostgres.connect(proxy.port(), "postgres", null, new Properties())) {
            try (var s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS chaos_inline");
                s.execute("CREATE TABLE chaos_inline (id int PRIMARY KEY, v int)");
                s.execute("INSERT INTO chaos_inline VALUES (1, 10), (2, 20)");
            }
            // Injected while the connection is open, as into a service's pool.
            try (var fault = proxy.inject(PostgresFaults.statementError("UPDATE", "chaos_inline", "40001"))) {
                // Simple query protocol.
                try (var s = c.createStatement()) {
                    assertThatThrownBy(() -> s.execute("UPDATE chaos_inline SET v = 11 WHERE id = 1"))
                            .isInstanceOf(SQLException.class)
                            .satisfies(e ->
                                    assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"))
                            .hasMessageContaining("could not serialize access");
                }
                // Extended query protocol, with a parameter.
                try (var ps = c.prepareStatement("UPDATE chaos_inline SET v = ? WHERE id = ?")) {
                    ps.setInt(1, 21);
                    ps.setInt(2, 2);
                    assertThatThrownBy(ps::executeUpdate)
                            .isInstanceOf(SQLException.class)
                            .satisfies(e ->
                                    assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"));
                }
                // Other statements on the same connection are unaffected, and the server never ran the updates.
                assertThat(value(c, 1)).isEqualTo(10);
                assertThat(value(c, 2)).isEqualTo(20);
            }
            try (var ps = c.prepareStatement("UPDATE chaos_inline SET v = ? WHERE id = ?")) {
                ps.setInt(1, 21);
                ps.setInt(2, 2);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(value(c, 2)).isEqualTo(21);
            // The recording is the conversation as the client had it: the update, answered by the injected error.
            assertThat(proxy.recording().interactions())
                    .filteredOn(i -> i.request() instanceof StructuredMessage m
                            && String.valueOf(m.get("sql")).startsWith("UPDATE chaos_inline SET v = 11"))
                    .singleElement()
                    .satisfies(i -> {
                        assertThat(i.attributes()).containsEntry("faults", "postgresql_40001");
                        var error = (Map<?, ?>) ((StructuredMessage) i.response()).get("error");
                        assertThat(error.get("code")).isEqualTo("40001");
                    });
            // And the statements after it are paired with their own answers.
            assertThat(proxy.recording().interactions())
                    .filteredOn(i -> i.request() instanceof StructuredMessage m
                            && String.valueOf(m.get("sql")).startsWith("SELECT v FROM chaos_inline"))
                    .allSatisfy(i -> assertThat(((StructuredMessage) i.response()).get("error"))
                            .isNull());
        }
    }

    @Test
    void inside_a_transaction_the_error_fails_it_and_rollback_recovers() throws Exception {
        int pg = RealPostgres.port();
        try (var proxy = Interceptor.onPort(pg).protocolFaults().start();
                var c = RealPostgres.connect(proxy.port(), "postgres", null, new Properties())) {
            try (var s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS chaos_inline");
                s.execute("CREATE TABLE chaos_inline (id int PRIMARY KEY, v int)");
                s.execute("INSERT INTO chaos_inline VALUES (1, 10)");
            }
            proxy.inject(Faults.protocol(
                    "postgresql", Map.of("match", Map.of("kind", "DELETE"), "error", Map.of("code", "40P01"))));
            c.setAutoCommit(false);
            try (var s = c.createStatement()) {
                s.execute("UPDATE chaos_inline SET v = 12 WHERE id = 1");
                assertThatThrownBy(() -> s.execute("DELETE FROM chaos_inline WHERE id = 1"))
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("40P01"))
                        .hasMessageContaining("deadlock detected");
            }
            c.rollback();
            c.setAutoCommit(true);
            assertThat(value(c, 1)).isEqualTo(10);
        }
    }

    @Test
    void a_fatal_fault_ends_the_session_and_the_client_sees_57P01() throws Exception {
        int pg = RealPostgres.port();
        try (var proxy = Interceptor.onPort(pg).protocolFaults().start();
                var c = RealPostgres.connect(proxy.port(), "postgres", null, new Properties())) {
            proxy.inject(PostgresFaults.terminateOn("SELECT"));
            try (var s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT 1"))
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("57P01"));
            }
            assertThat(c.isValid(2)).isFalse();
        }
    }

    @Test
    void a_bad_spec_is_refused_in_one_line() throws Exception {
        try (var proxy = Interceptor.onPort(RealPostgres.port()).start()) {
            assertThatThrownBy(() ->
                            proxy.inject(Faults.protocol("postgresql", Map.of("error", Map.of("code", "4001")))))
                    .hasMessage("postgresql fault: error code '4001' (expected a SQLSTATE: five digits or letters)");
            assertThatThrownBy(() -> proxy.inject(Faults.protocol("postgresql", Map.of("matches", Map.of()))))
                    .hasMessage("postgresql fault: unknown field 'matches' (expected: match, error)");
        }
    }
}
