package dev.chaostesting.protocols.http;

import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import dev.chaostesting.spi.UpgradeCodec;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one HTTP/1.x connection. Requests and responses are each read by their side's {@link MessageReader} and
 * paired first in, first out, so pipelined requests get their own answers; each pair becomes one interaction. After a
 * protocol switch (101, or 2xx to CONNECT) the rest of the connection is recorded as raw turns. Input that is not HTTP
 * ends decoding: complete exchanges are emitted and the bytes not yet decoded are handed back to be recorded raw.
 */
final class Http1Decoder implements StreamDecoder {

    private enum Mode {
        HTTP,
        /** After an upgrade to a protocol another codec continues ({@link UpgradeCodec}): calls go to it. */
        UPGRADED,
        DONE
    }

    /** The codecs that continue an upgraded connection, by their Upgrade token (lower case). */
    private static final Map<String, UpgradeCodec> UPGRADES = upgrades();

    private static Map<String, UpgradeCodec> upgrades() {
        var map = new java.util.HashMap<String, UpgradeCodec>();
        try {
            for (var codec : java.util.ServiceLoader.load(
                    dev.chaostesting.spi.ProtocolCodec.class, Http1Decoder.class.getClassLoader())) {
                if (codec instanceof UpgradeCodec u) {
                    map.putIfAbsent(u.upgradeProtocol().toLowerCase(java.util.Locale.ROOT), u);
                }
            }
        } catch (java.util.ServiceConfigurationError e) {
            // a broken codec jar: upgrades are then recorded as raw tunnels, as before
        }
        return Map.copyOf(map);
    }

    private @Nullable StreamDecoder upgraded;

    private static final String CLOSED = "connection closed before the response";
    private static final String RESET = "connection reset before the response";

    private final DecoderContext context;
    private MessageReader client;
    private MessageReader server;
    private final ExchangeQueue exchanges;
    private final HeldBytes held = new HeldBytes();
    private Mode mode = Mode.HTTP;
    /** The exchange whose request the client is still sending. */
    private @Nullable Exchange sending;
    /** An Upgrade or CONNECT exchange whose answer decides what the client's next bytes are. */
    private @Nullable Exchange pausedOn;

    /** After bytes were lost: each side skips to its next message start (see {@link Resync}). */
    private final Resync clientResync;

    private final Resync serverResync;

    private boolean clientEnded;
    private boolean serverEnded;
    private long clientEndedAt;

    Http1Decoder(DecoderContext context) {
        this.context = context;
        this.client = new MessageReader(HeadParser.Kind.REQUEST, context.maxBodyBytes());
        this.server = new MessageReader(HeadParser.Kind.RESPONSE, context.maxBodyBytes());
        this.exchanges = new ExchangeQueue(context);
        this.clientResync = new Resync(context, Side.CLIENT, RequestLineSniffer::detect);
        this.serverResync = new Resync(context, Side.SERVER, Resync::statusLine);
    }

    @Override
    public void onData(Side side, ByteBuffer data, long atMicros) {
        switch (mode) {
            case DONE -> {}
            case UPGRADED -> upgraded.onData(side, data, atMicros);
            case HTTP -> {
                try {
                    if (side == Side.CLIENT) {
                        clientData(data, atMicros);
                    } else {
                        serverData(data, atMicros);
                    }
                } catch (MalformedHttpException e) {
                    failOpen(Objects.requireNonNullElse(e.getMessage(), "malformed"), side, data, atMicros);
                }
            }
        }
    }

    @Override
    public void onEnd(Side side, boolean reset, long atMicros) {
        if (mode == Mode.UPGRADED) {
            upgraded.onEnd(side, reset, atMicros);
            return;
        }
        if (mode == Mode.DONE) {
            return;
        }
        if (reset || side == Side.CLIENT) {
            clientResync.end();
        }
        if (reset || side == Side.SERVER) {
            serverResync.end();
        }
        if (reset || side == Side.SERVER) {
            serverEnded = true;
        }
        if (reset || side == Side.CLIENT) {
            clientEnded = true;
            clientEndedAt = atMicros;
        }
        if (serverEnded) {
            endServer(reset, atMicros);
        }
        if (clientEnded && pausedOn == null) {
            endClient(reset, atMicros);
        }
        if (serverEnded) {
            exchanges.closeUnanswered(reset ? RESET : CLOSED, atMicros);
        }
        if (clientEnded && serverEnded) {
            mode = Mode.DONE;
        }
    }

