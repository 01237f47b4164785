package dev.chaostesting.protocols.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chaostesting.protocols.redis.RedisFaults.ErrorReply;
import dev.chaostesting.protocols.redis.RedisFaults.Protocol;
import dev.chaostesting.protocols.redis.internal.RespReader;
import dev.chaostesting.protocols.redis.internal.RespType;
import dev.chaostesting.protocols.redis.internal.Values;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

/** Error replies for faults: the bytes decode to the intended error, and a real client raises the right exception. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisFaultsTest {

    @Test
    void error_replies_have_the_servers_wording() {
        assertThat(text(RedisFaults.loading().encode(Protocol.RESP2)))
                .isEqualTo("-LOADING Redis is loading the dataset in memory\r\n");
        assertThat(text(RedisFaults.readOnly().encode(Protocol.RESP3)))
                .isEqualTo("-READONLY You can't write against a read only replica.\r\n");
        assertThat(text(RedisFaults.oom().encode(Protocol.RESP2)))
                .isEqualTo("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
        assertThat(text(RedisFaults.moved(3999, "127.0.0.1", 6381).encode(Protocol.RESP2)))
                .isEqualTo("-MOVED 3999 127.0.0.1:6381\r\n");
        assertThat(text(RedisFaults.err("two\r\nlines").encode(Protocol.RESP2))).isEqualTo("-ERR two  lines\r\n");
        assertThat(text(RedisFaults.err("two\r\nlines").encode(Protocol.RESP3)))
                .isEqualTo("!14\r\nERR two\r\nlines\r\n");
        assertThatThrownBy(() -> RedisFaults.error("lower", "x"))
                .hasMessage("prefix: 'lower' (expected: upper-case letters, digits, '_' or '-')");
        assertThatThrownBy(() -> RedisFaults.moved(16384, "h", 1)).hasMessage("slot: 16384 (expected: 0 to 16383)");
    }

    @Test
    void encoded_errors_decode_to_their_prefix_and_message() throws Exception {
        for (var protocol : Protocol.values()) {
            for (var fault : new ErrorReply[] {
                RedisFaults.err("boom"),
                RedisFaults.loading(),
                RedisFaults.readOnly(),
                RedisFaults.oom(),
                RedisFaults.moved(12182, "127.0.0.1", 7002),
                RedisFaults.err("multi\nline")
            }) {
                var frame = new RespReader(false, 1 << 20).next(ByteBuffer.wrap(fault.encode(protocol)), 0);
                assertThat(frame).as(fault + " " + protocol).isNotNull();
                var type = frame.value().type();
                assertThat(type).isIn(RespType.ERROR, RespType.BULK_ERROR);
                var error = Values.error(frame.value());
                assertThat(error).containsEntry("prefix", fault.prefix());
                if (protocol == Protocol.RESP3) {
                    assertThat(error).containsEntry("message", fault.message());
                }
            }
        }
    }

    @Test
    void jedis_raises_the_matching_exception_over_resp2_and_resp3() throws Exception {
        for (var protocol : Protocol.values()) {
            assertThatThrownBy(() -> getThrough(RedisFaults.moved(3999, "127.0.0.1", 6381), protocol))
                    .isInstanceOfSatisfying(JedisMovedDataException.class, e -> {
                        assertThat(e.getSlot()).isEqualTo(3999);
                        assertThat(e.getTargetNode()).isEqualTo(new HostAndPort("127.0.0.1", 6381));
                    });
            assertThatThrownBy(() -> getThrough(RedisFaults.loading(), protocol))
                    .isExactlyInstanceOf(JedisDataException.class)
                    .hasMessage("LOADING Redis is loading the dataset in memory");
            assertThatThrownBy(() -> getThrough(RedisFaults.readOnly(), protocol))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessage("READONLY You can't write against a read only replica.");
            assertThatThrownBy(() -> getThrough(RedisFaults.oom(), protocol))
                    .isInstanceOf(JedisDataException.class)
                    .hasMessage("OOM command not allowed when used memory > 'maxmemory'.");
            assertThatThrownBy(() -> getThrough(RedisFaults.err("injected"), protocol))
                    .isExactlyInstanceOf(JedisDataException.class)
                    .hasMessage("ERR injected");
            assertThatThrownBy(() -> getThrough(RedisFaults.busy(), protocol)).isInstanceOf(JedisBusyException.class);
        }
    }

    /**
     * Sends GET through a loopback fake server that answers the connection handshake (HELLO, CLIENT SETINFO) normally
     * and every other command with the fault.
     */
    private static String getThrough(ErrorReply fault, Protocol protocol) throws Exception {
        try (var server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var thread = new Thread(() -> serve(server, fault, protocol), "fake-redis");
            thread.setDaemon(true);
            thread.start();
            var config = DefaultJedisClientConfig.builder()
                    .protocol(protocol == Protocol.RESP3 ? RedisProtocol.RESP3 : RedisProtocol.RESP2)
                    .socketTimeoutMillis(10_000)
                    .build();
            try (var jedis = new Jedis(new HostAndPort("127.0.0.1", server.getLocalPort()), config)) {
                return jedis.get("k");
            }
        }
    }

    private static void serve(ServerSocket server, ErrorReply fault, Protocol protocol) {
        try (Socket s = server.accept()) {
            var in = s.getInputStream();
            var out = s.getOutputStream();
            var reader = new RespReader(true, 1 << 20);
            var buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                var data = ByteBuffer.wrap(buf, 0, n);
                RespReader.Frame frame;
                while ((frame = reader.next(data, 0)) != null) {
                    var name = new String(frame.value().elements().get(0).data(), StandardCharsets.UTF_8);
                    out.write(
                            switch (name.toUpperCase(java.util.Locale.ROOT)) {
                                case "HELLO" ->
                                    "%2\r\n$5\r\nproto\r\n:3\r\n$7\r\nversion\r\n$5\r\n7.0.0\r\n"
                                            .getBytes(StandardCharsets.US_ASCII);
                                case "CLIENT" -> "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
                                default -> fault.encode(protocol);
                            });
                    out.flush();
                }
            }
        } catch (Exception e) {
            // the client went away
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
