package dev.chaostesting.protocols.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chaostesting.model.Interaction;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.Side;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** After a 101 or a 2xx to CONNECT the connection carries another protocol, recorded as raw turns. */
class Http1TunnelTest {

    private static final String UPGRADE =
            "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    private static final String SWITCHING = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    private static final byte[] SERVER_FRAME = {(byte) 0x81, 0x05, 'h', 'e', 'l', 'l', 'o'};
    private static final byte[] CLIENT_FRAME = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};

    @Test
    void websocketUpgradeThenTunnelBytesAsTcp() {
        var interactions = Script.create()
                .client(UPGRADE)
                .server(Http1BodyTest.concat(SWITCHING, SERVER_FRAME))
                .client(CLIENT_FRAME)
                .server(SERVER_FRAME)
                .close()
                .runAllWays();

        assertThat(interactions).extracting(Interaction::protocol).containsExactly("http", "tcp", "tcp");
        var upgrade = interactions.get(0);
        assertThat(upgrade.httpResponse().status()).isEqualTo(101);
        assertThat(upgrade.attributes()).containsEntry("upgrade", "websocket");
        assertThat(upgrade.responseBytes()).isEqualTo(SWITCHING.length());
        assertThat(upgrade.error()).isNull();

        // The server spoke first in the tunnel: a turn with no request, then the client's frame and its answer.
        var first = interactions.get(1);
        assertThat(first.request()).isNull();
        assertThat(((TcpData) first.response()).data().bytes()).isEqualTo(SERVER_FRAME);
        var second = interactions.get(2);
        assertThat(((TcpData) second.request()).data().bytes()).isEqualTo(CLIENT_FRAME);
        assertThat(((TcpData) second.response()).data().bytes()).isEqualTo(SERVER_FRAME);
        assertThat(interactions.subList(1, 3))
                .allSatisfy(i -> assertThat(i.attributes()).containsEntry("tunnel", "websocket"));
        assertThat(second.startedAt()).isEqualTo(interactions.get(0).startedAt().plusNanos(2 * Script.STEP * 1000));
    }

    @Test
    void connectTunnelKeepsBytesTheClientSentBeforeTheAnswer() {
        var hello = new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5};
        var script = Script.create()
                .client("CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\n")
                .client(hello)
                .server("HTTP/1.1 200 Connection Established\r\n\r\n")
                .server("server bytes")
                .client("more client bytes")
                .close();
        var interactions = script.runAllWays();

        assertThat(interactions).extracting(Interaction::protocol).containsExactly("http", "tcp", "tcp");
        assertThat(interactions.get(0).httpRequest().method()).isEqualTo("CONNECT");
        assertThat(interactions.get(0).httpRequest().target()).isEqualTo("db.internal:5432");
        assertThat(interactions.get(0).attributes()).containsEntry("upgrade", "connect");
        assertThat(interactions.get(1).attributes()).containsEntry("tunnel", "connect");
        assertThat(((TcpData) interactions.get(1).request()).data().bytes()).isEqualTo(hello);
        assertThat(((TcpData) interactions.get(1).response()).data().text()).isEqualTo("server bytes");
        assertThat(((TcpData) interactions.get(2).request()).data().text()).isEqualTo("more client bytes");
        assertThat(Script.countedBytes(interactions, Side.CLIENT)).isEqualTo(script.bytes(Side.CLIENT).length);
        assertThat(Script.countedBytes(interactions, Side.SERVER)).isEqualTo(script.bytes(Side.SERVER).length);
    }

    @Test
    void refusedConnectIsPlainHttpAndTheConnectionGoesOn() {
        var interactions = Script.create()
                .client("CONNECT blocked:443 HTTP/1.1\r\nHost: blocked:443\r\n\r\n")
                .server("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno")
                .client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .close()
                .runAllWays();

        assertThat(interactions).extracting(Interaction::protocol).containsExactly("http", "http");
        assertThat(interactions.get(0).attributes()).doesNotContainKey("upgrade");
    }

    @Test
    void ignoredUpgradeResumesHttpWithTheRequestsHeldMeanwhile() {
        var interactions = Script.create()
                .client("GET /a HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                        + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"
                        + "GET /b HTTP/1.1\r\nHost: h\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb")
                .close()
                .runAllWays();

        assertThat(interactions).extracting(i -> i.httpRequest().target()).containsExactly("/a", "/b");
        assertThat(interactions).extracting(i -> i.httpResponse().body().text()).containsExactly("a", "b");
        assertThat(interactions)
                .extracting(Interaction::startedAt)
                .containsOnly(interactions.get(0).startedAt());
    }

    @Test
    void upgradeWithoutAnswerKeepsTheHeldBytesRaw() {
        var interactions =
                Script.create().client(UPGRADE).client(CLIENT_FRAME).close().runAllWays();

        assertThat(interactions).extracting(Interaction::protocol).containsExactly("tcp", "http");
        assertThat(interactions.get(1).error()).isEqualTo("connection closed before the response");
        assertThat(((TcpData) interactions.get(0).request()).data().bytes()).isEqualTo(CLIENT_FRAME);
    }

    @Test
    void switchingWithoutAnUpgradeRequestFailsOpen() {
        var script = Script.create()
                .client("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                .server(SWITCHING + "after")
                .close();
        var interactions = script.runAllWays();

        assertThat(interactions.get(0).protocol()).isEqualTo("http");
        assertThat(interactions.get(0).response()).isNull();
        assertThat(interactions.get(0).error())
                .isEqualTo("response not decoded: status: 101 (expected: only in answer to a request with Upgrade)");
        assertThat(Script.rawBytes(interactions, Side.SERVER))
                .isEqualTo((SWITCHING + "after").getBytes(StandardCharsets.UTF_8));
    }
}
