package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.model.Body;
import dev.chaostesting.model.TcpData;
import dev.chaostesting.spi.DecoderContext;
import dev.chaostesting.spi.Side;
import dev.chaostesting.spi.StreamDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one PostgreSQL connection (protocol 3): the startup packet (or an SSL, GSSAPI or cancel request), the
 * authentication exchange, then simple and extended queries, COPY, notifications and termination. Both sides are framed
 * by {@link FrameReader}s; the client's messages are handled by {@link Frontend}, the server's by {@link Backend}.
 * Traffic that is not PostgreSQL ends decoding: what was decoded is recorded and the rest goes to the raw recorder.
 */
public final class PostgresDecoder implements StreamDecoder {

    private enum Phase {
        /** The client's startup packet (untyped). */
        STARTUP,
        /** After an SSLRequest or GSSENCRequest: the server's one-byte answer. */
        ENCRYPTION_ANSWER,
        SESSION,
        /** After a CancelRequest: nothing more is expected on this connection. */
        CANCELLED,
        DONE
    }

    /** Client bytes held while the answer to an encryption request is awaited (they may be TLS). */
    static final int MAX_HELD = 64 * 1024;

    private static final String CLOSED = "connection closed before the response";
    private static final String RESET = "connection reset before the response";

    private final DecoderContext context;
    private final Session session;
    private final Frontend frontend;
    private final Backend backend;
    private final FrameReader client;
    private final FrameReader server;
    private Phase phase = Phase.STARTUP;
    private @Nullable Exchange encryptionRequest;
    private final List<Held> held = new ArrayList<>();
    private int heldBytes;
    private boolean clientEnded;
    private boolean serverEnded;
    private long clientEndedAt;

    private record Held(byte[] bytes, long at) {}

    public PostgresDecoder(DecoderContext context) {
        this.context = context;
        this.session = new Session(context);
        this.frontend = new Frontend(session);
        this.backend = new Backend(session, frontend);
        int maxBody = Math.max(0, context.maxBodyBytes());
        int textLimit = Math.max(maxBody, 64 * 1024);
        this.client = new FrameReader(Side.CLIENT, false, type -> switch (type) {
            case 'd' -> maxBody;
            case 'Q', 'P', 'B', 'F' -> textLimit;
            case 'p' -> 1024;
            default -> FrameReader.WHOLE;
        });
        this.server = new FrameReader(Side.SERVER, true, type -> switch (type) {
            case 'D' -> wantsRows() ? maxBody : 0;
            case 'd' -> maxBody;
            case 'A', 'E', 'N' -> textLimit;
            case 'V' -> 64;
            default -> FrameReader.WHOLE;
        });
    }

    /** Only the first rows of a result are recorded: the content of later DataRows is counted, not kept. */
    private boolean wantsRows() {
        var head = session.head();
        if (head == null) {
            return true;
        }
        var result = head.exchange().currentOrNull();
        return result == null || result.wantsRows();
    }

    @Override
    public void onData(Side side, ByteBuffer data, long atMicros) {
        if (phase == Phase.DONE) {
            return;
        }
        try {
            if (side == Side.CLIENT) {
                clientData(data, atMicros);
            } else {
                serverData(data, atMicros);
            }
        } catch (MalformedMessageException e) {
            failOpen(Objects.requireNonNullElse(e.getMessage(), "malformed"), side, null, data);
        } catch (Failed f) {
            failOpen(f.reason, side, f.frame, data);
        }
    }

    /** A complete message that could not be decoded: its bytes are handed back with the reason. */
    private static final class Failed extends Exception {
        final String reason;
        final Frame frame;

        Failed(String reason, Frame frame) {
            super(reason, null, false, false);
            this.reason = reason;
            this.frame = frame;
        }
    }

    private void clientData(ByteBuffer data, long atMicros) throws MalformedMessageException, Failed {
        while (data.hasRemaining() && phase != Phase.DONE) {
            switch (phase) {
                case ENCRYPTION_ANSWER -> {
                    hold(data, atMicros);
                    return;
                }
                case CANCELLED ->
                    throw new MalformedMessageException(
                            "client bytes after a CancelRequest (expected: the connection to close)");
                default -> {}
            }
            var frame = client.next(data, atMicros);
            if (frame == null) {
                return;
            }
            try {
                if (phase == Phase.STARTUP) {
                    startupPacket(frame);
                } else {
                    frontend.message(frame);
                }
            } catch (MalformedMessageException e) {
                throw new Failed(Objects.requireNonNullElse(e.getMessage(), "malformed"), frame);
            }
        }
    }

    private void startupPacket(Frame frame) throws MalformedMessageException {
        var e = frontend.startupPacket(frame);
        switch (e.kind) {
            case ENCRYPTION -> {
                encryptionRequest = e;
                phase = Phase.ENCRYPTION_ANSWER;
            }
            case CANCEL -> phase = Phase.CANCELLED;
            default -> {
                phase = Phase.SESSION;
                client.typed(true);
            }
        }
    }

