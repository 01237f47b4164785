package dev.chaostesting.protocols.postgres;

import static dev.chaostesting.protocols.postgres.Recorded.errorCode;
import static dev.chaostesting.protocols.postgres.Recorded.map;
import static dev.chaostesting.protocols.postgres.Recorded.request;
import static dev.chaostesting.protocols.postgres.Recorded.response;
import static dev.chaostesting.protocols.postgres.Recorded.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Interaction;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** pgjdbc against a real PostgreSQL through the proxy: the client sees the same results, the recording is complete. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PostgresThroughProxyTest {

    @Test
    void a_jdbc_session_through_the_proxy_gets_the_same_results_and_is_recorded_as_postgresql() throws Exception {
        int pg = RealPostgres.port();
        var direct = JdbcSession.run(pg, "items");
        List<Interaction> recorded;
        List<String> proxied;
        try (var proxy = Interceptor.onPort(pg).record().start()) {
            proxied = JdbcSession.run(proxy.port(), "items");
            recorded = Recorded.settle(proxy.recording());
        }
        assertThat(proxied).isEqualTo(direct);
        assertThat(recorded).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("postgresql"));
        assertThat(recorded).noneSatisfy(i -> assertThat(i.error()).startsWith("response not decoded"));
        checkRecording(recorded);
    }

    /** What the JDBC session must have left in a recording, whoever recorded it. */
    static void checkRecording(List<Interaction> recorded) throws Exception {
        // pgjdbc asks for SSL first (sslmode=prefer); the server without SSL refuses and the startup follows in clear.
        assertThat(recorded.stream().filter(i -> "sslRequest".equals(request(i).get("type"))))
                .isNotEmpty()
                .allSatisfy(i -> assertThat(response(i)).containsEntry("accepted", false));
        var insert = first(recorded, i -> sql(i) != null && sql(i).startsWith("INSERT INTO items VALUES"));
        assertThat(request(insert))
                .containsEntry("type", "execute")
                .containsEntry(
                        "parameters",
                        java.util.Arrays.asList(
                                1L,
                                "apple",
                                "12.50",
                                true,
                                "\\x0001ff",
                                JdbcSession.ID.toString(),
                                "2024-02-29 +00",
                                "2024-02-29 12:34:56.5+00",
                                "2024-02-29 12:00:00+00",
                                "{\"a\": 1}",
                                1.5,
                                -0.25,
                                7L,
                                9007199254740993L));
        assertThat(map(request(insert).get("statement"))).containsEntry("kind", "INSERT");
        assertThat(response(insert)).containsEntry("commandTag", "INSERT 0 1").containsEntry("rowCount", 1L);
        // The batch: five executions of one named statement, pipelined before one Sync.
        var batch = recorded.stream()
                .filter(i -> "INSERT INTO items (id, name) VALUES ($1, $2)".equals(sql(i)))
                .toList();
        assertThat(batch.subList(0, 5))
                .extracting(i -> request(i).get("parameters"))
                .containsExactly(
                        List.of(2L, "item 2"),
                        List.of(3L, "item 3"),
                        List.of(4L, "item 4"),
                        List.of(5L, "item 5"),
                        List.of(6L, "item 6"));
        // Binary results of the named statement, decoded by the columns described earlier.
        assertThat(recorded.stream()
                        .filter(i -> "SELECT id, name, i8 FROM items WHERE id = $1".equals(sql(i)))
                        .map(i -> response(i).get("firstRows")))
                .contains(List.of(List.of("1", "apple", "9007199254740993")));
        // Errors, and the batch member the server skipped after one.
        assertThat(recorded).extracting(Recorded::errorCode).contains("23505", "42601", "22012");
        assertThat(map(response(first(recorded, i -> "42601".equals(errorCode(i))))
                        .get("error")))
                .containsEntry("severity", "ERROR")
                .containsEntry("position", 1L);
        var skipped = first(recorded, i -> i.error() != null && i.error().startsWith("not executed"));
        assertThat(request(skipped).get("parameters")).isEqualTo(List.of(12L, "b12"));
        // Row limits.
        var fetches = recorded.stream()
                .filter(i -> "SELECT g FROM generate_series(1, 5) g".equals(sql(i)))
                .toList();
        assertThat(fetches).extracting(i -> response(i).get("suspended")).containsExactly(true, true, null);
        assertThat(fetches).extracting(i -> response(i).get("rows")).containsExactly(2L, 2L, 1L);
        // COPY both ways.
        var copyIn = first(recorded, i -> String.valueOf(sql(i)).contains("FROM STDIN"));
        assertThat(map(response(copyIn).get("copyIn")))
                .containsEntry("lines", 3L)
                .containsEntry("firstLines", List.of("20\tc20", "21\tc21", "22\tc22"));
        var copyOut = first(recorded, i -> String.valueOf(sql(i)).contains("TO STDOUT"));
        assertThat(map(response(copyOut).get("copyOut"))).containsEntry("messages", 3L);
        assertThat(response(copyOut)).containsEntry("commandTag", "COPY 3");
        // The notification, pushed to the listening connection.
        var notification =
                first(recorded, i -> "notification".equals(response(i).get("type")));
        assertThat(response(notification)).containsEntry("payload", "job 42 done");
        assertThat(notification.request()).isNull();
        // The cancelled query, and the CancelRequest naming its backend on a connection of its own.
        var cancelled = first(recorded, i -> "SELECT pg_sleep(30)".equals(sql(i)));
        assertThat(errorCode(cancelled)).isEqualTo("57014");
        var startup = first(
                recorded,
                i -> i.connection().equals(cancelled.connection())
                        && "startup".equals(request(i).get("type")));
        var cancel = first(recorded, i -> "cancelRequest".equals(request(i).get("type")));
        assertThat(request(cancel))
                .containsEntry("backendPid", response(startup).get("backendPid"));
        assertThat(cancel.connection()).isNotEqualTo(cancelled.connection());
        // A simple query with two statements: two results.
        var simple = first(
                recorded,
                i -> "query".equals(request(i).get("type"))
                        && String.valueOf(sql(i)).contains("count(*)"));
        assertThat((List<?>) response(simple).get("results")).hasSize(2);
        // Logins: the methods are recorded, the passwords nowhere.
        assertThat(recorded.stream()
                        .filter(i -> "startup".equals(request(i).get("type")))
                        .map(i -> map(response(i).get("authentication")).get("method")))
                .contains("trust", "SCRAM-SHA-256", "md5", "password");
        var json = Recorded.jsonLines(recorded);
        assertThat(json)
                .doesNotContain(RealPostgres.SCRAM_PASSWORD)
                .doesNotContain(RealPostgres.MD5_PASSWORD)
                .doesNotContain(RealPostgres.CLEARTEXT_PASSWORD)
                .contains("\"request\":{\"type\":\"execute\",\"sql\":");
        assertThat(recorded.stream().filter(i -> "terminate".equals(request(i).get("type"))))
                .hasSizeGreaterThanOrEqualTo(6);
    }

    static Interaction first(List<Interaction> all, Predicate<Interaction> p) {
        return all.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError("no such interaction"));
    }
}
