package dev.chaostesting.protocols.redis;

import static dev.chaostesting.protocols.redis.Wire.request;
import static dev.chaostesting.protocols.redis.Wire.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.fault.Faults;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.protocols.redis.RedisFaults.Match;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

/**
 * Protocol faults in line with a real redis-server and real clients (Jedis over RESP2 and RESP3, redis-cli): matching
 * commands get the injected error, the server never runs them, other commands on the same connection are unaffected,
 * removing the fault restores normal answers, and faults injected into open pooled connections act on them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisInlineFaultsTest {

    @TempDir
    Path dir;

    static DefaultJedisClientConfig config(RedisProtocol protocol) {
        return DefaultJedisClientConfig.builder()
                .protocol(protocol)
                .socketTimeoutMillis(20_000)
                .build();
    }

    static Jedis direct(RedisServer redis) {
        return new Jedis(new HostAndPort("127.0.0.1", redis.port()), config(RedisProtocol.RESP2));
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void matching_commands_get_the_error_on_an_open_pooled_connection_and_never_reach_the_server(RedisProtocol protocol)
            throws Exception {
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port())
                        .protocolFaults()
                        .record()
                        .start();
                var direct = direct(redis)) {
            direct.set("session:1", "s1");
            direct.set("other", "o");
            var poolConfig = new GenericObjectPoolConfig<Jedis>();
            poolConfig.setMaxTotal(1);
            try (var pool = new JedisPool(poolConfig, new HostAndPort("127.0.0.1", proxy.port()), config(protocol))) {
                // The connection is opened and used before any fault: it sits in the pool.
                try (var jedis = pool.getResource()) {
                    assertThat(jedis.get("session:1")).isEqualTo("s1");
                }
                var readOnly = proxy.inject(
                        RedisFaults.replyError(Match.key("session:*").andCommands("GET"), RedisFaults.readOnly()));
                var moved = proxy.inject(
                        RedisFaults.replyError(Match.commands("SET"), RedisFaults.moved(3999, "127.0.0.1", 7001)));
                try (var jedis = pool.getResource()) {
                    assertThatThrownBy(() -> jedis.get("session:1"))
                            .isExactlyInstanceOf(JedisDataException.class)
                            .hasMessage("READONLY You can't write against a read only replica.");
                    assertThat(jedis.get("other")).isEqualTo("o");
                    assertThatThrownBy(() -> jedis.set("session:2", "never"))
                            .isInstanceOf(JedisMovedDataException.class)
                            .satisfies(e -> {
                                var m = (JedisMovedDataException) e;
                                assertThat(m.getSlot()).isEqualTo(3999);
                                assertThat(m.getTargetNode()).isEqualTo(new HostAndPort("127.0.0.1", 7001));
                            });
                    assertThat(jedis.incr("counter")).isEqualTo(1);
                    // A pipelined batch gets the errors in their places.
                    var pipeline = jedis.pipelined();
                    var r1 = pipeline.get("other");
                    var r2 = pipeline.get("session:1");
                    var r3 = pipeline.incr("counter");
                    var r4 = pipeline.set("other", "x");
                    var r5 = pipeline.get("other");
                    pipeline.sync();
                    assertThat(r1.get()).isEqualTo("o");
                    assertThatThrownBy(r2::get).hasMessageStartingWith("READONLY");
                    assertThat(r3.get()).isEqualTo(2);
                    assertThatThrownBy(r4::get).isInstanceOf(JedisMovedDataException.class);
                    assertThat(r5.get()).isEqualTo("o");
                }
                // The server never ran the faulted SETs.
                assertThat(direct.exists("session:2")).isFalse();
                assertThat(direct.get("other")).isEqualTo("o");
                readOnly.remove();
                moved.remove();
                try (var jedis = pool.getResource()) {
                    assertThat(jedis.get("session:1")).isEqualTo("s1");
                    assertThat(jedis.set("session:2", "now")).isEqualTo("OK");
                }
                assertThat(direct.get("session:2")).isEqualTo("now");
            }
            // The recording is the conversation as the client had it: the faulted GET with the injected error.
            var all = RedisThroughProxyTest.settled(proxy);
            var gets = commands(all, "GET", "session:1");
            assertThat(gets).hasSize(4);
            assertThat(gets.get(1).attributes()).containsEntry("faults", "redis_readonly");
            assertThat(error(gets.get(1))).containsEntry("prefix", "READONLY");
            assertThat(gets.get(0).attributes()).doesNotContainKey("faults");
            assertThat(response(gets.get(3))).containsEntry("value", "s1");
            var sets = commands(all, "SET", "session:2");
            assertThat(sets).hasSize(2);
            assertThat(error(sets.get(0))).containsEntry("prefix", "MOVED");
            // The faults that acted on the connection so far.
            assertThat(sets.get(0).attributes()).containsEntry("faults", "redis_readonly,redis_moved");
            assertThat(response(sets.get(1))).containsEntry("value", "OK");
            assertThat(commands(all, "GET", "other"))
                    .allSatisfy(i -> assertThat(response(i)).doesNotContainKey("error"));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void inside_multi_a_matching_command_fails_at_queue_time_and_exec_aborts(RedisProtocol protocol) throws Exception {
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port()).protocolFaults().start();
                var direct = direct(redis);
                var jedis = new Jedis(new HostAndPort("127.0.0.1", proxy.port()), config(protocol))) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            proxy.inject(RedisFaults.replyError(Match.key("session:*"), RedisFaults.oom()));
            var t = jedis.multi();
            t.incr("n");
            t.set("session:1", "v");
            assertThatThrownBy(t::exec).isInstanceOf(JedisDataException.class).hasMessageContaining("EXECABORT");
            // Nothing of the transaction ran, and the connection goes on.
            assertThat(direct.exists("n", "session:1")).isZero();
            assertThat(jedis.incr("n")).isEqualTo(1);
            assertThat(jedis.get("n")).isEqualTo("1");
        }
    }

    @Test
    void a_close_fault_resets_the_connection_and_the_command_never_runs() throws Exception {
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port()).protocolFaults().start();
                var direct = direct(redis);
                var jedis = new Jedis(new HostAndPort("127.0.0.1", proxy.port()), config(RedisProtocol.RESP3))) {
            assertThat(jedis.set("a", "1")).isEqualTo("OK");
            proxy.inject(RedisFaults.closeOn(Match.commands("INCR"), true));
            assertThat(jedis.get("a")).isEqualTo("1");
            assertThatThrownBy(() -> jedis.incr("a")).isInstanceOf(JedisConnectionException.class);
            assertThat(direct.get("a")).isEqualTo("1");
        }
    }

    @Test
    void redis_cli_gets_the_error_and_faults_given_as_maps_work() throws Exception {
        var cli = dev.chaostesting.testing.DebianPackages.require("redis-cli", "redis-tools", false);
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port()).start();
                var direct = direct(redis)) {
            direct.set("session:7", "x");
            proxy.inject(Faults.protocol(
                    "redis",
                    Map.of(
                            "match", Map.of("command", List.of("get", "del"), "key", "session:*"),
                            "error", Map.of("prefix", "LOADING"))));
            var out = cli(cli, proxy, "GET", "session:7");
            assertThat(out).contains("LOADING Redis is loading the dataset in memory");
            assertThat(cli(cli, proxy, "DEL", "session:7")).contains("LOADING");
            assertThat(cli(cli, proxy, "GET", "other")).doesNotContain("LOADING");
            assertThat(direct.get("session:7")).isEqualTo("x");
        }
    }

    @Test
    void resp3_pushes_and_client_reply_skip_keep_every_answer_in_its_turn() throws Exception {
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port()).protocolFaults().start();
                var direct = direct(redis);
                var socket = new java.net.Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(20_000);
            proxy.inject(RedisFaults.replyError(Match.key("session:*"), RedisFaults.readOnly()));
            var out = socket.getOutputStream();
            var in = socket.getInputStream();
            out.write(ascii(Wire.command("HELLO", "3") + Wire.command("SUBSCRIBE", "ch")));
            var hello = readUntil(in, "ch\r\n:1\r\n");
            assertThat(hello).startsWith("%").contains(">3\r\n$9\r\nsubscribe\r\n");
            assertThat(direct.publish("ch", "hi")).isEqualTo(1);
            // A push, then, pipelined: a faulted GET, a faulted SET whose reply is skipped, and a plain GET.
            out.write(ascii(Wire.command("GET", "session:1")
                    + Wire.command("CLIENT", "REPLY", "SKIP")
                    + Wire.command("SET", "session:2", "x")
                    + Wire.command("GET", "k")));
            var rest = readUntil(in, "_\r\n");
            assertThat(rest)
                    .isEqualTo(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"
                            + "-READONLY You can't write against a read only replica.\r\n_\r\n");
            assertThat(direct.exists("session:2")).isFalse();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String readUntil(java.io.InputStream in, String end) throws java.io.IOException {
        var got = new StringBuilder();
        while (!got.toString().endsWith(end)) {
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError(
                        "no more bytes after: " + got.toString().replace("\r\n", "\\r\\n"), e);
            }
            if (b < 0) {
                throw new java.io.EOFException("closed after: " + got);
            }
            got.append((char) b);
        }
        return got.toString();
    }

    private static String cli(Path cli, RunningInterceptor proxy, String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of(cli.toString(), "-h", "127.0.0.1", "-p", "" + proxy.port()));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static List<Interaction> commands(List<Interaction> all, String... command) {
        return all.stream()
                .filter(i -> i.request() != null
                        && request(i).get("command") instanceof List<?> c
                        && c.size() >= command.length
                        && c.subList(0, command.length).equals(List.of(command)))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> error(Interaction i) {
        return (Map<String, Object>) response(i).get("error");
    }
}
