package dev.chaostesting.protocols.postgres;

import static dev.chaostesting.protocols.postgres.Recorded.map;
import static dev.chaostesting.protocols.postgres.Recorded.request;
import static dev.chaostesting.protocols.postgres.Recorded.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Interaction;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fault answers as wire bytes: our decoder reads them as the errors they stand for, and pgjdbc, talking to a small
 * loopback server that answers its first query with them, reports them as PostgreSQL errors.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresFaultsTest {

    @Test
    void a_query_error_decodes_as_an_error_response_then_ready_for_query() {
        var all = PostgresDecoderTest.connected()
                .client(Pg.create().query("UPDATE accounts SET balance = 0").bytes())
                .server(PostgresFaults.queryError("40001", "could not serialize access", 'E'))
                .close()
                .runAllWays();
        assertThat(all).hasSize(2);
        assertThat(map(response(all.get(1)).get("error")))
                .containsEntry("severity", "ERROR")
                .containsEntry("code", "40001")
                .containsEntry("message", "could not serialize access");
        assertThat(response(all.get(1))).containsEntry("transactionStatus", "failed");
        assertThat(all.get(1).error()).isNull();
    }

    @Test
    void admin_shutdown_decodes_as_a_fatal_error_and_the_close_that_follows() {
        var all = PostgresDecoderTest.connected()
                .client(Pg.create().query("SELECT 1").bytes())
                .server(PostgresFaults.adminShutdown())
                .close()
                .runAllWays();
        assertThat(map(response(all.get(1)).get("error")))
                .containsEntry("severity", "FATAL")
                .containsEntry("code", "57P01");
        assertThat(all.get(1).error()).isEqualTo("connection closed before the response");
    }

    @Test
    void invalid_fault_values_are_refused_with_the_reason() {
        assertThatThrownBy(() -> PostgresFaults.errorResponse("ERROR", "4001", "m"))
                .hasMessage("sqlState: '4001' (expected: five digits or letters A-Z)");
        assertThatThrownBy(() -> PostgresFaults.readyForQuery('X'))
                .hasMessage("transactionStatus: 'X' (expected: 'I', 'T' or 'E')");
        assertThatThrownBy(() -> PostgresFaults.fatal("57P01", ""))
                .hasMessage("message: '' (expected: non-empty, no NUL character)");
    }

    @Test
    void pgjdbc_sees_the_injected_error_keeps_its_connection_and_sees_the_shutdown() throws Exception {
        try (var server = new FakeServer(java.util.Arrays.asList(
                        PostgresFaults.queryError("40001", "could not serialize access due to concurrent update"),
                        null,
                        PostgresFaults.adminShutdown()));
                var proxy = Interceptor.onPort(server.port()).record().start()) {
            var props = new Properties();
            props.setProperty("sslmode", "disable");
            try (var c = RealPostgres.connect(proxy.port(), "app", null, props)) {
                assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT balance FROM accounts"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("40001"))
                        .hasMessageContaining("could not serialize access due to concurrent update");
                try (var rs = c.createStatement().executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
                assertThatThrownBy(() -> c.createStatement().executeQuery("SELECT 2"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getSQLState()).isEqualTo("57P01"));
                assertThat(c.isClosed()).isTrue();
            }
            var recorded = Recorded.settle(proxy.recording());
            var queries = recorded.stream()
                    .filter(i -> "execute".equals(request(i).get("type")))
                    .toList();
            assertThat(queries)
                    .extracting(Recorded::sql)
                    .containsExactly("SELECT balance FROM accounts", "SELECT 1", "SELECT 2");
            assertThat(queries).extracting(Recorded::errorCode).containsExactly("40001", null, "57P01");
            assertThat(queries.get(1).error()).isNull();
            assertThat(recorded).extracting(Interaction::protocol).containsOnly("postgresql");
        }
    }

    /**
     * Speaks just enough of the server side for pgjdbc: trust login, then answers each Sync or Query with the next
     * scripted bytes (null: a one-row result {@code 1}), and closes after an answer with a FATAL error.
     */
    static final class FakeServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        FakeServer(List<byte[]> answers) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = new Thread(() -> serve(answers), "fake-postgres");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve(List<byte[]> answers) {
            try (var s = socket.accept()) {
                s.setSoTimeout(30_000);
                var in = new DataInputStream(s.getInputStream());
                var out = s.getOutputStream();
                while (true) {
                    int length = in.readInt();
                    int code = in.readInt();
                    in.readNBytes(length - 8);
                    if (code == 80877103) {
                        out.write('N');
                        out.flush();
                        continue;
                    }
                    break;
                }
                var hello = Pg.create().auth(0);
                for (var p : new String[][] {
                    {"server_version", "18.0"},
                    {"client_encoding", "UTF8"},
                    {"DateStyle", "ISO, MDY"},
                    {"integer_datetimes", "on"},
                    {"standard_conforming_strings", "on"},
                    {"TimeZone", "UTC"}
                }) {
                    hello.parameterStatus(p[0], p[1]);
                }
                write(out, hello.backendKey(1234, 5678).ready('I').bytes());
                int next = 0;
                while (true) {
                    int type = in.read();
                    if (type < 0 || type == 'X') {
                        return;
                    }
                    var body = in.readNBytes(in.readInt() - 4);
                    boolean setup = type == 'Q' && new String(body).startsWith("SET ");
                    if (setup) {
                        write(out, Pg.create().commandComplete("SET").ready('I').bytes());
                    } else if (type == 'S' || type == 'Q') {
                        var answer = next < answers.size() ? answers.get(next++) : null;
                        if (answer == null) {
                            answer = Pg.create()
                                    .parseComplete()
                                    .bindComplete()
                                    .rowDescription(0, "?column?", 23)
                                    .dataRow("1")
                                    .commandComplete("SELECT 1")
                                    .ready('I')
                                    .bytes();
                        }
                        write(out, answer);
                        if (answer[0] == 'E' && new String(answer).contains("FATAL")) {
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        private static void write(OutputStream out, byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(5000);
        }
    }
}
