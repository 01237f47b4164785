package dev.chaostesting.protocols.mysql.internal;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.protocols.mysql.internal.Exchange.Expect;
import dev.chaostesting.protocols.mysql.internal.Exchange.State;
import dev.chaostesting.spi.BodyCollector;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one MySQL/MariaDB connection: the handshake, then commands and their answers. Commands may be pipelined
 * (MariaDB Connector/J sends a prepare and its execute together); answers come in order, so each server packet belongs
 * to the oldest command not yet answered. Commands without an answer complete when the ones before them have.
 */
public final class MysqlDecoder implements StreamDecoder {

    /** Payload bytes of one message always kept, whatever maxBodyBytes says: enough for every protocol packet. */
    static final int MIN_KEEP = 64 * 1024;
    /** Pipelined commands held while they wait for their answers. */
    static final int MAX_PENDING = 1024;

    private final DecoderContext context;
    private final Session session;
    private final Inbound client;
    private final Inbound server;
    private final ArrayDeque<Exchange> pending = new ArrayDeque<>();
    private boolean greeted;
    private boolean done;
    private boolean clientEnded;
    private boolean serverEnded;
    /** Set on a zlib connection once the handshake is done. */
    private boolean compressed;

    private long lastSeenAt = -1;
    /** The packet being handled, for a fail-open to give back. */
    private @Nullable Packet current;

    public MysqlDecoder(DecoderContext context) {
        this.context = context;
        int keep = Math.max(MIN_KEEP, context.maxBodyBytes());
        this.session = new Session(context.maxBodyBytes());
        this.client = new Inbound(keep);
        this.server = new Inbound(keep);
    }

    @Override
    public void onData(Side side, ByteBuffer data, long atMicros) {
        if (done) {
            return;
        }
        lastSeenAt = atMicros;
        try {
            if (compressed) {
                compressedData(side, data, atMicros);
            } else {
                plainData(side, data, atMicros);
            }
        } catch (MalformedPacketException e) {
            failOpen(e.getMessage(), side, current, data);
        } catch (RuntimeException e) {
            failOpen("internal error: " + e, side, current, data);
        }
    }

    private void plainData(Side side, ByteBuffer data, long atMicros) throws MalformedPacketException {
        var reader = (side == Side.CLIENT ? client : server).packets;
        Packet packet;
        while (!done && (packet = reader.read(data, atMicros)) != null) {
            current = packet;
            var switchTo = side == Side.CLIENT ? clientPacket(packet) : serverPacket(packet);
            current = null;
            if (switchTo != null) {
                if ("zlib".equals(switchTo.get("compression"))) {
                    startCompression();
                    compressedData(side, data, atMicros);
                } else {
                    handOver(switchTo, side, data, atMicros);
                }
                return;
            }
        }
    }

    /** After the handshake's OK on a zlib connection: both directions are compressed packets from here on. */
    private void startCompression() throws MalformedPacketException {
        if (client.inMessage()) {
            throw new MalformedPacketException("client packet begun before the handshake's OK (expected: compressed)");
        }
        int keep = Math.max(MIN_KEEP, context.maxBodyBytes());
        client.compress(keep);
        server.compress(keep);
        compressed = true;
    }

    /** Inflates whole compressed packets and decodes the packets in them, each charged as CompressedReader says. */
    private void compressedData(Side side, ByteBuffer data, long atMicros) throws MalformedPacketException {
        var in = side == Side.CLIENT ? client : server;
        var z = in.compressed();
        var reader = in.packets;
        while (!done && z.readFrame(data, atMicros)) {
            ByteBuffer chunk;
            while (!done && (chunk = z.nextChunk()) != null) {
                Packet packet;
                while (!done && (packet = reader.read(chunk, z.frameFirstAt(), atMicros)) != null) {
                    current = packet.charged(z.charge());
                    if (side == Side.CLIENT) {
                        clientPacket(current);
                    } else {
                        serverPacket(current);
                    }
                    current = null;
                    z.chargeRecorded();
                }
            }
        }
    }

    @Override
    public void onEnd(Side side, boolean reset, long atMicros) {
        if (done) {
            return;
        }
        boolean last = reset || (side == Side.CLIENT ? serverEnded : clientEnded);
        var in = side == Side.CLIENT ? client : server;
        if (in.inMessage() || (last && (client.inMessage() || server.inMessage()))) {
            emitCutShort(reset, atMicros);
        }
        if (side == Side.CLIENT) {
            clientEnded = true;
        } else {
            serverEnded = true;
        }
        if (reset || serverEnded) {
            var why = reset ? "connection reset before the response" : "connection closed before the response";
            while (!pending.isEmpty()) {
                var x = pending.peekFirst();
                x.error = x.code < 0 ? why.replace("the response", "the handshake completed") : why;
                finish(x);
            }
        }
    }

    @Override
    public boolean onGap(Side side, long missingBytes, long atMicros) {
        // Packets have no markers to find the next one by: what follows a gap cannot be framed.
        if (!done) {
            failOpen(
                    missingBytes + " bytes missing from the " + (side == Side.CLIENT ? "client" : "server"),
                    side,
                    null,
                    ByteBuffer.allocate(0));
        }
        return false;
    }

