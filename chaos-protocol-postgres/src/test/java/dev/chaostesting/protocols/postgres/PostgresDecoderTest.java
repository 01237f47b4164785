package dev.chaostesting.protocols.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.StructuredMessage;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.Side;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding of scripted protocol 3 traffic, whole, in random fragments and one byte at a time. */
class PostgresDecoderTest {

    static Map<String, Object> request(Interaction i) {
        return ((StructuredMessage) i.request()).fields();
    }

    static Map<String, Object> response(Interaction i) {
        return ((StructuredMessage) i.response()).fields();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** A session already authenticated: the startup with trust authentication. */
    static Script connected() {
        return Script.create()
                .client(Pg.create()
                        .startup("user", "app", "database", "shop", "application_name", "orders")
                        .bytes())
                .server(Pg.create()
                        .auth(0)
                        .parameterStatus("server_version", "18.0")
                        .parameterStatus("client_encoding", "UTF8")
                        .backendKey(4242, 0x5ec2e7)
                        .ready('I')
                        .bytes());
    }

    @Test
    void startup_records_the_parameters_the_server_status_and_the_pid_but_not_the_secret_key() {
        var all = connected().close().runAllWays();
        assertThat(all).hasSize(1);
        var startup = all.get(0);
        assertThat(startup.protocol()).isEqualTo("postgresql");
        assertThat(request(startup)).containsEntry("type", "startup").containsEntry("protocolVersion", "3.0");
        assertThat(map(request(startup).get("startup")))
                .containsEntry("user", "app")
                .containsEntry("database", "shop")
                .containsEntry("application_name", "orders");
        var response = response(startup);
        assertThat(map(response.get("authentication")))
                .containsEntry("method", "trust")
                .containsEntry("result", "ok");
        assertThat(map(response.get("parameters"))).containsEntry("server_version", "18.0");
        assertThat(response).containsEntry("backendPid", 4242).containsEntry("transactionStatus", "idle");
        assertThat(response.toString()).doesNotContain(String.valueOf(0x5ec2e7));
        assertThat(startup.requestBytes() + startup.responseBytes())
                .isEqualTo(connected().bytes(Side.CLIENT).length + connected().bytes(Side.SERVER).length);
    }

    @Test
    void scram_authentication_keeps_the_mechanism_and_never_the_sasl_data() {
        var all = Script.create()
                .client(Pg.create().startup("user", "u", "database", "d").bytes())
                .server(Pg.create()
                        .authSasl("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")
                        .bytes())
                .client(Pg.create()
                        .saslInitial("SCRAM-SHA-256", "n,,n=,r=SECRETNONCE")
                        .bytes())
                .server(Pg.create()
                        .auth(11, Pg.utf8("r=SECRETNONCE123,s=SALT,i=4096"))
                        .bytes())
                .client(Pg.create()
                        .saslResponse("c=biws,r=SECRETNONCE123,p=SECRETPROOF")
                        .bytes())
                .server(Pg.create()
                        .auth(12, Pg.utf8("v=SERVERSIGNATURE"))
                        .auth(0)
                        .ready('I')
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(1);
        var text = all.get(0).toString();
        assertThat(text).doesNotContain("SECRET").doesNotContain("SALT").doesNotContain("SERVERSIGNATURE");
        assertThat(map(request(all.get(0)).get("sasl")))
                .containsEntry("mechanism", "SCRAM-SHA-256")
                .containsEntry("data", "<redacted>")
                .containsEntry("messages", 2);
        assertThat(map(response(all.get(0)).get("authentication")))
                .containsEntry("method", "SCRAM-SHA-256")
                .containsEntry("result", "ok");
    }

    @Test
    void a_cleartext_password_is_redacted_and_a_failed_login_keeps_its_error() {
        var all = Script.create()
                .client(Pg.create().startup("user", "u").bytes())
                .server(Pg.create().auth(3).bytes())
                .client(Pg.create().password("hunter2").bytes())
                .server(Pg.create()
                        .error("FATAL", "28P01", "password authentication failed for user \"u\"")
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(1);
        assertThat(all.get(0).toString()).doesNotContain("hunter2");
        assertThat(request(all.get(0))).containsEntry("password", "<redacted>");
        assertThat(map(response(all.get(0)).get("authentication")))
                .containsEntry("method", "password")
                .containsEntry("result", "failed");
        assertThat(map(response(all.get(0)).get("error")))
                .containsEntry("code", "28P01")
                .containsEntry("severity", "FATAL");
    }

    @Test
    void a_simple_query_records_columns_rows_tag_and_transaction_status() {
        var all = connected()
                .client(Pg.create()
                        .query("SELECT id, name FROM items WHERE id < 3")
                        .bytes())
                .server(Pg.create()
                        .rowDescription(0, "id", 23, "name", 25)
                        .dataRow("1", "apple")
                        .dataRow("2", null)
                        .commandComplete("SELECT 2")
                        .ready('I')
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(2);
        var q = all.get(1);
        assertThat(request(q))
                .containsEntry("type", "query")
                .containsEntry("sql", "SELECT id, name FROM items WHERE id < 3");
        assertThat(map(request(q).get("statement"))).containsEntry("kind", "SELECT");
        var r = response(q);
        assertThat(r)
                .containsEntry("commandTag", "SELECT 2")
                .containsEntry("rowCount", 2L)
                .containsEntry("rows", 2L)
                .containsEntry("transactionStatus", "idle");
        assertThat(r.get("firstRows")).isEqualTo(List.of(List.of("1", "apple"), java.util.Arrays.asList("2", null)));
        assertThat(r.get("columns"))
                .isEqualTo(List.of(
                        Map.of("name", "id", "type", "int4", "typeOid", 23L),
                        Map.of("name", "name", "type", "text", "typeOid", 25L)));
    }

    @Test
    void several_statements_in_one_query_give_several_results_and_an_error_stops_them() {
        var all = connected()
                .client(Pg.create()
                        .query("BEGIN; INSERT INTO t VALUES (1); SELECT 1/0")
                        .bytes())
                .server(Pg.create()
                        .commandComplete("BEGIN")
                        .commandComplete("INSERT 0 1")
                        .rowDescription(0, "?column?", 23)
                        .error("ERROR", "22012", "division by zero")
                        .ready('E')
                        .bytes())
                .close()
                .runAllWays();
        var r = response(all.get(1));
        assertThat((List<?>) r.get("results")).hasSize(3);
        assertThat(map(((List<?>) r.get("results")).get(1))).containsEntry("commandTag", "INSERT 0 1");
        assertThat(map(r.get("error"))).containsEntry("code", "22012").containsEntry("message", "division by zero");
        assertThat(r).containsEntry("transactionStatus", "failed");
    }

    @Test
    void an_extended_query_records_sql_decoded_parameters_and_result() {
        var all = connected()
                .client(Pg.create()
                        .parse("", "SELECT * FROM items WHERE id = $1 AND name = $2 AND ok = $3", 20, 1043, 16)
                        .bind(
                                "",
                                "",
                                new int[] {1, 0, 1},
                                new byte[][] {Pg.int64(7), Pg.utf8("pear"), new byte[] {1}},
                                1)
                        .describe('P', "")
                        .execute("", 0)
                        .sync()
                        .bytes())
                .server(Pg.create()
                        .parseComplete()
                        .bindComplete()
                        .rowDescription(1, "id", 20, "price", 701)
                        .dataRowBytes(Pg.int64(7), Pg.int64(Double.doubleToLongBits(2.5)))
                        .commandComplete("SELECT 1")
                        .ready('I')
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(2);
        var e = all.get(1);
        assertThat(request(e))
                .containsEntry("type", "execute")
                .containsEntry("sql", "SELECT * FROM items WHERE id = $1 AND name = $2 AND ok = $3")
                .containsEntry("parameters", List.of(7L, "pear", true))
                .containsEntry("parameterTypes", List.of("int8", "varchar", "bool"))
                .containsEntry("messages", List.of("Parse", "Bind", "Describe", "Execute", "Sync"));
        assertThat(response(e))
                .containsEntry("commandTag", "SELECT 1")
                .containsEntry("rows", 1L)
                .containsEntry("firstRows", List.of(List.of("7", "2.5")))
                .containsEntry("transactionStatus", "idle");
    }

    @Test
    void parameters_of_the_common_types_decode_the_same_in_text_and_binary() {
        Object[][] cases = {
            {16, "t", new byte[] {1}, true},
            {21, "-5", Pg.int16(-5), -5L},
            {23, "123456", Pg.int32(123456), 123456L},
            {20, "9007199254740993", Pg.int64(9007199254740993L), 9007199254740993L},
            {700, "1.5", Pg.int32(Float.floatToIntBits(1.5f)), 1.5},
            {701, "-0.25", Pg.int64(Double.doubleToLongBits(-0.25)), -0.25},
            {26, "4000000000", Pg.int32((int) 4000000000L), 4000000000L},
            {25, "héllo", Pg.utf8("héllo"), "héllo"},
            {17, "\\x00ff", new byte[] {0, (byte) 0xff}, "\\x00ff"},
            {
                2950,
                "0b8e3a6c-1f2d-4c5b-9a8e-7f6d5c4b3a21",
                java.util.HexFormat.of().parseHex("0b8e3a6c1f2d4c5b9a8e7f6d5c4b3a21"),
                "0b8e3a6c-1f2d-4c5b-9a8e-7f6d5c4b3a21"
            },
            {1082, "2024-02-29", Pg.int32(8825), "2024-02-29"},
            {
                1114,
                "2024-02-29 12:34:56.5",
                Pg.int64((8825L * 86400 + 12 * 3600 + 34 * 60 + 56) * 1_000_000 + 500_000),
                "2024-02-29 12:34:56.5"
            },
            {1184, "2000-01-01 00:00:00+00", Pg.int64(0), "2000-01-01 00:00:00+00"},
            {1700, "-12345.678", java.util.HexFormat.of().parseHex("000300014000000300010929" + "1a7c"), "-12345.678"},
            {3802, "{\"a\":1}", concat(new byte[] {1}, Pg.utf8("{\"a\":1}")), "{\"a\":1}"},
            {114, "[1,2]", Pg.utf8("[1,2]"), "[1,2]"},
        };
        for (var c : cases) {
            int oid = (Integer) c[0];
            for (int format = 0; format <= 1; format++) {
                byte[] value = format == 0 ? Pg.utf8((String) c[1]) : (byte[]) c[2];
                var all = connected()
                        .client(Pg.create()
                                .parse("s", "SELECT $1", oid)
                                .bind("", "s", new int[] {format}, new byte[][] {value})
                                .execute("", 0)
                                .sync()
                                .bytes())
                        .server(Pg.create()
                                .parseComplete()
                                .bindComplete()
                                .commandComplete("SELECT 0")
                                .ready('I')
                                .bytes())
                        .close()
                        .run(Script.Feed.WHOLE, 1 << 20, 1);
                var expected = c[3];
                if (format == 0 && oid == 1700) {
                    expected = "-12345.678";
                }
                assertThat(((List<?>) request(all.get(1)).get("parameters")).get(0))
                        .as("oid %d format %d", oid, format)
                        .isEqualTo(expected);
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void a_named_statement_keeps_its_sql_for_later_executions_and_described_types() {
        var all = connected()
                .client(Pg.create()
                        .parse("S_1", "UPDATE t SET v = $1")
                        .describe('S', "S_1")
                        .sync()
                        .bytes())
                .server(Pg.create()
                        .parseComplete()
                        .parameterDescription(23)
                        .noData()
                        .ready('I')
                        .bytes())
                .client(Pg.create()
                        .bind("", "S_1", new int[] {1}, new byte[][] {Pg.int32(99)})
                        .execute("", 0)
                        .sync()
                        .bytes())
                .server(Pg.create()
                        .bindComplete()
                        .commandComplete("UPDATE 4")
                        .ready('I')
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(3);
        assertThat(request(all.get(1))).containsEntry("type", "describe").containsEntry("statementName", "S_1");
        assertThat(response(all.get(1))).containsEntry("parameterTypes", List.of("int4"));
        assertThat(request(all.get(2)))
                .containsEntry("type", "execute")
                .containsEntry("sql", "UPDATE t SET v = $1")
                .containsEntry("parameters", List.of(99L));
        assertThat(response(all.get(2))).containsEntry("commandTag", "UPDATE 4").containsEntry("rowCount", 4L);
    }

    @Test
    void an_error_mid_pipeline_marks_the_rest_up_to_sync_as_skipped() {
        var client = Pg.create();
        for (int i = 1; i <= 3; i++) {
            client.parse("", "INSERT INTO t VALUES ($1)", 23)
                    .bind("", "", new int[] {0}, new byte[][] {Pg.utf8(String.valueOf(i))})
                    .execute("", 0);
        }
        client.sync();
        var all = connected()
                .client(client.bytes())
                .server(Pg.create()
                        .parseComplete()
                        .bindComplete()
                        .commandComplete("INSERT 0 1")
                        .parseComplete()
                        .bindComplete()
                        .error(
                                "ERROR",
                                "23505",
                                "duplicate key value violates unique constraint \"t_pkey\"",
                                "DKey (id)=(2) already exists.",
                                "nt_pkey")
                        .ready('I')
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(4);
        assertThat(request(all.get(1))).containsEntry("parameters", List.of(1L));
        assertThat(response(all.get(1))).containsEntry("commandTag", "INSERT 0 1");
        assertThat(all.get(1).error()).isNull();
        assertThat(map(response(all.get(2)).get("error")))
                .containsEntry("code", "23505")
                .containsEntry("detail", "Key (id)=(2) already exists.")
                .containsEntry("constraint", "t_pkey");
        assertThat(all.get(3).error()).startsWith("not executed");
        assertThat(request(all.get(3))).containsEntry("parameters", List.of(3L));
        assertThat(response(all.get(3))).containsEntry("transactionStatus", "idle");
    }

    @Test
    void execute_with_a_row_limit_records_each_fetch_with_suspended() {
        var all = connected()
                .client(Pg.create()
                        .parse("", "SELECT g FROM generate_series(1, 3) g")
                        .bind("c", "", new int[0], new byte[0][])
                        .describe('P', "c")
                        .execute("c", 2)
                        .flush()
                        .bytes())
                .server(Pg.create()
                        .parseComplete()
                        .bindComplete()
                        .rowDescription(0, "g", 23)
                        .dataRow("1")
                        .dataRow("2")
                        .portalSuspended()
                        .bytes())
                .client(Pg.create().execute("c", 2).sync().bytes())
                .server(Pg.create()
                        .dataRow("3")
                        .commandComplete("SELECT 1")
                        .ready('T')
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(3);
        assertThat(response(all.get(1))).containsEntry("suspended", true).containsEntry("rows", 2L);
        assertThat(request(all.get(1))).containsEntry("maxRows", 2L).containsEntry("portal", "c");
        assertThat(request(all.get(2))).containsEntry("sql", "SELECT g FROM generate_series(1, 3) g");
        assertThat(response(all.get(2)))
                .containsEntry("commandTag", "SELECT 1")
                .containsEntry("firstRows", List.of(List.of("3")))
                .containsEntry("transactionStatus", "transaction");
    }

    @Test
    void copy_from_stdin_counts_messages_bytes_and_lines() {
        var all = connected()
                .client(Pg.create().query("COPY t FROM STDIN").bytes())
                .server(Pg.create().copyInResponse(2).bytes())
                .client(Pg.create()
                        .copyData("1\ta\n2\t")
                        .copyData("b\n3\tc\n\\.\n")
                        .copyDone()
                        .bytes())
                .server(Pg.create().commandComplete("COPY 3").ready('I').bytes())
                .close()
                .runAllWays();
        var r = response(all.get(1));
        assertThat(r).containsEntry("commandTag", "COPY 3").containsEntry("rowCount", 3L);
        assertThat(map(r.get("copyIn")))
                .containsEntry("direction", "in")
                .containsEntry("messages", 2L)
                .containsEntry("bytes", 15L)
                .containsEntry("lines", 3L)
                .containsEntry("firstLines", List.of("1\ta", "2\tb", "3\tc"))
                .containsEntry("done", true);
    }

    @Test
    void copy_to_stdout_and_a_failed_copy_in() {
        var all = connected()
                .client(Pg.create().query("COPY t TO STDOUT").bytes())
                .server(Pg.create()
                        .copyOutResponse(1)
                        .msg('d', Pg.utf8("x\n"))
                        .msg('d', Pg.utf8("y\n"))
                        .msg('c', new byte[0])
                        .commandComplete("COPY 2")
                        .ready('I')
                        .bytes())
                .client(Pg.create().query("COPY t FROM STDIN").bytes())
                .server(Pg.create().copyInResponse(1).bytes())
                .client(Pg.create().copyData("z\n").copyFail("client gave up").bytes())
                .server(Pg.create()
                        .error("ERROR", "57014", "COPY from stdin failed: client gave up")
                        .ready('I')
                        .bytes())
                .close()
                .runAllWays();
        assertThat(map(response(all.get(1)).get("copyOut")))
                .containsEntry("lines", 2L)
                .containsEntry("firstLines", List.of("x", "y"));
        var failed = response(all.get(2));
        assertThat(map(failed.get("copyIn"))).containsEntry("failed", "client gave up");
        assertThat(map(failed.get("error"))).containsEntry("code", "57014");
    }

    @Test
    void notifications_and_idle_fatal_errors_are_recorded_as_server_messages() {
        var all = connected()
                .client(Pg.create().query("LISTEN jobs").bytes())
                .server(Pg.create().commandComplete("LISTEN").ready('I').bytes())
                .server(Pg.create().notification(77, "jobs", "job 1 done").bytes())
                .server(Pg.create()
                        .error("FATAL", "57P01", "terminating connection due to administrator command")
                        .bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(4);
        var n = all.get(2);
        assertThat(n.request()).isNull();
        assertThat(response(n))
                .containsEntry("type", "notification")
                .containsEntry("channel", "jobs")
                .containsEntry("payload", "job 1 done")
                .containsEntry("backendPid", 77);
        assertThat(map(response(all.get(3)).get("error"))).containsEntry("code", "57P01");
    }

    @Test
    void a_cancel_request_records_the_pid_and_never_the_key() {
        var all = Script.create()
                .client(Pg.create().cancel(4242, 0x7a7a7a7a).bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(1);
        assertThat(request(all.get(0))).containsEntry("type", "cancelRequest").containsEntry("backendPid", 4242);
        assertThat(all.get(0).toString()).doesNotContain(String.valueOf(0x7a7a7a7a));
        assertThat(all.get(0).response()).isNull();
        assertThat(all.get(0).error()).isNull();
    }

    @Test
    void an_accepted_ssl_request_turns_the_rest_into_tls_turns() {
        var hello = new byte[] {0x16, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00};
        var all = Script.create()
                .client(Pg.create().sslRequest().bytes())
                .server("S")
                .client(hello)
                .server(new byte[] {0x16, 0x03, 0x03, 0x00, 0x01, 0x02})
                .close()
                .runAllWays();
        assertThat(request(all.get(0))).containsEntry("type", "sslRequest");
        assertThat(response(all.get(0))).containsEntry("accepted", true);
        assertThat(all.get(1).protocol()).isEqualTo("tcp");
        assertThat(all.get(1).attributes()).containsEntry("tls", "true");
        assertThat(((TcpData) all.get(1).request()).data().bytes()).isEqualTo(hello);
    }

    @Test
    void a_refused_ssl_request_is_followed_by_the_startup_in_clear() {
        var all = Script.create()
                .client(Pg.create().sslRequest().bytes())
                .server("N")
                .client(Pg.create().startup("user", "u").bytes())
                .server(Pg.create().auth(0).ready('I').bytes())
                .client(Pg.create().terminate().bytes())
                .close()
                .runAllWays();
        assertThat(all).hasSize(3);
        assertThat(response(all.get(0))).containsEntry("accepted", false);
        assertThat(request(all.get(1))).containsEntry("type", "startup");
        assertThat(request(all.get(2))).containsEntry("type", "terminate");
        assertThat(all.get(2).error()).isNull();
    }

    @Test
    void an_accepted_gssapi_encryption_request_is_marked_and_passed_through() {
        var all = Script.create()
                .client(Pg.create().gssEncRequest().bytes())
                .server("G")
                .client(new byte[] {0, 0, 0, 9, 1, 2, 3, 4, 5})
                .close()
                .runAllWays();
        assertThat(request(all.get(0))).containsEntry("type", "gssEncRequest");
        assertThat(all.get(0).attributes()).containsEntry("gssEncryption", "true");
        assertThat(all.get(1).protocol()).isEqualTo("tcp");
        assertThat(all.get(1).attributes()).containsEntry("gssEncryption", "true");
    }

    @Test
    void an_answer_to_an_ssl_request_that_is_neither_s_nor_n_fails_open() {
        var script = Script.create()
                .client(Pg.create().sslRequest().bytes())
                .server("HTTP/1.1 400 Bad Request\r\n\r\n")
                .close();
        var all = script.runAllWays();
        assertThat(all.get(0).error())
                .isEqualTo("response not decoded: answer to SSLRequest: 'H' (expected: 'S' or 'N')");
        assertThat(all.get(1).attributes())
                .containsEntry("decodeError", "answer to SSLRequest: 'H' (expected: 'S' or 'N')");
        assertThat(Script.rawBytes(all, Side.SERVER)).isEqualTo(script.bytes(Side.SERVER));
    }

    @Test
    void a_connection_closed_inside_a_message_keeps_its_bytes_and_the_unanswered_query() {
        var script = connected()
                .client(Pg.create().query("SELECT pg_sleep(10)").bytes())
                .server(java.util.Arrays.copyOf(
                        Pg.create().rowDescription(0, "pg_sleep", 2278).bytes(), 7))
                .reset(Side.SERVER);
        var all = script.runAllWays();
        assertThat(all.get(1).error()).isEqualTo("connection reset before the response");
        assertThat(all.get(2).protocol()).isEqualTo("tcp");
        assertThat(all.get(2).error()).isEqualTo("connection reset in a server message");
        assertThat(Script.countedBytes(all, Side.SERVER)).isEqualTo(script.bytes(Side.SERVER).length);
    }

    @Test
    void prepared_statements_are_forgotten_oldest_first_beyond_the_memory_bound() {
        var script = connected();
        var filler = "x".repeat((1 << 20) - 100);
        for (int i = 0; i < 9; i++) {
            script.client(Pg.create()
                            .parse("S_" + i, "SELECT '" + filler + "' AS c" + i)
                            .sync()
                            .bytes())
                    .server(Pg.create().parseComplete().ready('I').bytes());
        }
        for (int i : new int[] {0, 8}) {
            script.client(Pg.create()
                            .bind("", "S_" + i, new int[0], new byte[0][])
                            .execute("", 0)
                            .sync()
                            .bytes())
                    .server(Pg.create()
                            .bindComplete()
                            .commandComplete("SELECT 1")
                            .ready('I')
                            .bytes());
        }
        var all = script.close().run(Script.Feed.WHOLE, 1 << 20, 1);
        var executions = all.subList(all.size() - 2, all.size());
        assertThat(request(executions.get(0))).doesNotContainKey("sql").containsEntry("statementName", "S_0");
        assertThat((String) request(executions.get(1)).get("sql")).endsWith("AS c8");
    }

    @Test
    void a_huge_data_row_costs_at_most_max_body_bytes_and_counts_every_byte() {
        var big = new byte[3 << 20];
        java.util.Arrays.fill(big, (byte) 'x');
        var script = connected()
                .client(Pg.create().query("SELECT blob FROM b").bytes())
                .server(Pg.create()
                        .rowDescription(0, "blob", 17)
                        .dataRowBytes(big)
                        .commandComplete("SELECT 1")
                        .ready('I')
                        .bytes())
                .close();
        var all = script.run(Script.Feed.RANDOM, 1000, 1);
        var r = response(all.get(1));
        assertThat(r).containsEntry("rows", 1L).containsEntry("firstRowsTruncated", true);
        var value = (String) ((List<?>) ((List<?>) r.get("firstRows")).get(0)).get(0);
        assertThat(value.length()).isLessThanOrEqualTo(1000);
        assertThat(Script.countedBytes(all, Side.SERVER)).isEqualTo(script.bytes(Side.SERVER).length);
    }

    @Test
    void a_bad_frame_fails_open_with_a_reason_and_keeps_every_byte() {
        var script = connected()
                .client(Pg.create().query("SELECT 1").bytes())
                .server(Pg.create().raw(new byte[] {'?', 0, 0, 0, 4}).bytes())
                .close();
        var all = script.runAllWays();
        assertThat(all.get(1).error()).startsWith("response not decoded: server message type: '?'");
        var raw =
                all.stream().filter(i -> i.protocol().equals("tcp")).findFirst().orElseThrow();
        assertThat(raw.attributes().get("decodeError"))
                .isEqualTo("server message type: '?' (expected: a backend message type of protocol 3)");
        assertThat(Script.countedBytes(all, Side.SERVER)).isEqualTo(script.bytes(Side.SERVER).length);
        assertThat(Script.countedBytes(all, Side.CLIENT)).isEqualTo(script.bytes(Side.CLIENT).length);
    }

    @Test
    void detection_accepts_the_first_packets_and_refuses_others() {
        var codec = new PostgresCodec();
        assertThat(codec.detect(
                        Side.CLIENT,
                        java.nio.ByteBuffer.wrap(
                                Pg.create().startup("user", "u").bytes())))
                .isEqualTo(dev.chaostesting.spi.Detection.MATCH);
        assertThat(codec.detect(
                        Side.CLIENT,
                        java.nio.ByteBuffer.wrap(Pg.create().sslRequest().bytes())))
                .isEqualTo(dev.chaostesting.spi.Detection.MATCH);
        assertThat(codec.detect(
                        Side.CLIENT,
                        java.nio.ByteBuffer.wrap(Pg.create().gssEncRequest().bytes())))
                .isEqualTo(dev.chaostesting.spi.Detection.MATCH);
        assertThat(codec.detect(
                        Side.CLIENT,
                        java.nio.ByteBuffer.wrap(Pg.create().cancel(1, 2).bytes())))
                .isEqualTo(dev.chaostesting.spi.Detection.MATCH);
        assertThat(codec.detect(Side.CLIENT, java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0})))
                .isEqualTo(dev.chaostesting.spi.Detection.NEED_MORE);
        assertThat(codec.detect(Side.CLIENT, java.nio.ByteBuffer.wrap(Pg.utf8("GET / HTTP/1.1\r\n"))))
                .isEqualTo(dev.chaostesting.spi.Detection.NO_MATCH);
        assertThat(codec.detect(
                        Side.SERVER,
                        java.nio.ByteBuffer.wrap(
                                Pg.create().startup("user", "u").bytes())))
                .isEqualTo(dev.chaostesting.spi.Detection.NO_MATCH);
        assertThat(codec.detect(Side.CLIENT, java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 8, 0, 2, 0, 0})))
                .isEqualTo(dev.chaostesting.spi.Detection.NO_MATCH);
    }
}