    private void hold(ByteBuffer data, long atMicros) throws MalformedMessageException {
        if (heldBytes + data.remaining() > MAX_HELD) {
            throw new MalformedMessageException("client bytes before the answer to the encryption request: over "
                    + MAX_HELD + " bytes (expected: the client to wait for the answer)");
        }
        var copy = new byte[data.remaining()];
        data.get(copy);
        held.add(new Held(copy, atMicros));
        heldBytes += copy.length;
    }

    private void serverData(ByteBuffer data, long atMicros) throws MalformedMessageException, Failed {
        while (data.hasRemaining() && phase != Phase.DONE) {
            switch (phase) {
                case STARTUP ->
                    throw new MalformedMessageException(
                            "server bytes before the client's startup packet (expected: the client to speak first)");
                case CANCELLED ->
                    throw new MalformedMessageException("server bytes after a CancelRequest (expected: no answer)");
                case ENCRYPTION_ANSWER -> {
                    encryptionAnswer(data, atMicros);
                    continue;
                }
                default -> {}
            }
            var frame = server.next(data, atMicros);
            if (frame == null) {
                return;
            }
            try {
                backend.message(frame);
            } catch (MalformedMessageException e) {
                throw new Failed(Objects.requireNonNullElse(e.getMessage(), "malformed"), frame);
            }
        }
    }

    private void encryptionAnswer(ByteBuffer data, long atMicros) throws MalformedMessageException {
        var e = Objects.requireNonNull(encryptionRequest);
        byte answer = data.get(data.position());
        boolean ssl = "sslRequest".equals(e.request.get("type"));
        if (answer != 'N' && answer != (ssl ? 'S' : 'G')) {
            throw new MalformedMessageException("answer to " + (ssl ? "SSLRequest" : "GSSENCRequest") + ": "
                    + Wire.show(answer) + " (expected: " + (ssl ? "'S'" : "'G'") + " or 'N')");
        }
        data.get();
        e.serverBytes(1, atMicros, atMicros);
        boolean accepted = answer != 'N';
        e.response.put("accepted", accepted);
        encryptionRequest = null;
        if (accepted) {
            var attributes = ssl ? Map.of("tls", "true") : Map.of("gssEncryption", "true");
            e.attribute(ssl ? "tls" : "gssEncryption", "true");
            session.closeAll(null);
            phase = Phase.DONE;
            var raw = context.switchToRaw(attributes);
            for (var h : held) {
                raw.onData(Side.CLIENT, ByteBuffer.wrap(h.bytes()), h.at());
            }
            held.clear();
            if (clientEnded) {
                raw.onEnd(Side.CLIENT, false, clientEndedAt);
            }
            raw.onData(Side.SERVER, data, atMicros);
            data.position(data.limit());
            return;
        }
        session.closeAll(null);
        phase = Phase.STARTUP;
        // The server's bytes after its answer wait until the client's held ones are decoded (or handed back).
        var serverRest = ByteBuffer.allocate(data.remaining()).put(data).flip();
        pendingServer = serverRest;
        if (!held.isEmpty()) {
            // Replayed as one buffer: should decoding fail in it, the rest of it is handed back with the reason.
            long at = held.get(0).at();
            var bytes = new ByteArrayOutputStream();
            held.forEach(h -> bytes.writeBytes(h.bytes()));
            held.clear();
            heldBytes = 0;
            onData(Side.CLIENT, ByteBuffer.wrap(bytes.toByteArray()), at);
        }
        pendingServer = null;
        if (phase == Phase.DONE) {
            return;
        }
        if (clientEnded) {
            endClient(false, clientEndedAt);
        }
        if (serverRest.hasRemaining()) {
            onData(Side.SERVER, serverRest, atMicros);
        }
    }

    /** Server bytes not yet decoded while held client bytes are replayed; handed back if decoding fails then. */
    private @Nullable ByteBuffer pendingServer;

    @Override
    public void onEnd(Side side, boolean reset, long atMicros) {
        if (phase == Phase.DONE) {
            return;
        }
        if (reset || side == Side.SERVER) {
            serverEnded = true;
        }
        if (reset || side == Side.CLIENT) {
            clientEnded = true;
            clientEndedAt = atMicros;
        }
        if (serverEnded) {
            if (encryptionRequest != null) {
                encryptionRequest.interactionError(reset ? RESET : CLOSED);
                encryptionRequest = null;
            }
            // The exchanges first: a message cut short came after them.
            session.closeAll(reset ? RESET : CLOSED);
            leftover(Side.SERVER, server, reset);
            if (!held.isEmpty()) {
                var bytes = new ByteArrayOutputStream();
                held.forEach(h -> bytes.writeBytes(h.bytes()));
                emitRaw(
                        Side.CLIENT,
                        bytes.toByteArray(),
                        bytes.size(),
                        held.get(0).at(),
                        held.get(held.size() - 1).at(),
                        "connection ended before these bytes were answered");
                held.clear();
            }
            session.closeAll(reset ? RESET : CLOSED);
        }
        if (clientEnded && phase != Phase.ENCRYPTION_ANSWER) {
            endClient(reset, atMicros);
        }
        if (clientEnded && serverEnded) {
            phase = Phase.DONE;
        }
    }

