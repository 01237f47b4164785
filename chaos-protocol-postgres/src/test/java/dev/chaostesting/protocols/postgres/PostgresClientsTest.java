package dev.chaostesting.protocols.postgres;

import static dev.chaostesting.protocols.postgres.PostgresThroughProxyTest.first;
import static dev.chaostesting.protocols.postgres.Recorded.map;
import static dev.chaostesting.protocols.postgres.Recorded.request;
import static dev.chaostesting.protocols.postgres.Recorded.response;
import static dev.chaostesting.protocols.postgres.Recorded.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.testing.DebianPackages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Other real clients through the proxy: psql (simple queries, \copy), pgbench (prepared statements), and TLS. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PostgresClientsTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out) {}

    private Run run(List<String> command) throws Exception {
        var log = dir.resolve("out-" + System.nanoTime());
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(process.waitFor(240, TimeUnit.SECONDS))
                .as("%s finished", command)
                .isTrue();
        return new Run(process.exitValue(), Files.readString(log));
    }

    @Test
    void psql_gets_the_same_output_through_the_proxy_and_its_queries_and_copy_are_recorded() throws Exception {
        var psql = DebianPackages.require("psql", "postgresql-client", false).toString();
        int pg = RealPostgres.port();
        var script = dir.resolve("script.sql");
        Files.writeString(script, """
                DROP TABLE IF EXISTS cli_items;
                CREATE TABLE cli_items (id int PRIMARY KEY, name text);
                INSERT INTO cli_items VALUES (1, 'a'), (2, 'b');
                SELECT * FROM cli_items ORDER BY id;
                SELECT 1/0;
                \\copy cli_items FROM STDIN
                3\tc
                4\td
                \\.
                SELECT count(*) AS n FROM cli_items;
                DROP TABLE cli_items;
                """);
        var direct = run(List.of(psql, "-X", "-d", url(pg), "-f", script.toString()));
        Run proxied;
        List<Interaction> recorded;
        try (var proxy = Interceptor.onPort(pg).record().start()) {
            proxied = run(List.of(psql, "-X", "-d", url(proxy.port()), "-f", script.toString()));
            recorded = Recorded.settle(proxy.recording());
        }
        assertThat(proxied).isEqualTo(direct);
        assertThat(direct.out()).contains("division by zero").contains(" 4\n");
        assertThat(recorded).extracting(Interaction::protocol).containsOnly("postgresql");
        var select = first(recorded, i -> "SELECT * FROM cli_items ORDER BY id;".equals(sql(i)));
        assertThat(request(select)).containsEntry("type", "query");
        assertThat(response(select))
                .containsEntry("rows", 2L)
                .containsEntry("firstRows", List.of(List.of("1", "a"), List.of("2", "b")));
        assertThat(recorded).extracting(Recorded::errorCode).contains("22012");
        var copy = first(recorded, i -> String.valueOf(sql(i)).startsWith("COPY"));
        assertThat(map(response(copy).get("copyIn")))
                .containsEntry("lines", 2L)
                .containsEntry("firstLines", List.of("3\tc", "4\td"));
        assertThat(first(recorded, i -> "startup".equals(request(i).get("type")))
                        .toString())
                .contains("application_name=psql");
    }

    @Test
    void pgbench_initialisation_and_prepared_transactions_are_recorded_completely() throws Exception {
        var pgbench =
                DebianPackages.require("pgbench", "postgresql-client", false).toString();
        int pg = RealPostgres.port();
        List<Interaction> recorded;
        try (var proxy = Interceptor.onPort(pg).record().start()) {
            var init = run(List.of(pgbench, "-i", "-s", "1", "-q", url(proxy.port())));
            assertThat(init.exit()).as(init.out()).isZero();
            var bench = run(List.of(pgbench, "-n", "-c", "2", "-t", "10", "-M", "prepared", url(proxy.port())));
            assertThat(bench.exit()).as(bench.out()).isZero();
            assertThat(bench.out()).contains("number of transactions actually processed: 20/20");
            recorded = Recorded.settle(proxy.recording());
        }
        assertThat(recorded).extracting(Interaction::protocol).containsOnly("postgresql");
        assertThat(recorded).noneSatisfy(i -> assertThat(i.error()).isNotNull());
        // The initialisation loads 100000 accounts with COPY FROM STDIN.
        var copy = first(recorded, i -> String.valueOf(sql(i)).startsWith("copy pgbench_accounts"));
        assertThat(response(copy)).containsEntry("rowCount", 100000L);
        assertThat(map(response(copy).get("copyIn"))).containsEntry("lines", 100000L);
        // Each transaction's UPDATE of an account is an execution of a named statement with its two parameters.
        var updates = recorded.stream()
                .filter(i -> String.valueOf(sql(i)).startsWith("UPDATE pgbench_accounts"))
                .filter(i -> "execute".equals(request(i).get("type")))
                .toList();
        assertThat(updates).hasSize(20).allSatisfy(i -> {
            assertThat(request(i)).containsEntry("type", "execute").containsKey("statementName");
            assertThat((List<?>) request(i).get("parameters")).hasSize(2);
            assertThat(response(i)).containsEntry("commandTag", "UPDATE 1");
        });
        assertThat(recorded).extracting(Recorded::errorCode).containsOnlyNulls();
    }

    @Test
    void an_accepted_ssl_request_is_recorded_and_the_rest_passes_through_as_tls() throws Exception {
        DebianPackages.require("openssl", "openssl", false);
        int pg = RealPostgres.tlsPort();
        var props = new Properties();
        props.setProperty("sslmode", "require");
        props.setProperty("sslfactory", "org.postgresql.ssl.NonValidatingFactory");
        List<Interaction> recorded;
        try (var proxy = Interceptor.onPort(pg).record().start()) {
            try (var c = RealPostgres.connect(proxy.port(), "postgres", null, props);
                    var s = c.createStatement();
                    var rs = s.executeQuery("SELECT 'secret-over-tls-' || 42")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("secret-over-tls-42");
            }
            recorded = Recorded.settle(proxy.recording());
        }
        var ssl = recorded.get(0);
        assertThat(request(ssl)).containsEntry("type", "sslRequest");
        assertThat(response(ssl)).containsEntry("accepted", true);
        assertThat(ssl.attributes()).containsEntry("tls", "true");
        var rest = recorded.subList(1, recorded.size());
        assertThat(rest).isNotEmpty().allSatisfy(i -> {
            assertThat(i.protocol()).isEqualTo("tcp");
            assertThat(i.attributes()).containsEntry("tls", "true");
        });
        var all = new StringBuilder();
        for (var i : rest) {
            if (i.request() instanceof TcpData d) {
                all.append(new String(d.data().bytes(), StandardCharsets.ISO_8859_1));
            }
            if (i.response() instanceof TcpData d) {
                all.append(new String(d.data().bytes(), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(all.toString()).doesNotContain("secret-over-tls");
        assertThat(((TcpData) rest.get(0).request()).data().bytes()[0]).isEqualTo((byte) 0x16);
    }

    private static String url(int port) {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres?sslmode=disable";
    }
}