    /**
     * Bytes were lost (a capture dropped packets): what was decoded is kept, the messages the gap cut are recorded as
     * far as they went, exchanges still waiting for an answer get none (their answers can no longer be told from those
     * of the lost requests), and each side then skips to the next start of a message: a request line on the client's
     * side; on the server's, a status line once a request is waiting for it. Skipped bytes are recorded as raw TCP, so
     * nothing is dropped and nothing is invented.
     */
    @Override
    public boolean onGap(Side side, long missingBytes, long atMicros) {
        if (mode == Mode.UPGRADED) {
            return upgraded.onGap(side, missingBytes, atMicros);
        }
        if (mode != Mode.HTTP) {
            return false;
        }
        if (pausedOn != null) {
            // Whether the connection switched protocols is unknown: the rest is raw.
            var where = side == Side.CLIENT ? "client" : "server";
            failOpen(missingBytes + " bytes missing from the " + where, side, ByteBuffer.allocate(0), atMicros);
            return false;
        }
        var reason =
                "the capture lost " + missingBytes + " bytes of the " + (side == Side.CLIENT ? "client" : "server");
        abandon(reason, atMicros);
        clientResync.start(reason);
        serverResync.start(reason);
        return true;
    }

    /** Records what the gap cut short and starts both readers afresh. */
    private void abandon(String reason, long atMicros) {
        // The server's side first: what it answered came before the request the client is still sending.
        var answering = exchanges.awaitingResponse();
        if (answering != null && server.inBody()) {
            finishResponse(answering, "response incomplete: " + reason);
        } else if (server.inHead()) {
            long first = server.firstByteAt();
            long last = server.lastByteAt();
            RawTurns.emitOnce(context, Side.SERVER, server.takeUnparsed(), first, last, "response head cut: " + reason);
        }
        if (sending != null && client.inBody()) {
            finishRequest("request incomplete: " + reason);
        } else if (client.inHead()) {
            long first = client.firstByteAt();
            long last = client.lastByteAt();
            RawTurns.emitOnce(context, Side.CLIENT, client.takeUnparsed(), first, last, "request head cut: " + reason);
        }
        exchanges.closeUnanswered("response not paired: " + reason, atMicros);
        if (!held.isEmpty()) {
            long first = held.firstAt();
            long last = held.lastAt();
            RawTurns.emitOnce(context, Side.CLIENT, held.drain(), first, last, reason);
        }
        sending = null;
        client = new MessageReader(HeadParser.Kind.REQUEST, context.maxBodyBytes());
        server = new MessageReader(HeadParser.Kind.RESPONSE, context.maxBodyBytes());
    }

    private void clientData(ByteBuffer data, long atMicros) throws MalformedHttpException {
        if (clientResync.active()) {
            var rest = clientResync.skip(data, atMicros);
            if (rest == null) {
                return;
            }
            data = rest;
        }
        if (pausedOn == null) {
            readClient(data, atMicros);
        }
        if (data.hasRemaining()) {
            held.add(data, atMicros);
        }
    }

    private void readClient(ByteBuffer data, long atMicros) throws MalformedHttpException {
        while (pausedOn == null) {
            switch (client.read(data, atMicros)) {
                case NEED_MORE -> {
                    return;
                }
                case HEAD_DONE -> {
                    var framing = Framing.ofRequest(client.head());
                    sending = exchanges.open(client.head(), client.firstByteAt());
                    client.beginBody(framing);
                }
                case COMPLETE -> {
                    var exchange = finishRequest(null);
                    if (serverEnded) {
                        exchange.noResponse(CLOSED, atMicros);
                    } else if (exchange.mayUpgrade() && !exchange.responseDone()) {
                        pausedOn = exchange;
                    }
                    exchanges.emitReady();
                }
            }
        }
    }