    private void endClient(boolean reset, long atMicros) {
        leftover(Side.CLIENT, client, reset);
        // Exchanges whose answers are all in but that a Sync might still have joined are complete now.
        for (var e : session.open) {
            e.closed = true;
        }
        session.emitReady();
    }

    @Override
    public boolean onGap(Side side, long missingBytes, long atMicros) {
        if (phase != Phase.DONE) {
            failOpen(
                    missingBytes + " bytes missing from the " + (side == Side.CLIENT ? "client" : "server"),
                    side,
                    null,
                    ByteBuffer.allocate(0));
        }
        return false;
    }

    /** A message cut short by the end of the connection: recorded as raw bytes with the reason. */
    private void leftover(Side side, FrameReader reader, boolean reset) {
        if (!reader.inMessage()) {
            return;
        }
        long count = reader.partialWireBytes();
        long first = reader.partialFirstAt();
        var bytes = reader.takeUnparsed();
        var kept = new byte[bytes.remaining()];
        bytes.get(kept);
        emitRaw(
                side,
                kept,
                count,
                first,
                first,
                "connection " + (reset ? "reset" : "closed") + " in a " + (side == Side.CLIENT ? "client" : "server")
                        + " message");
    }

    private void emitRaw(Side side, byte[] bytes, long count, long first, long last, String error) {
        var body = new Body(bytes, count, count > bytes.length, null);
        var b = context.newInteraction("tcp", first)
                .durationMicros(last - first)
                .error(error);
        if (side == Side.CLIENT) {
            b.request(new TcpData(body)).requestBytes(count);
        } else {
            b.response(new TcpData(body)).responseBytes(count).timeToFirstByteMicros(0);
        }
        context.emit(b);
    }

    /**
     * Stops decoding: decoded exchanges are recorded (those still owed an answer with the reason), and the bytes not
     * decoded are handed back to be recorded as raw TCP: messages being read, held bytes, the message that failed and
     * what followed it in the buffer.
     */
    private void failOpen(String reason, Side side, @Nullable Frame failed, ByteBuffer rest) {
        phase = Phase.DONE;
        var clientParts = new ArrayList<ByteBuffer>();
        var serverParts = new ArrayList<ByteBuffer>();
        if (encryptionRequest != null) {
            encryptionRequest.interactionError("response not decoded: " + reason);
            encryptionRequest = null;
        }
        for (var h : held) {
            clientParts.add(ByteBuffer.wrap(h.bytes()));
        }
        held.clear();
        if (failed != null && failed.whole()) {
            (side == Side.CLIENT ? clientParts : serverParts).add(frameBytes(failed));
        } else if (failed != null) {
            var kept = frameBytes(failed);
            var bytes = new byte[kept.remaining()];
            kept.get(bytes);
            emitRaw(
                    side,
                    bytes,
                    failed.wireBytes(),
                    failed.firstAt(),
                    failed.lastAt(),
                    "message not decoded: " + reason);
        }
        partial(client, Side.CLIENT, clientParts, reason);
        partial(server, Side.SERVER, serverParts, reason);
        if (pendingServer != null) {
            serverParts.add(pendingServer.slice());
            pendingServer.position(pendingServer.limit());
        }
        (side == Side.CLIENT ? clientParts : serverParts).add(rest.slice());
        rest.position(rest.limit());
        session.closeAll("response not decoded: " + reason);
        context.failOpen(reason, concat(clientParts), concat(serverParts));
    }

    /** A message being read: handed back when all its bytes were kept, else recorded (cut) as raw bytes. */
    private void partial(FrameReader reader, Side side, List<ByteBuffer> parts, String reason) {
        if (!reader.inMessage()) {
            return;
        }
        if (!reader.dropped()) {
            parts.add(reader.takeUnparsed());
            return;
        }
        long count = reader.partialWireBytes();
        long first = reader.partialFirstAt();
        var bytes = reader.takeUnparsed();
        emitRaw(side, new byte[0], count, first, first, "message not decoded: " + reason);
        bytes.position(bytes.limit());
    }

    /** The wire bytes of a message (of its kept part, when it was cut). */
    private static ByteBuffer frameBytes(Frame f) {
        boolean typed = f.type() != 0;
        var out = ByteBuffer.allocate((typed ? 5 : 4) + f.payload().length);
        if (typed) {
            out.put(f.type());
        }
        out.putInt(f.length() + 4).put(f.payload()).flip();
        return out;
    }

    private static ByteBuffer concat(List<ByteBuffer> parts) {
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
