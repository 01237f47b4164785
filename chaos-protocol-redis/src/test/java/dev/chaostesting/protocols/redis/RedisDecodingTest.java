package dev.chaostesting.protocols.redis;

import static dev.chaostesting.protocols.redis.Wire.command;
import static dev.chaostesting.protocols.redis.Wire.request;
import static dev.chaostesting.protocols.redis.Wire.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Body;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commands and replies of RESP2 and RESP3, each script fed whole, in random fragments and one byte at a time. */
class RedisDecodingTest {

    @Test
    void resp2_replies_of_every_type_are_paired_in_order_with_pipelined_commands() {
        var script = Script.create()
                .client(command("SET", "k", "v")
                        + command("GET", "k")
                        + command("GET", "none")
                        + command("INCR", "n")
                        + command("LRANGE", "l", "0", "-1")
                        + command("BOGUS")
                        + command("BLPOP", "q", "0"))
                .server("+OK\r\n$1\r\nv\r\n$-1\r\n:42\r\n*3\r\n$1\r\na\r\n:7\r\n*-1\r\n")
                .server("-ERR unknown command 'BOGUS', with args beginning with: \r\n")
                .server("*2\r\n$1\r\nq\r\n$4\r\nitem\r\n")
                .close();
        var all = script.runAllWays();
        assertThat(all).hasSize(7).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("redis"));
        assertThat(all)
                .extracting(Wire::command)
                .containsExactly(
                        List.of("SET", "k", "v"),
                        List.of("GET", "k"),
                        List.of("GET", "none"),
                        List.of("INCR", "n"),
                        List.of("LRANGE", "l", "0", "-1"),
                        List.of("BOGUS"),
                        List.of("BLPOP", "q", "0"));
        assertThat(response(all.get(0))).containsEntry("type", "simple").containsEntry("value", "OK");
        assertThat(response(all.get(1))).containsEntry("type", "bulk").containsEntry("value", "v");
        assertThat(response(all.get(2)))
                .containsEntry("type", "null")
                .containsEntry("nullType", "bulk")
                .containsEntry("value", null);
        assertThat(response(all.get(3))).containsEntry("type", "integer").containsEntry("value", 42L);
        assertThat(response(all.get(4))).containsEntry("type", "array");
        assertThat(Wire.list(response(all.get(4)).get("value"))).containsExactly("a", 7L, null);
        assertThat(response(all.get(5)))
                .containsEntry("type", "error")
                .containsEntry(
                        "error",
                        Map.of("prefix", "ERR", "message", "unknown command 'BOGUS', with args beginning with: "));
        assertThat(response(all.get(6)).get("value")).isEqualTo(List.of("q", "item"));
        assertThat(request(all.get(0))).containsEntry("name", "SET");
        // The blocking command waited for the third server write.
        assertThat(all.get(6).timeToFirstByteMicros()).isEqualTo(3 * Script.STEP);
        assertThat(Script.countedBytes(all, dev.chaostesting.spi.Side.CLIENT))
                .isEqualTo(script.bytes(dev.chaostesting.spi.Side.CLIENT).length);
        assertThat(Script.countedBytes(all, dev.chaostesting.spi.Side.SERVER))
                .isEqualTo(script.bytes(dev.chaostesting.spi.Side.SERVER).length);
    }

    @Test
    void resp3_types_are_decoded_losslessly() {
        var script = Script.create()
                .client(command("HELLO", "3"))
                .server("%2\r\n+server\r\n$5\r\nredis\r\n+proto\r\n:3\r\n")
                .client(command("X1")
                        + command("X2")
                        + command("X3")
                        + command("X4")
                        + command("X5")
                        + command("X6")
                        + command("X7")
                        + command("X8")
                        + command("X9")
                        + command("X10"))
                .server("_\r\n#t\r\n,3.14\r\n,-inf\r\n(3492890328409238509324850943850943825024385\r\n")
                .server("!21\r\nSYNTAX invalid syntax\r\n=15\r\ntxt:Some string\r\n~2\r\n+a\r\n:1\r\n")
                .server("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n")
                .server("*3\r\n+QUEUED\r\n-WRONGTYPE Operation against a key\r\n#f\r\n")
                .close();
        var all = script.runAllWays();
        assertThat(all).hasSize(11);
        assertThat(response(all.get(0))).containsEntry("type", "map");
        assertThat(Wire.list(response(all.get(0)).get("value")))
                .containsExactly(
                        Map.of("key", Map.of("type", "simple", "value", "server"), "value", "redis"),
                        Map.of("key", Map.of("type", "simple", "value", "proto"), "value", 3L));
        assertThat(response(all.get(1))).containsEntry("type", "null").doesNotContainKey("nullType");
        assertThat(response(all.get(2))).containsEntry("type", "boolean").containsEntry("value", true);
        assertThat(response(all.get(3))).containsEntry("type", "double").containsEntry("value", "3.14");
        assertThat(response(all.get(4))).containsEntry("value", "-inf");
        assertThat(response(all.get(5)))
                .containsEntry("type", "bignumber")
                .containsEntry("value", "3492890328409238509324850943850943825024385");
        assertThat(response(all.get(6)))
                .containsEntry("type", "bulkerror")
                .containsEntry("error", Map.of("prefix", "SYNTAX", "message", "invalid syntax"));
        assertThat(response(all.get(7)))
                .containsEntry("type", "verbatim")
                .containsEntry("format", "txt")
                .containsEntry("value", "Some string");
        assertThat(response(all.get(8))).containsEntry("type", "set");
        assertThat(Wire.list(response(all.get(8)).get("value")))
                .containsExactly(Map.of("type", "simple", "value", "a"), 1L);
        assertThat(response(all.get(9)))
                .containsEntry("type", "array")
                .containsEntry("value", List.of(2039123L, 9543892L))
                .containsEntry(
                        "attributes",
                        List.of(Map.of(
                                "key", Map.of("type", "simple", "value", "key-popularity"),
                                "value",
                                        Map.of(
                                                "type",
                                                "map",
                                                "value",
                                                List.of(Map.of(
                                                        "key",
                                                        "a",
                                                        "value",
                                                        Map.of("type", "double", "value", "0.19")))))));
        assertThat(Wire.list(response(all.get(10)).get("value")))
                .containsExactly(
                        Map.of("type", "simple", "value", "QUEUED"),
                        Map.of("type", "error", "value", "WRONGTYPE Operation against a key"),
                        Map.of("type", "boolean", "value", false));
    }

    @Test
    void streamed_strings_and_aggregates_are_joined() {
        var all = Script.create()
                .client(command("A") + command("B"))
                .server("$?\r\n;4\r\nHell\r\n;6\r\no worl\r\n;1\r\nd\r\n;0\r\n")
                .server("*?\r\n:1\r\n%?\r\n+a\r\n:2\r\n.\r\n.\r\n")
                .close()
                .runAllWays();
        assertThat(response(all.get(0))).containsEntry("type", "bulk").containsEntry("value", "Hello world");
        assertThat(response(all.get(1))).containsEntry("type", "array");
        assertThat(Wire.list(response(all.get(1)).get("value")))
                .containsExactly(
                        1L,
                        Map.of(
                                "type",
                                "map",
                                "value",
                                List.of(Map.of("key", Map.of("type", "simple", "value", "a"), "value", 2L))));
    }

    @Test
    void inline_commands_typed_in_telnet_are_commands() {
        var all = Script.create()
                .client("PING\r\n")
                .server("+PONG\r\n")
                .client("\r\nset greeting \"hello world\\n\" \r\n")
                .server("+OK\r\n")
                .client("get greeting\n")
                .server("$12\r\nhello world\n\r\n")
                .close()
                .runAllWays();
        assertThat(all)
                .extracting(Wire::command)
                .containsExactly(
                        List.of("PING"), List.of("set", "greeting", "hello world\n"), List.of("get", "greeting"));
        assertThat(all).allSatisfy(i -> assertThat(request(i)).containsEntry("inline", true));
        assertThat(request(all.get(1))).containsEntry("name", "SET");
        // The empty line before the SET counts towards it.
        assertThat(all.get(1).requestBytes()).isEqualTo("\r\nset greeting \"hello world\\n\" \r\n".length());
    }

    @Test
    void exec_is_paired_with_its_reply_and_records_the_queued_commands() {
        var all = Script.create()
                .client(command("MULTI") + command("SET", "a", "1") + command("INCR", "a") + command("EXEC"))
                .server("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n:2\r\n")
                .client(command("MULTI") + command("SET", "b", "1") + command("DISCARD") + command("GET", "b"))
                .server("+OK\r\n+QUEUED\r\n+OK\r\n$-1\r\n")
                .close()
                .runAllWays();
        assertThat(all).hasSize(8);
        assertThat(response(all.get(1))).containsEntry("value", "QUEUED");
        var exec = all.get(3);
        assertThat(request(exec))
                .containsEntry("name", "EXEC")
                .containsEntry("queued", List.of(List.of("SET", "a", "1"), List.of("INCR", "a")));
        assertThat(response(exec))
                .containsEntry("type", "array")
                .containsEntry("value", List.of(Map.of("type", "simple", "value", "OK"), 2L));
        assertThat(request(all.get(6))).doesNotContainKey("queued");
        assertThat(response(all.get(7))).containsEntry("type", "null");
    }

    @Test
    void resp2_pub_sub_confirmations_are_paired_and_messages_are_pushes() {
        var all = Script.create()
                .client(command("SUBSCRIBE", "news", "sport") + command("PSUBSCRIBE", "n*"))
                .server("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$5\r\nsport\r\n:2\r\n")
                .server("*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n")
                .server("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n")
                .server("*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n")
                .client(command("PING"))
                .server("*2\r\n$4\r\npong\r\n$0\r\n\r\n")
                .client(command("UNSUBSCRIBE"))
                .server("*3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:2\r\n")
                .server("*3\r\n$7\r\nmessage\r\n$5\r\nsport\r\n$1\r\nx\r\n")
                .server("*3\r\n$11\r\nunsubscribe\r\n$5\r\nsport\r\n:1\r\n")
                .close()
                .runAllWays();
        assertThat(all)
                .extracting(Wire::command)
                .containsExactly(
                        List.of("SUBSCRIBE", "news", "sport"),
                        List.of("PSUBSCRIBE", "n*"),
                        null,
                        null,
                        List.of("PING"),
                        null,
                        List.of("UNSUBSCRIBE"));
        assertThat(response(all.get(0)))
                .containsEntry("replies", 2)
                .containsEntry("value", List.of(List.of("subscribe", "news", 1L), List.of("subscribe", "sport", 2L)));
        assertThat(response(all.get(2)))
                .containsEntry("push", true)
                .containsEntry("kind", "message")
                .containsEntry("value", List.of("message", "news", "hello"));
        assertThat(all.get(2).requestBytes()).isZero();
        assertThat(response(all.get(3))).containsEntry("kind", "pmessage");
        assertThat(response(all.get(4))).containsEntry("value", List.of("pong", ""));
        assertThat(response(all.get(5))).containsEntry("kind", "message");
        assertThat(response(all.get(6))).containsEntry("replies", 2);
    }

    @Test
    void resp3_pushes_interleave_with_replies() {
        var all = Script.create()
                .client(command("HELLO", "3"))
                .server("%1\r\n$5\r\nproto\r\n:3\r\n")
                .client(command("SUBSCRIBE", "ch") + command("GET", "k"))
                .server(">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n")
                .server("$1\r\nv\r\n")
                .client(command("CLIENT", "TRACKING", "on") + command("GET", "t"))
                .server("+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nt\r\n$1\r\n1\r\n")
                .close()
                .runAllWays();
        assertThat(all)
                .extracting(Wire::command)
                .containsExactly(
                        List.of("HELLO", "3"),
                        List.of("SUBSCRIBE", "ch"),
                        null,
                        List.of("GET", "k"),
                        List.of("CLIENT", "TRACKING", "on"),
                        null,
                        List.of("GET", "t"));
        assertThat(response(all.get(1)))
                .containsEntry("type", "push")
                .containsEntry("value", List.of("subscribe", "ch", 1L));
        assertThat(response(all.get(2))).containsEntry("type", "push").containsEntry("kind", "message");
        assertThat(response(all.get(3))).containsEntry("value", "v");
        assertThat(response(all.get(5)))
                .containsEntry("kind", "invalidate")
                .containsEntry("value", List.of("invalidate", List.of("t")));
        assertThat(response(all.get(6))).containsEntry("value", "1");
    }

    @Test
    void monitor_lines_are_pushes_and_quit_is_answered() {
        var all = Script.create()
                .client(command("MONITOR"))
                .server("+OK\r\n")
                .server("+1700000000.123456 [0 127.0.0.1:5000] \"SET\" \"k\" \"v\"\r\n")
                .client(command("QUIT"))
                .server("+1700000000.223456 [0 127.0.0.1:5000] \"GET\" \"k\"\r\n+OK\r\n")
                .close()
                .runAllWays();
        assertThat(all).extracting(Wire::command).containsExactly(List.of("MONITOR"), null, null, List.of("QUIT"));
        assertThat(response(all.get(1))).containsEntry("kind", "monitor");
        assertThat(response(all.get(3))).containsEntry("value", "OK");
    }

    @Test
    void secrets_are_redacted_in_every_form() {
        var all = Script.create()
                .client(command("AUTH", "s3cret-a")
                        + command("AUTH", "alice", "s3cret-b")
                        + command("HELLO", "3", "AUTH", "bob", "s3cret-c", "SETNAME", "app")
                        + command("MIGRATE", "h", "1", "", "0", "5000", "AUTH", "s3cret-d", "KEYS", "a")
                        + command("MIGRATE", "h", "1", "", "0", "5000", "AUTH2", "carol", "s3cret-e", "KEYS", "a")
                        + command(
                                "CONFIG", "SET", "requirepass", "s3cret-f", "masterauth", "s3cret-g", "maxclients", "9")
                        + command("ACL", "SETUSER", "dave", "on", ">s3cret-h", "~*"))
                .client("auth s3cret-i\r\n")
                .client(command("MULTI") + command("AUTH", "s3cret-j") + command("EXEC"))
                .server("+OK\r\n+OK\r\n%0\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n")
                .close()
                .runAllWays();
        assertThat(all)
                .extracting(Wire::command)
                .containsExactly(
                        List.of("AUTH", "<redacted>"),
                        List.of("AUTH", "alice", "<redacted>"),
                        List.of("HELLO", "3", "AUTH", "bob", "<redacted>", "SETNAME", "app"),
                        List.of("MIGRATE", "h", "1", "", "0", "5000", "AUTH", "<redacted>", "KEYS", "a"),
                        List.of("MIGRATE", "h", "1", "", "0", "5000", "AUTH2", "carol", "<redacted>", "KEYS", "a"),
                        List.of(
                                "CONFIG",
                                "SET",
                                "requirepass",
                                "<redacted>",
                                "masterauth",
                                "<redacted>",
                                "maxclients",
                                "9"),
                        List.of("ACL", "SETUSER", "dave", "on", "<redacted>", "~*"),
                        List.of("auth", "<redacted>"),
                        List.of("MULTI"),
                        List.of("AUTH", "<redacted>"),
                        List.of("EXEC"));
        assertThat(request(all.get(10))).containsEntry("queued", List.of(List.of("AUTH", "<redacted>")));
        assertThat(all.toString()).doesNotContain("s3cret");
    }

    @Test
    void client_reply_off_and_skip_expect_no_reply() {
        var all = Script.create()
                .client(command("CLIENT", "REPLY", "SKIP") + command("SET", "a", "1") + command("GET", "a"))
                .server("$1\r\n1\r\n")
                .client(command("CLIENT", "REPLY", "OFF") + command("SET", "b", "2") + command("CLIENT", "REPLY", "ON"))
                .server("+OK\r\n")
                .close()
                .runAllWays();
        assertThat(all)
                .extracting(Wire::command)
                .containsExactly(
                        List.of("CLIENT", "REPLY", "SKIP"),
                        List.of("SET", "a", "1"),
                        List.of("GET", "a"),
                        List.of("CLIENT", "REPLY", "OFF"),
                        List.of("SET", "b", "2"),
                        List.of("CLIENT", "REPLY", "ON"));
        assertThat(all.get(1).response()).isNull();
        assertThat(all.get(1).attributes()).containsEntry("clientReply", "skip");
        assertThat(all.get(4).attributes()).containsEntry("clientReply", "off");
        assertThat(response(all.get(2))).containsEntry("value", "1");
        assertThat(response(all.get(5))).containsEntry("value", "OK");
    }

    @Test
    void large_values_are_truncated_with_a_mark_and_binary_ones_are_bodies() {
        var big = "x".repeat(100);
        var all = Script.create()
                .client(command("SET", "k", big) + command("GET", "k") + command("LRANGE", "l", "0", "-1"))
                .server("+OK\r\n$100\r\n" + big + "\r\n")
                .server("*200\r\n" + "$3\r\nabc\r\n".repeat(200))
                .client("*2\r\n$3\r\nGET\r\n$2\r\n\u00ff\u00fe\r\n".getBytes(StandardCharsets.ISO_8859_1))
                .server("$2\r\n\u00ff\u00fe\r\n".getBytes(StandardCharsets.ISO_8859_1))
                .close()
                .runAllWays(10);
        assertThat((List<?>) Wire.command(all.get(0)))
                .element(2)
                .isEqualTo(new Body(big.substring(0, 64).getBytes(), 100, true, null));
        var get = response(all.get(1));
        assertThat(get.get("value")).isEqualTo(new Body("xxxxxxxxxx".getBytes(), 100, true, null));
        var list = response(all.get(2));
        assertThat(list).containsEntry("size", 200L).containsEntry("truncated", true);
        assertThat(Wire.list(list.get("value"))).hasSizeLessThan(200).hasSizeGreaterThan(10);
        assertThat(response(all.get(3)).get("value")).isInstanceOf(Body.class);
        assertThat(((Body) response(all.get(3)).get("value")).base64()).isEqualTo("//4=");
    }

    @Test
    void commands_left_unanswered_get_an_error() {
        var all = Script.create()
                .client(command("GET", "a") + command("BLPOP", "q", "0"))
                .server("$-1\r\n")
                .reset(dev.chaostesting.spi.Side.CLIENT)
                .runAllWays();
        assertThat(all).hasSize(2);
        assertThat(all.get(1).error()).isEqualTo("connection reset before the response");
        assertThat(all.get(1).response()).isNull();
        assertThat(all.get(1).timeToFirstByteMicros()).isEqualTo(-1);
    }
}
