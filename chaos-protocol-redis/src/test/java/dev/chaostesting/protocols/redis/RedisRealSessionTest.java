package dev.chaostesting.protocols.redis;

import static dev.chaostesting.protocols.redis.RedisThroughProxyTest.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.Interceptor;
import dev.chaostesting.capture.CaptureOptions;
import dev.chaostesting.capture.CaptureRecorder;
import dev.chaostesting.capture.LiveCapture;
import dev.chaostesting.model.Interaction;
import dev.chaostesting.recording.Recording;
import dev.chaostesting.spi.Side;
import dev.chaostesting.testing.DebianPackages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisProtocol;

/** Bytes of real sessions: any fragmentation decodes the same, and a live capture records what the proxy records. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RedisRealSessionTest {

    @TempDir
    Path dir;

    @Test
    void a_real_session_decodes_the_same_whole_in_random_chunks_and_byte_by_byte() throws Exception {
        for (var protocol : RedisProtocol.values()) {
            var serverDir = Files.createDirectories(dir.resolve(protocol.name()));
            try (var redis = RedisServer.start(serverDir, "--requirepass", PASSWORD);
                    var tap = new TapRelay(redis.port())) {
                RedisThroughProxyTest.Workload.run(new HostAndPort("127.0.0.1", tap.port()), protocol, PASSWORD);
                var all = new ArrayList<Interaction>();
                for (var script : tap.scripts()) {
                    var interactions = script.runAllWays();
                    for (var side : Side.values()) {
                        assertThat(Script.countedBytes(interactions, side)).isEqualTo(script.bytes(side).length);
                    }
                    all.addAll(interactions);
                }
                assertThat(all).allSatisfy(i -> {
                    assertThat(i.protocol()).isEqualTo("redis");
                    assertThat(i.error()).isNull();
                });
                assertThat(all.toString()).doesNotContain(PASSWORD);
                RedisThroughProxyTest.Workload.check(all, protocol, false);
            }
        }
    }

    @Test
    void a_live_capture_records_what_the_proxy_records() throws Exception {
        DebianPackages.require("tcpdump", "tcpdump", true);
        for (var protocol : RedisProtocol.values()) {
            var serverDir = Files.createDirectories(dir.resolve("server-" + protocol.name()));
            var captured = dir.resolve("capture-" + protocol.name());
            try (var redis = RedisServer.start(serverDir, "--requirepass", PASSWORD)) {
                List<Interaction> proxied;
                try (var recorder =
                        CaptureRecorder.create(captured, "127.0.0.1:" + redis.port(), Map.of("mode", "capture"))) {
                    var capture = LiveCapture.start(
                            "lo",
                            "tcp port " + redis.port(),
                            CaptureOptions.defaults().onlyPorts(redis.port()),
                            recorder::append);
                    try (var proxy = Interceptor.onPort(redis.port()).record().start()) {
                        RedisThroughProxyTest.Workload.run(
                                new HostAndPort("127.0.0.1", proxy.port()), protocol, PASSWORD);
                        proxied = RedisThroughProxyTest.settled(proxy);
                    }
                    var summary = capture.stop();
                    assertThat(summary.packetsDroppedByKernel()).isZero();
                }
                var fromCapture = Recording.open(captured).interactions();
                assertThat(byConnection(fromCapture)).isEqualTo(byConnection(proxied));
                RedisThroughProxyTest.Workload.check(fromCapture, protocol);
                try (Stream<Path> files = Files.list(captured)) {
                    for (var file : files.toList()) {
                        assertThat(Files.readString(file)).doesNotContain(PASSWORD);
                    }
                }
            }
        }
    }

    /**
     * What each connection carried, without times, addresses and ids: one sorted list entry per connection, each the
     * sequence of its interactions' protocol, request, response, byte counts and error.
     */
    private static List<String> byConnection(List<Interaction> interactions) {
        var connections = new TreeMap<String, StringBuilder>();
        for (var i : interactions) {
            connections
                    .computeIfAbsent(i.connection(), c -> new StringBuilder())
                    .append(i.protocol())
                    .append(' ')
                    .append(i.request())
                    .append(" -> ")
                    .append(i.response())
                    .append(' ')
                    .append(i.requestBytes())
                    .append('/')
                    .append(i.responseBytes())
                    .append(' ')
                    .append(i.error())
                    .append('\n');
        }
        return connections.values().stream()
                .map(StringBuilder::toString)
                .sorted()
                .toList();
    }
}