    private void serverData(ByteBuffer data, long atMicros) throws MalformedHttpException {
        if (serverResync.active()) {
            // Only a request seen after the gap can be paired: an answer before it answers a lost one.
            if (exchanges.awaitingResponse() == null) {
                serverResync.skipAll(data, atMicros);
                return;
            }
            var rest = serverResync.skip(data, atMicros);
            if (rest == null) {
                return;
            }
            data = rest;
        }
        while (mode == Mode.HTTP) {
            var exchange = exchanges.awaitingResponse();
            if (exchange == null) {
                if (server.isIdle() && data.hasRemaining()) {
                    throw new MalformedHttpException(
                            "response: bytes from the server with no request outstanding (expected: a request first)");
                }
                return;
            }
            switch (server.read(data, atMicros)) {
                case NEED_MORE -> {
                    return;
                }
                case HEAD_DONE -> responseHead(exchange, data, atMicros);
                case COMPLETE -> {
                    finishResponse(exchange, null);
                    resumeClient();
                }
            }
        }
    }

    private void responseHead(Exchange exchange, ByteBuffer data, long atMicros) throws MalformedHttpException {
        var head = server.head();
        int status = head.status();
        if (status < 200 && status != 101) {
            exchange.interim(status, server.wireBytes(), server.firstByteAt(), server.lastByteAt());
            server.next();
            return;
        }
        boolean connected = exchange.requestHead().isConnect() && status < 300;
        if (status != 101 && !connected) {
            server.beginBody(Framing.ofResponse(exchange.requestHead(), head));
            return;
        }
        var requestUpgrade = exchange.requestHead().upgrade();
        if (status == 101 && requestUpgrade == null) {
            throw new MalformedHttpException("status: 101 (expected: only in answer to a request with Upgrade)");
        }
        if (!exchange.requestDone()) {
            throw new MalformedHttpException(
                    "status: " + status + " before the end of the request (expected: after the request)");
        }
        var protocol = connected ? "connect" : Objects.requireNonNullElse(head.upgrade(), requestUpgrade);
        exchange.upgrade(protocol);
        server.beginBody(Framing.NONE);
        finishResponse(exchange, null);
        var next = connected ? null : UPGRADES.get(protocol.toLowerCase(java.util.Locale.ROOT));
        if (next != null && exchange.request() != null) {
            switchToUpgraded(next, exchange, data, atMicros);
            return;
        }
        switchToTunnel(protocol, data, atMicros);
    }

    /** From here on another codec decodes the connection (e.g. HTTP/2 after {@code Upgrade: h2c}). */
    private void switchToUpgraded(UpgradeCodec codec, Exchange exchange, ByteBuffer data, long atMicros) {
        StreamDecoder decoder;
        try {
            decoder = codec.afterUpgrade(
                    context, exchange.request(), exchange.startedAt(), client.lastByteAt(), exchange.requestBytes());
        } catch (RuntimeException e) {
            switchToTunnel(exchange.requestHead().upgrade(), data, atMicros);
            return;
        }
        mode = Mode.UPGRADED;
        upgraded = decoder;
        long heldAt = held.firstAt();
        var early = held.drain();
        if (early.hasRemaining()) {
            decoder.onData(Side.CLIENT, early, heldAt);
        }
        if (clientEnded) {
            decoder.onEnd(Side.CLIENT, false, clientEndedAt);
        }
        if (data.hasRemaining()) {
            decoder.onData(Side.SERVER, data, atMicros);
        }
        data.position(data.limit());
    }

    /** From here on both directions carry another protocol, recorded as raw turns; this decoder is done. */
    private void switchToTunnel(String protocol, ByteBuffer data, long atMicros) {
        mode = Mode.DONE;
        var turns = context.switchToRaw(Map.of("tunnel", protocol));
        // Bytes the client sent before the switch was answered came first; the server's come now.
        long heldAt = held.firstAt();
        turns.onData(Side.CLIENT, held.drain(), heldAt);
        if (clientEnded) {
            turns.onEnd(Side.CLIENT, false, clientEndedAt);
        }
        turns.onData(Side.SERVER, data, atMicros);
        data.position(data.limit());
    }