    /** Handles a client message; returns the attributes of a switch to raw recording, or null. */
    private @Nullable Map<String, String> clientPacket(Packet p) throws MalformedPacketException {
        if (!greeted) {
            throw new MalformedPacketException("client packet before the server's greeting");
        }
        var head = pending.peekFirst();
        if (p.sequenceId() != 0 || (head != null && head.state == State.GREETED)) {
            if (head == null || !head.acceptsClientData()) {
                throw new MalformedPacketException(
                        "client packet: sequence id " + p.sequenceId() + " (expected: 0 for a new command)");
            }
            checkSequence(head, p, "client");
            if (head.state == State.GREETED) {
                boolean tlsFollows = Handshakes.response(head, p, session);
                head.addClient(p);
                head.state = State.AUTH;
                if (tlsFollows) {
                    var tls = Map.of("tls", "true");
                    head.attributes.putAll(tls);
                    finish(head);
                    return tls;
                }
                return null;
            }
            head.addClient(p);
            if (head.state == State.INFILE) {
                head.response.merge("localInfileBytes", p.size(), (a, b) -> (Long) a + (Long) b);
                if (p.size() == 0) {
                    head.state = State.FIRST;
                }
            }
            return null;
        }
        if (!session.handshakeDone) {
            throw new MalformedPacketException("client command before the handshake completed");
        }
        if (pending.size() >= MAX_PENDING) {
            throw new MalformedPacketException(
                    "commands awaiting an answer: over " + MAX_PENDING + " (expected: <= " + MAX_PENDING + ")");
        }
        var x = Commands.parse(p, session);
        x.addClient(p);
        pending.addLast(x);
        drain();
        return null;
    }

    /** Handles a server message; returns the attributes of a switch to raw recording, or null. */
    private @Nullable Map<String, String> serverPacket(Packet p) throws MalformedPacketException {
        if (!greeted) {
            greeted = true;
            if (p.sequenceId() != 0) {
                throw new MalformedPacketException("greeting: sequence id " + p.sequenceId() + " (expected: 0)");
            }
            if (p.header() == 0xff) {
                var x = new Exchange(-1, Expect.AUTH, p.firstAt(), State.DONE);
                x.request.put("command", "HANDSHAKE");
                x.addResult(Result.error(Result.error(p)));
                x.addServer(p);
                pending.add(x);
                finish(x);
                return null;
            }
            var x = Handshakes.greeting(p, session);
            x.addServer(p);
            pending.add(x);
            return null;
        }
        var x = pending.peekFirst();
        if (x == null || x.state == State.GREETED) {
            if (p.header() == 0xff && x == null) {
                // An error the server sends on its own, e.g. before it closes an idle or killed connection.
                var unsolicited = new Exchange(-2, Expect.OK, p.firstAt(), State.DONE);
                unsolicited.addResult(Result.error(Result.error(p)));
                unsolicited.addServer(p);
                pending.add(unsolicited);
                finish(unsolicited);
                return null;
            }
            throw new MalformedPacketException(String.format(
                    "server packet starting 0x%02x with %s",
                    p.header(), x == null ? "no command outstanding" : "the client's handshake response outstanding"));
        }
        checkSequence(x, p, "server");
        if (x.code == Protocol.COM_STMT_EXECUTE || x.code == Protocol.COM_STMT_FETCH) {
            bindStatement(x);
        }
        boolean complete = Responses.onServer(x, p, session);
        x.addServer(p);
        if (!complete) {
            return null;
        }
        x.state = State.DONE;
        finish(x);
        drain();
        if (x.code < 0 && session.handshakeDone) {
            var compression = Handshakes.compression(session);
            if (compression != null) {
                return Map.of("compression", compression);
            }
        }
        return null;
    }

    private void bindStatement(Exchange x) {
        if (x.deferredPayload != null) {
            Commands.decodeExecute(x, session);
        } else if (x.statement == null && x.request.get("statementId") instanceof Long id) {
            x.statement = session.statement(id);
        }
    }

    private void checkSequence(Exchange x, Packet p, String side) throws MalformedPacketException {
        if (compressed) {
            // Inside compressed packets, peers number their packets from the compressed packets' sequence ids.
            return;
        }
        int expected = (x.lastSequenceId + 1) & 0xff;
        if (p.sequenceId() != expected) {
            throw new MalformedPacketException(
                    side + " packet: sequence id " + p.sequenceId() + " (expected: " + expected + ")");
        }
    }

    /** Completes the commands at the head of the queue that get no answer. */
    private void drain() {
        while (!pending.isEmpty() && pending.peekFirst().expect == Expect.NONE) {
            finish(pending.peekFirst());
        }
    }

