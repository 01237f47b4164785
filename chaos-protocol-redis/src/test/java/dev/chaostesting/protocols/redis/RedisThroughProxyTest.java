package dev.chaostesting.protocols.redis;

import static dev.chaostesting.protocols.redis.Wire.request;
import static dev.chaostesting.protocols.redis.Wire.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.Interceptor;
import dev.chaostesting.RunningInterceptor;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.protocols.redis.internal.Resp;
import dev.chaostesting.protocols.redis.internal.RespReader;
import dev.chaostesting.recording.JsonLines;
import dev.chaostesting.testing.DebianPackages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisDataException;

/** A real redis-server and real clients (Jedis, redis-cli, redis-benchmark) through the real proxy. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RedisThroughProxyTest {

    static final String PASSWORD = "pw-Zq81-never-recorded";

    @TempDir
    Path dir;

    @Test
    void jedis_over_resp2_gets_unchanged_results_and_everything_is_recorded() throws Exception {
        jedisSession(RedisProtocol.RESP2);
    }

    @Test
    void jedis_over_resp3_gets_unchanged_results_and_everything_is_recorded() throws Exception {
        jedisSession(RedisProtocol.RESP3);
    }

    private void jedisSession(RedisProtocol protocol) throws Exception {
        try (var redis = RedisServer.start(dir, "--requirepass", PASSWORD);
                var proxy = Interceptor.onPort(redis.port()).record().start()) {
            var proxied = new HostAndPort("127.0.0.1", proxy.port());
            Workload.run(proxied, protocol, PASSWORD);
            var all = settled(proxy);

            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("redis"));
            assertThat(all)
                    .allSatisfy(i -> assertThat(i.error()).as(i.toString()).isNull());
            assertThat(all).noneMatch(i -> i.attributes().containsKey("unpaired"));
            var json = new ByteArrayOutputStream();
            JsonLines.write(all.iterator(), json);
            assertThat(json.toString(StandardCharsets.UTF_8))
                    .doesNotContain(PASSWORD)
                    .contains("<redacted>");
            // Jedis authenticates with AUTH before HELLO 3; one connection per client: main, subscriber, pusher.
            assertThat(find(all, "AUTH"))
                    .hasSize(3)
                    .allSatisfy(i -> assertThat(Wire.command(i)).isEqualTo(List.of("AUTH", "<redacted>")));
            var aggregate = protocol == RedisProtocol.RESP3 ? "map" : "array";
            assertThat(find(all, "HELLO"))
                    .hasSize(3)
                    .allSatisfy(i -> assertThat(response(i)).containsEntry("type", aggregate));
            assertThat(response(find(all, "HGETALL").get(0))).containsEntry("type", aggregate);
            Workload.check(all, protocol);
        }
    }

    @Test
    void every_redis_benchmark_request_is_recorded_and_paired() throws Exception {
        var benchmark = DebianPackages.require("redis-benchmark", "redis-tools", false);
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port()).record().start()) {
            var output = run(
                    benchmark.toString(),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    String.valueOf(proxy.port()),
                    "-n",
                    "2000",
                    "-P",
                    "16",
                    "-c",
                    "4",
                    "-t",
                    "set,get",
                    "-q");
            assertThat(output).contains("SET:").contains("GET:");
            var all = settled(proxy);
            var stats = commandStats(redis.port());
            var sets = find(all, "SET");
            var gets = find(all, "GET");
            assertThat((long) sets.size()).isEqualTo(stats.get("set")).isGreaterThanOrEqualTo(2000);
            assertThat((long) gets.size()).isEqualTo(stats.get("get")).isGreaterThanOrEqualTo(2000);
            assertThat(sets).allSatisfy(i -> {
                assertThat(i.error()).isNull();
                assertThat(response(i)).containsEntry("type", "simple").containsEntry("value", "OK");
            });
            assertThat(gets).allSatisfy(i -> {
                assertThat(i.error()).isNull();
                assertThat(response(i)).containsEntry("type", "bulk");
                assertThat(((String) response(i).get("value"))).hasSize(3);
            });
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("redis"));
            assertThat(all)
                    .allSatisfy(i -> assertThat(i.error()).as(i.toString()).isNull());
        }
    }

    @Test
    void redis_cli_and_inline_commands_typed_by_hand() throws Exception {
        var cli = DebianPackages.require("redis-cli", "redis-tools", false);
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port()).record().start()) {
            var port = String.valueOf(proxy.port());
            assertThat(run(cli.toString(), "-p", port, "SET", "greeting", "hello world"))
                    .isEqualTo("OK\n");
            assertThat(run(cli.toString(), "-p", port, "GET", "greeting")).isEqualTo("hello world\n");
            assertThat(run(cli.toString(), "-3", "-p", port, "HSET", "h", "f", "v"))
                    .isEqualTo("1\n");
            var direct = String.valueOf(redis.port());
            assertThat(run(cli.toString(), "-3", "-p", port, "HGETALL", "h"))
                    .isEqualTo(run(cli.toString(), "-3", "-p", direct, "HGETALL", "h"))
                    .contains("f")
                    .contains("v");
            assertThat(run(cli.toString(), "-p", port, "CONFIG", "SET", "masterauth", "cli-secret-value"))
                    .isEqualTo("OK\n");
            try (var telnet = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                telnet.getOutputStream().write("PING\r\nget greeting\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                var answer = new String(telnet.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).isEqualTo("+PONG\r\n$11\r\nhello world\r\n+OK\r\n");
            }
            var all = settled(proxy);
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("redis"));
            assertThat(all)
                    .allSatisfy(i -> assertThat(i.error()).as(i.toString()).isNull());
            var hgetall = find(all, "HGETALL").get(0);
            assertThat(response(hgetall))
                    .containsEntry("type", "map")
                    .containsEntry("value", List.of(Map.of("key", "f", "value", "v")));
            assertThat(Wire.command(find(all, "CONFIG").stream()
                            .filter(i -> Wire.command(i).toString().contains("masterauth"))
                            .findFirst()
                            .orElseThrow()))
                    .isEqualTo(List.of("CONFIG", "SET", "masterauth", "<redacted>"));
            assertThat(all.toString()).doesNotContain("cli-secret-value");
            var inline =
                    all.stream().filter(i -> request(i).containsKey("inline")).toList();
            assertThat(inline)
                    .extracting(Wire::command)
                    .containsExactly(List.of("PING"), List.of("get", "greeting"), List.of("QUIT"));
            assertThat(response(inline.get(1))).containsEntry("value", "hello world");
        }
    }

    @Test
    void monitor_lines_and_tracking_invalidations_of_a_real_server_are_pushes() throws Exception {
        try (var redis = RedisServer.start(dir);
                var proxy = Interceptor.onPort(redis.port()).record().start()) {
            var proxied = new HostAndPort("127.0.0.1", proxy.port());
            try (var monitor = new RawClient(proxy.port())) {
                assertThat(monitor.call(Wire.command("MONITOR")).text()).isEqualTo("OK");
                try (var other = new Jedis(proxied)) {
                    other.set("m", "1");
                }
                while (!monitor.read().text().contains("\"m\" \"1\"")) {
                    // earlier lines show the other client's handshake
                }
                monitor.send(Wire.command("QUIT"));
                while (!monitor.read().text().equals("OK")) {
                    // monitor lines may come first
                }
            }
            try (var tracked = new RawClient(proxy.port())) {
                assertThat(tracked.call(Wire.command("HELLO", "3")).type().recordedName())
                        .isEqualTo("map");
                assertThat(tracked.call(Wire.command("CLIENT", "TRACKING", "on"))
                                .text())
                        .isEqualTo("OK");
                assertThat(tracked.call(Wire.command("GET", "t")).type().recordedName())
                        .isEqualTo("null");
                try (var other = new Jedis(proxied)) {
                    other.set("t", "changed");
                }
                var push = tracked.read();
                assertThat(push.type().recordedName()).isEqualTo("push");
                assertThat(tracked.call(Wire.command("PING")).text()).isEqualTo("PONG");
            }
            var all = settled(proxy);
            assertThat(all).allSatisfy(i -> {
                assertThat(i.protocol()).isEqualTo("redis");
                assertThat(i.error()).as(i.toString()).isNull();
                assertThat(i.attributes()).doesNotContainKey("unpaired");
            });
            var monitorLines = all.stream()
                    .filter(i ->
                            i.request() == null && "monitor".equals(response(i).get("kind")))
                    .toList();
            assertThat(monitorLines)
                    .isNotEmpty()
                    .allSatisfy(i -> assertThat(response(i)).containsEntry("type", "simple"));
            assertThat(monitorLines)
                    .anySatisfy(
                            i -> assertThat((String) response(i).get("value")).endsWith("\"SET\" \"m\" \"1\""));
            assertThat(response(find(all, "QUIT").get(0))).containsEntry("value", "OK");
            var invalidations = all.stream()
                    .filter(i -> i.request() == null
                            && "invalidate".equals(response(i).get("kind")))
                    .toList();
            assertThat(invalidations).hasSize(1);
            assertThat(response(invalidations.get(0)))
                    .containsEntry("type", "push")
                    .containsEntry("value", List.of("invalidate", List.of("t")));
            assertThat(response(find(all, "PING").get(0))).containsEntry("value", "PONG");
        }
    }

    @Test
    void every_auth_form_is_accepted_by_the_server_and_redacted_and_large_values_are_truncated() throws Exception {
        try (var redis = RedisServer.start(dir, "--requirepass", PASSWORD);
                var proxy = Interceptor.onPort(redis.port())
                        .maxRecordedBodyBytes(1000)
                        .record()
                        .start()) {
            try (var client = new RawClient(proxy.port())) {
                assertThat(client.call(Wire.command("AUTH", PASSWORD)).text()).isEqualTo("OK");
                assertThat(client.call(Wire.command("AUTH", "default", PASSWORD))
                                .text())
                        .isEqualTo("OK");
                assertThat(client.call(Wire.command("HELLO", "3", "AUTH", "default", PASSWORD, "SETNAME", "app"))
                                .type()
                                .recordedName())
                        .isEqualTo("map");
                assertThat(client.call(Wire.command("CONFIG", "SET", "masterauth", PASSWORD + "-m"))
                                .text())
                        .isEqualTo("OK");
                assertThat(client.call(Wire.command("ACL", "SETUSER", "app", "on", ">" + PASSWORD + "-u", "~*", "+get"))
                                .text())
                        .isEqualTo("OK");
                assertThat(client.call(Wire.command("AUTH", "app", PASSWORD + "-u"))
                                .text())
                        .isEqualTo("OK");
                assertThat(client.call(Wire.command("AUTH", "wrong")).type().recordedName())
                        .isEqualTo("error");
                client.send("auth default " + PASSWORD + "\r\n");
                assertThat(client.read().text()).isEqualTo("OK");
                client.send(Wire.command("CLIENT", "REPLY", "SKIP") + Wire.command("SET", "skipped", "1"));
                assertThat(client.call(Wire.command("PING")).text()).isEqualTo("PONG");
                var big = "b".repeat(2_000_000);
                assertThat(client.call(Wire.command("SET", "big", big)).text()).isEqualTo("OK");
                var got = client.call(Wire.command("GET", "big"));
                assertThat(got.size()).isEqualTo(2_000_000);
            }
            var all = settled(proxy);
            assertThat(all).allSatisfy(i -> assertThat(i.protocol()).isEqualTo("redis"));
            assertThat(all)
                    .extracting(Wire::command)
                    .contains(
                            List.of("AUTH", "<redacted>"),
                            List.of("AUTH", "default", "<redacted>"),
                            List.of("HELLO", "3", "AUTH", "default", "<redacted>", "SETNAME", "app"),
                            List.of("CONFIG", "SET", "masterauth", "<redacted>"),
                            List.of("ACL", "SETUSER", "app", "on", "<redacted>", "~*", "+get"),
                            List.of("AUTH", "app", "<redacted>"),
                            List.of("auth", "default", "<redacted>"));
            var json = new ByteArrayOutputStream();
            JsonLines.write(all.iterator(), json);
            assertThat(json.toString(StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
            var wrong = find(all, "AUTH").stream()
                    .filter(i -> "error".equals(response(i).get("type")))
                    .findFirst()
                    .orElseThrow();
            assertThat(response(wrong).get("error").toString()).contains("prefix=WRONGPASS");
            assertThat(find(all, "CLIENT").get(0).attributes()).containsEntry("clientReply", "skip");
            var skipped = find(all, "SET").get(0);
            assertThat(skipped.attributes()).containsEntry("clientReply", "skip");
            assertThat(skipped.response()).isNull();
            assertThat(response(find(all, "PING").get(0))).containsEntry("value", "PONG");
            var set = find(all, "SET").get(1);
            assertThat(Wire.list(Wire.command(set)).get(2))
                    .isEqualTo(new dev.chaostesting.model.Body(
                            "b".repeat(1000).getBytes(StandardCharsets.US_ASCII), 2_000_000, true, null));
            var get = find(all, "GET").get(0);
            assertThat(response(get).get("value"))
                    .isEqualTo(new dev.chaostesting.model.Body(
                            "b".repeat(1000).getBytes(StandardCharsets.US_ASCII), 2_000_000, true, null));
            assertThat(get.responseBytes()).isEqualTo(2_000_000 + "$2000000\r\n\r\n".length());
        }
    }

    /** Sends commands and reads replies on a plain socket (to drive modes a client library hides). */
    static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final RespReader reader = new RespReader(false, 1 << 20);
        private final ByteBuffer buffer = ByteBuffer.allocate(65536).flip();

        RawClient(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(20_000);
        }

        void send(String command) throws IOException {
            socket.getOutputStream().write(command.getBytes(StandardCharsets.UTF_8));
        }

        Resp call(String command) throws Exception {
            send(command);
            return read();
        }

        Resp read() throws Exception {
            while (true) {
                var frame = reader.next(buffer, 0);
                if (frame != null) {
                    return frame.value();
                }
                buffer.clear();
                int n = socket.getInputStream().read(buffer.array());
                if (n < 0) {
                    throw new IOException("connection closed");
                }
                buffer.limit(n);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Interactions once every connection through the proxy closed and was recorded. */
    static List<Interaction> settled(RunningInterceptor proxy) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            var stats = proxy.stats();
            if (stats.activeConnections() == 0 && proxy.recording().count() == stats.interactions()) {
                Thread.sleep(200);
                if (proxy.stats().equals(stats)) {
                    return proxy.recording().interactions();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("connections still open after 30 s: " + proxy.stats());
    }

    static List<Interaction> find(List<Interaction> all, String name) {
        return all.stream()
                .filter(i -> i.request() != null && name.equals(request(i).get("name")))
                .toList();
    }

    static String run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + ": " + out)
                .isZero();
        return out;
    }

    /** Calls per command as the server counted them (asked directly, not through the proxy). */
    static Map<String, Long> commandStats(int port) {
        try (var jedis = new Jedis("127.0.0.1", port)) {
            var stats = new java.util.HashMap<String, Long>();
            for (var line : jedis.info("commandstats").split("\r\n")) {
                if (line.startsWith("cmdstat_")) {
                    var name = line.substring(8, line.indexOf(':'));
                    var calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
                    stats.put(name, Long.parseLong(calls));
                }
            }
            return stats;
        }
    }

    /** The same client session, for the proxy, the capture and the fragment tests. */
    static final class Workload {

        static void run(HostAndPort address, RedisProtocol protocol, String password) throws Exception {
            var config = DefaultJedisClientConfig.builder()
                    .protocol(protocol)
                    .password(password)
                    .socketTimeoutMillis(20_000)
                    .build();
            try (var jedis = new Jedis(address, config)) {
                assertThat(jedis.set("k", "v")).isEqualTo("OK");
                assertThat(jedis.get("k")).isEqualTo("v");
                assertThat(jedis.get("missing")).isNull();
                assertThat(jedis.incr("n")).isEqualTo(1);
                assertThat(jedis.hset("h", Map.of("f1", "a", "f2", "b"))).isEqualTo(2);
                assertThat(jedis.hgetAll("h")).isEqualTo(Map.of("f1", "a", "f2", "b"));
                assertThat(jedis.rpush("l", "x", "y", "z")).isEqualTo(3);
                assertThat(jedis.lrange("l", 0, -1)).containsExactly("x", "y", "z");
                assertThatThrownBy(() -> jedis.hget("k", "f"))
                        .isInstanceOf(JedisDataException.class)
                        .hasMessageStartingWith("WRONGTYPE");

                var pipeline = jedis.pipelined();
                var responses = new ArrayList<redis.clients.jedis.Response<String>>();
                for (int i = 0; i < 50; i++) {
                    pipeline.set("p" + i, "value-" + i);
                    responses.add(pipeline.get("p" + i));
                }
                pipeline.sync();
                for (int i = 0; i < 50; i++) {
                    assertThat(responses.get(i).get()).isEqualTo("value-" + i);
                }

                var transaction = jedis.multi();
                transaction.set("t", "1");
                transaction.incr("t");
                assertThat(transaction.exec()).containsExactly("OK", 2L);

                var subscriber = new Jedis(address, config);
                var received = new CopyOnWriteArrayList<String>();
                var subscribed = new CountDownLatch(1);
                var pubSub = new JedisPubSub() {
                    @Override
                    public void onSubscribe(String channel, int count) {
                        subscribed.countDown();
                    }

                    @Override
                    public void onMessage(String channel, String message) {
                        received.add(message);
                        if (received.size() == 3) {
                            unsubscribe();
                        }
                    }
                };
                var listener = new Thread(() -> subscriber.subscribe(pubSub, "news"), "subscriber");
                listener.start();
                assertThat(subscribed.await(20, TimeUnit.SECONDS)).isTrue();
                for (int i = 1; i <= 3; i++) {
                    assertThat(jedis.publish("news", "m" + i)).isEqualTo(1);
                }
                listener.join(20_000);
                assertThat(received).containsExactly("m1", "m2", "m3");
                subscriber.close();

                var pusher = new Thread(() -> {
                    try (var other = new Jedis(address, config)) {
                        Thread.sleep(500);
                        other.rpush("queue", "job");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                pusher.start();
                assertThat(jedis.blpop(10, "queue")).containsExactly("queue", "job");
                pusher.join(20_000);
            }
        }

        /** What the session must have produced in a recording. */
        static void check(List<Interaction> all, RedisProtocol protocol) {
            check(all, protocol, true);
        }

        /** @param realTimes whether times were taken from the wire (not made up by a replay) */
        static void check(List<Interaction> all, RedisProtocol protocol, boolean realTimes) {
            var set = find(all, "SET").get(0);
            assertThat(Wire.command(set)).isEqualTo(List.of("SET", "k", "v"));
            assertThat(response(set)).containsEntry("type", "simple").containsEntry("value", "OK");
            assertThat(response(find(all, "GET").get(1))).containsEntry("type", "null");
            assertThat(response(find(all, "HGET").get(0))).containsEntry("type", "error");
            assertThat(response(find(all, "HGET").get(0)).get("error").toString())
                    .contains("prefix=WRONGTYPE");
            assertThat(find(all, "SET").stream()
                            .filter(i -> Wire.command(i).toString().contains("value-")))
                    .hasSize(50);
            var exec = find(all, "EXEC").get(0);
            assertThat(request(exec)).containsEntry("queued", List.of(List.of("SET", "t", "1"), List.of("INCR", "t")));
            assertThat(response(exec).get("value")).isEqualTo(List.of(Map.of("type", "simple", "value", "OK"), 2L));
            var subscribe = find(all, "SUBSCRIBE").get(0);
            assertThat(response(subscribe)).containsEntry("type", protocol == RedisProtocol.RESP3 ? "push" : "array");
            var messages = all.stream().filter(i -> i.request() == null).toList();
            assertThat(messages)
                    .hasSize(3)
                    .allSatisfy(i -> assertThat(response(i))
                            .containsEntry("push", true)
                            .containsEntry("kind", "message")
                            .containsEntry("type", protocol == RedisProtocol.RESP3 ? "push" : "array"));
            assertThat(messages)
                    .extracting(i -> response(i).get("value"))
                    .containsExactly(
                            List.of("message", "news", "m1"),
                            List.of("message", "news", "m2"),
                            List.of("message", "news", "m3"));
            assertThat(find(all, "UNSUBSCRIBE")).hasSize(1);
            var blpop = find(all, "BLPOP").get(0);
            assertThat(response(blpop).get("value")).isEqualTo(List.of("queue", "job"));
            if (realTimes) {
                // The pusher waited half a second before pushing.
                assertThat(blpop.timeToFirstByteMicros()).isGreaterThan(300_000);
            }
        }
    }
}