    private Exchange finishRequest(@Nullable String problem) {
        var exchange = Objects.requireNonNull(sending, "sending");
        sending = null;
        var content = client.content(problem != null);
        exchange.requestDone(
                client.head().toRequest(content.body(), content.trailers()),
                client.wireBytes(),
                client.lastByteAt(),
                content.decodeError(),
                problem);
        client.next();
        return exchange;
    }

    private void finishResponse(Exchange exchange, @Nullable String problem) {
        var content = server.content(problem != null);
        exchange.responseDone(
                server.head().toResponse(content.body(), content.trailers(), exchange.interim()),
                server.wireBytes(),
                server.firstByteAt(),
                server.lastByteAt(),
                content.decodeError(),
                problem);
        server.next();
        if (exchange == pausedOn) {
            pausedOn = null;
        }
        exchanges.emitReady();
    }

    /** After a request that might have switched protocols got a plain answer, its held bytes are HTTP after all. */
    private void resumeClient() throws MalformedHttpException {
        while (pausedOn == null && !held.isEmpty()) {
            var chunk = Objects.requireNonNull(held.first());
            readClient(chunk.data(), chunk.atMicros());
            if (!chunk.data().hasRemaining()) {
                held.removeFirst();
            }
        }
        if (pausedOn == null && clientEnded) {
            endClient(false, clientEndedAt);
        }
    }

    private void endServer(boolean reset, long atMicros) {
        var exchange = exchanges.awaitingResponse();
        if (server.inHead()) {
            var bytes = server.takeUnparsed();
            RawTurns.emitOnce(
                    context,
                    Side.SERVER,
                    bytes,
                    server.firstByteAt(),
                    server.lastByteAt(),
                    "connection " + (reset ? "reset" : "closed") + " in a response head");
            server.next();
        } else if (server.inBody() && exchange != null) {
            boolean complete = server.readsUntilClose() && !reset;
            finishResponse(exchange, complete ? null : server.cutShortReason("response", reset));
        }
        if (!held.isEmpty()) {
            // No answer will come to say what these are: they are kept as sent.
            long first = held.firstAt();
            long last = held.lastAt();
            RawTurns.emitOnce(
                    context,
                    Side.CLIENT,
                    held.drain(),
                    first,
                    last,
                    "connection ended before these bytes were answered");
        }
        pausedOn = null;
    }

    private void endClient(boolean reset, long atMicros) {
        if (client.inHead()) {
            var bytes = client.takeUnparsed();
            RawTurns.emitOnce(
                    context,
                    Side.CLIENT,
                    bytes,
                    client.firstByteAt(),
                    client.lastByteAt(),
                    "connection " + (reset ? "reset" : "closed") + " in a request head");
            client.next();
        } else if (client.inBody()) {
            var exchange = finishRequest(client.cutShortReason("request", reset));
            if (serverEnded) {
                exchange.noResponse(reset ? RESET : CLOSED, atMicros);
            }
            exchanges.emitReady();
        }
    }

    /**
     * Stops decoding: what was decoded is emitted (a message cut in its body with what arrived of it), requests without
     * an answer with none, and the bytes not decoded go back to be recorded as raw TCP.
     */
    private void failOpen(String reason, Side side, ByteBuffer data, long atMicros) {
        mode = Mode.DONE;
        var clientBytes = client.takeUnparsed();
        if (sending != null && client.inBody()) {
            finishRequest("request not fully decoded: " + reason);
        }
        var serverBytes = server.takeUnparsed();
        var answering = exchanges.awaitingResponse();
        if (answering != null && server.inBody()) {
            finishResponse(answering, "response not fully decoded: " + reason);
        }
        exchanges.closeUnanswered("response not decoded: " + reason, atMicros);
        var heldBytes = held.drain();
        var unparsedClient = concat(clientBytes, heldBytes, side == Side.CLIENT ? data : ByteBuffer.allocate(0));
        var unparsedServer = concat(serverBytes, side == Side.SERVER ? data : ByteBuffer.allocate(0));
        context.failOpen(reason, unparsedClient, unparsedServer);
    }

    private static ByteBuffer concat(ByteBuffer... parts) {
        int n = 0;
        for (var part : parts) {
            n += part.remaining();
        }
        var all = ByteBuffer.allocate(n);
        for (var part : parts) {
            all.put(part.duplicate());
        }
        return all.flip();
    }
}