    /** Emits the exchange at the head of the queue. */
    private void finish(Exchange x) {
        pending.remove(x);
        bindStatement(x);
        Commands.apply(x, session);
        var b = context.newInteraction("mysql", x.startedAt);
        b.request(x.code == -2 ? null : x.request.build());
        b.response(x.answered ? x.responseMessage() : null);
        b.requestBytes(x.requestBytes).responseBytes(x.responseBytes);
        long ttfb = -1;
        if (x.firstResponseAt >= 0) {
            long from = x.code < 0 ? x.requestAt : x.startedAt;
            ttfb = from >= 0 && x.firstResponseAt >= from ? x.firstResponseAt - from : -1;
        }
        b.timeToFirstByteMicros(ttfb);
        b.durationMicros(Math.max(0, x.lastAt - x.startedAt));
        b.error(x.error);
        x.attributes.forEach(b::attribute);
        if (compressed) {
            b.attribute("compression", "zlib");
        }
        context.emit(b);
    }

    /** Packets the connection's end cut short: recorded as raw TCP with what arrived of them, and why. */
    private void emitCutShort(boolean reset, long atMicros) {
        boolean clientIn = client.inMessage();
        boolean serverIn = server.inMessage();
        long startedAt = Math.min(
                clientIn ? client.partialFirstAt() : Long.MAX_VALUE,
                serverIn ? server.partialFirstAt() : Long.MAX_VALUE);
        var what = clientIn && serverIn ? "packets" : clientIn ? "client packet" : "server packet";
        long clientWire = client.partialWireBytes();
        long serverWire = server.partialWireBytes();
        var clientBytes = client.takePartial();
        var serverBytes = server.takePartial();
        var b = context.newInteraction("tcp", startedAt);
        b.request(clientWire > 0 ? new TcpData(body(clientBytes, clientWire)) : null);
        b.response(serverWire > 0 ? new TcpData(body(serverBytes, serverWire)) : null);
        b.requestBytes(clientWire).responseBytes(serverWire);
        b.durationMicros(Math.max(0, atMicros - startedAt));
        b.error("connection " + (reset ? "reset" : "closed") + " in a " + what);
        if (compressed) {
            b.attribute("compression", "zlib");
        }
        context.emit(b);
    }

    private Body body(ByteBuffer bytes, long wireBytes) {
        var collector = new BodyCollector(context.maxBodyBytes());
        collector.append(bytes);
        var kept = collector.bytes();
        return new Body(kept, Math.max(wireBytes, kept.length), wireBytes > kept.length, null);
    }

    private void handOver(Map<String, String> attributes, Side side, ByteBuffer rest, long atMicros) {
        done = true;
        var other = side == Side.CLIENT ? server : client;
        var otherBytes = other.takePartial();
        var raw = context.switchToRaw(attributes);
        raw.onData(side.other(), otherBytes, atMicros);
        raw.onData(side, rest, atMicros);
    }

    private void failOpen(String reason, Side side, @Nullable Packet packet, ByteBuffer rest) {
        done = true;
        long[] uncounted = new long[2];
        var clientBytes = unparsed(Side.CLIENT, side, packet, rest, uncounted);
        var serverBytes = unparsed(Side.SERVER, side, packet, rest, uncounted);
        var head = pending.peekFirst();
        if (head != null) {
            head.requestBytes += uncounted[0];
            head.responseBytes += uncounted[1];
        } else if (uncounted[0] + uncounted[1] > 0) {
            // No command to count them with: a raw turn counts the bytes that were over the keep limit.
            var b = context.newInteraction("tcp", Math.max(0, lastSeenAt));
            b.requestBytes(uncounted[0]).responseBytes(uncounted[1]);
            b.error("bytes not kept (over the keep limit) before decoding stopped: " + reason);
            context.emit(b);
        }
        while (!pending.isEmpty()) {
            var x = pending.peekFirst();
            x.error = "response not decoded: " + reason;
            finish(x);
        }
        context.failOpen(reason, clientBytes, serverBytes);
    }

    /** The bytes of one side not recorded in any interaction, in order; what cannot be rebuilt is counted. */
    private ByteBuffer unparsed(Side which, Side side, @Nullable Packet packet, ByteBuffer rest, long[] uncounted) {
        int slot = which == Side.CLIENT ? 0 : 1;
        var in = which == Side.CLIENT ? client : server;
        var z = in.compressed();
        ByteBuffer bad = ByteBuffer.allocate(0);
        if (which == side && packet != null) {
            if (z != null) {
                // The packet was charged the compressed packets that completed it: those go back unrecorded.
                bad = z.lastCharged();
                uncounted[slot] += packet.wireBytes() - bad.remaining();
            } else if (packet.wire() == null) {
                uncounted[slot] += packet.wireBytes();
            } else {
                bad = packet.wire();
            }
        }
        long partialWire = in.partialWireBytes();
        var partial = in.takePartial();
        uncounted[slot] += partialWire - partial.remaining();
        var tail = which == side ? rest : ByteBuffer.allocate(0);
        var all = ByteBuffer.allocate(bad.remaining() + partial.remaining() + tail.remaining());
        all.put(bad).put(partial).put(tail.duplicate()).flip();
        tail.position(tail.limit());
        return all;
    }
}
