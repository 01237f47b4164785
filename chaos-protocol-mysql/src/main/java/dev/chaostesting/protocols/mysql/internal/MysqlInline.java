package dev.chaostesting.protocols.mysql.internal;

import dev.chaostesting.protocols.mysql.MysqlFaults;
import dev.chaostesting.protocols.mysql.MysqlFaults.ServerError;
import dev.chaostesting.spi.InlineContext;
import dev.chaostesting.spi.InlineHandler;
import dev.chaostesting.spi.Side;
import dev.chaostesting.sql.SqlMatch;
import dev.chaostesting.sql.SqlStatement;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * MySQL/MariaDB in line: a {@code COM_QUERY} whose SQL matches a protocol fault, or a {@code COM_STMT_EXECUTE} of a
 * prepared statement whose SQL matches, is answered with an ERR packet in place of the server (which never sees it), or
 * ends the connection (the client reports a lost connection, 2013); everything else passes through. A fault with
 * {@code rollback} (the default for 1213, a deadlock) sends a {@code ROLLBACK} in place of the command, drops the
 * server's answer to it and sends the error in its place, as a server rolls back a deadlock victim's transaction. The server's
 * answers pass on as they come, framed with the decoder's packet reader and followed with its response state machine
 * (result sets, multi-results, CLIENT_DEPRECATE_EOF, LOCAL INFILE, cursors), so an injected answer is sent only once
 * the server has answered every earlier command (pipelining). Client commands are held only until their packet is whole
 * (up to {@link #HOLD_LIMIT} bytes; a longer one streams through and is never faulted). TLS and compressed connections,
 * and any traffic the handler does not understand, pass through unchanged from that point on.
 */
public final class MysqlInline implements InlineHandler {

    /** The longest client command held whole to be judged; longer ones stream through unfaulted. */
    static final int HOLD_LIMIT = 1 << 20;
    /** Commands forwarded and not yet answered, at most (beyond that the handler passes through). */
    static final int MAX_PENDING = MysqlDecoder.MAX_PENDING;

    private static final long LAST_PREPARED = 0xffffffffL;

    /**
     * An answer in the order the client asked: the server's (bytes null), or ours, waiting for its turn; ours {@code
     * replaces} the server's answer to a ROLLBACK sent in place of the faulted command, so it waits for that answer.
     */
    private record Answer(byte @Nullable [] bytes, @Nullable String disconnect, boolean replaces) {
        static final Answer THEIRS = new Answer(null, null, false);

        boolean waitsForServer() {
            return this == THEIRS || replaces;
        }
    }

    private static final byte[] ROLLBACK = PacketReader.frame(
                    "\u0003ROLLBACK".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 9, 0)
            .array();

    private enum Phase {
        NORMAL,
        PASS_THROUGH,
        CLOSED
    }

    private final InlineContext context;
    private final Session session = new Session(HOLD_LIMIT);
    private final PacketReader clientReader = new PacketReader(HOLD_LIMIT);
    private final PacketReader serverReader = new PacketReader(MysqlDecoder.MIN_KEEP);
    private ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final ArrayDeque<Exchange> pending = new ArrayDeque<>();
    private final ArrayDeque<Answer> answers = new ArrayDeque<>();
    private Phase phase = Phase.NORMAL;
    private boolean greeted;
    /** The client message being read outgrew the hold limit: its bytes go on as they come. */
    private boolean streaming;
    /** The SQL of the last COM_STMT_PREPARE the client sent (an execute of statement -1 names it, pipelined). */
    private @Nullable String lastPreparedSql;
    /** ROLLBACKs sent in place of faulted commands: the server's answers to them are not passed on. */
    private final java.util.Set<Exchange> swallowed =
            java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** The wire bytes of the client message being handled, until they are sent on (or answered in its place). */
    private byte @Nullable [] unsent;

    public MysqlInline(InlineContext context) {
        this.context = context;
    }

    @Override
    public void onData(Side from, ByteBuffer data) {
        try {
            if (from == Side.CLIENT) {
                client(data);
            } else {
                server(data);
            }
        } catch (RuntimeException e) {
            // Never expected; whatever is left goes on unchanged, and so does the rest of the connection.
            passThrough();
            if (phase == Phase.PASS_THROUGH && data.hasRemaining()) {
                context.send(from.other(), data);
            }
        }
    }

    @Override
    public void onEnd(Side from) {
        if (from == Side.CLIENT && held.size() > 0 && phase != Phase.CLOSED) {
            context.send(Side.SERVER, ByteBuffer.wrap(held.toByteArray()));
            clearHeld();
        }
    }

    private void client(ByteBuffer data) {
        while (data.hasRemaining()) {
            if (phase != Phase.NORMAL) {
                if (phase == Phase.PASS_THROUGH) {
                    context.send(Side.SERVER, data);
                }
                data.position(data.limit());
                return;
            }
            int start = data.position();
            var packet = clientReader.read(data, 0);
            var slice = data.duplicate().position(start).limit(data.position());
            if (streaming) {
                context.send(Side.SERVER, slice);
            } else {
                var bytes = new byte[slice.remaining()];
                slice.get(bytes);
                held.write(bytes, 0, bytes.length);
                if (packet == null && held.size() > HOLD_LIMIT) {
                    context.send(Side.SERVER, ByteBuffer.wrap(held.toByteArray()));
                    clearHeld();
                    streaming = true;
                }
            }
            if (packet != null) {
                byte[] raw = null;
                if (!streaming) {
                    raw = held.toByteArray();
                    clearHeld();
                }
                streaming = false;
                clientPacket(packet, raw);
            }
        }
    }

    /** A whole client message; {@code raw} its wire bytes still held, or null when they already went on. */
    private void clientPacket(Packet p, byte @Nullable [] raw) {
        unsent = raw;
        try {
            if (!greeted) {
                throw new MalformedPacketException("client packet before the server's greeting");
            }
            var head = pending.peekFirst();
            if (p.sequenceId() != 0 || (head != null && head.state == Exchange.State.GREETED)) {
                forward(raw);
                if (head == null || !head.acceptsClientData()) {
                    throw new MalformedPacketException("client packet: sequence id " + p.sequenceId());
                }
                checkSequence(head, p);
                if (head.state == Exchange.State.GREETED) {
                    boolean tls = Handshakes.response(head, p, session);
                    head.addClient(p);
                    head.state = Exchange.State.AUTH;
                    if (tls) {
                        passThrough(); // TLS follows: nothing more can be read
                    }
                    return;
                }
                head.addClient(p);
                if (head.state == Exchange.State.INFILE && p.size() == 0) {
                    head.state = Exchange.State.FIRST;
                }
                return;
            }
            if (!session.handshakeDone) {
                forward(raw);
                throw new MalformedPacketException("client command before the handshake completed");
            }
            var x = Commands.parse(p, session);
            if (x.code == Protocol.COM_STMT_PREPARE) {
                lastPreparedSql = x.request.get("sql") instanceof String s ? s : null;
            }
            var fault = raw == null || raw.length > HOLD_LIMIT || p.truncated() ? null : faultFor(x, p);
            if (fault != null) {
                unsent = null;
                context.acted(fault.name());
                if (fault.disconnect() != null) {
                    queue(new Answer(null, fault.disconnect(), false));
                    return;
                }
                var error = MysqlFaults.errorPacket((p.lastSequenceId() + 1) & 0xff, fault.error());
                if (fault.rollback() && pending.size() < MAX_PENDING) {
                    // As the server does on a deadlock: the transaction is rolled back, and the client gets the error.
                    var rollback = new Exchange(Protocol.COM_QUERY, Exchange.Expect.QUERY, 0, Exchange.State.FIRST);
                    context.send(Side.SERVER, ByteBuffer.wrap(ROLLBACK));
                    swallowed.add(rollback);
                    pending.addLast(rollback);
                    answers.addLast(new Answer(error, null, true));
                    return;
                }
                queue(new Answer(error, null, false));
                return;
            }
            if (pending.size() >= MAX_PENDING) {
                forward(raw);
                throw new MalformedPacketException("over " + MAX_PENDING + " commands awaiting an answer");
            }
            forward(raw);
            x.addClient(p);
            pending.addLast(x);
            if (x.expect != Exchange.Expect.NONE) {
                answers.addLast(Answer.THEIRS);
            }
            drain();
        } catch (MalformedPacketException | RuntimeException e) {
            forward(unsent);
            passThrough();
        }
    }

    /** Forgets the held bytes, and the buffer too once a big message grew it. */
    private void clearHeld() {
        if (held.size() > 64 * 1024) {
            held = new ByteArrayOutputStream();
        } else {
            held.reset();
        }
    }

    /** Sends the client message being handled on, once. */
    private void forward(byte @Nullable [] raw) {
        if (raw != null && raw == unsent) {
            unsent = null;
            if (raw.length > 0) {
                context.send(Side.SERVER, ByteBuffer.wrap(raw));
            }
        }
    }

    /** Server bytes go on as they come; each completed answer lets the injected answers waiting for it go. */
    private void server(ByteBuffer data) {
        while (data.hasRemaining()) {
            if (phase != Phase.NORMAL) {
                if (phase == Phase.PASS_THROUGH) {
                    context.send(Side.CLIENT, data);
                }
                data.position(data.limit());
                return;
            }
            int start = data.position();
            boolean swallow = !swallowed.isEmpty() && swallowed.contains(pending.peekFirst());
            var packet = serverReader.read(data, 0);
            if (!swallow) {
                context.send(Side.CLIENT, data.duplicate().position(start).limit(data.position()));
            }
            if (packet != null) {
                try {
                    serverPacket(packet);
                } catch (MalformedPacketException | RuntimeException e) {
                    passThrough();
                }
            }
        }
    }

    private void serverPacket(Packet p) throws MalformedPacketException {
        if (!greeted) {
            greeted = true;
            if (p.sequenceId() != 0 || p.header() == 0xff) {
                throw new MalformedPacketException("no greeting");
            }
            var x = Handshakes.greeting(p, session);
            x.addServer(p);
            pending.add(x);
            return;
        }
        var x = pending.peekFirst();
        if (x == null || x.state == Exchange.State.GREETED) {
            if (x == null && p.header() == 0xff) {
                return; // an error the server sends on its own, before it closes the connection
            }
            throw new MalformedPacketException("server packet with no command outstanding");
        }
        checkSequence(x, p);
        if (x.code == Protocol.COM_STMT_EXECUTE || x.code == Protocol.COM_STMT_FETCH) {
            bind(x);
        }
        boolean complete = Responses.onServer(x, p, session);
        x.addServer(p);
        if (!complete) {
            return;
        }
        x.state = Exchange.State.DONE;
        finish(x);
        if (x.code >= 0
                && x.expect != Exchange.Expect.NONE
                && !answers.isEmpty()
                && answers.peekFirst().waitsForServer()) {
            var answered = answers.pollFirst();
            if (answered.replaces() && swallowed.remove(x)) {
                context.send(Side.CLIENT, ByteBuffer.wrap(answered.bytes()));
            }
        }
        drain();
        if (x.code < 0 && session.handshakeDone && Handshakes.compression(session) != null) {
            passThrough(); // compressed from here on
            return;
        }
        release();
    }

    private static void checkSequence(Exchange x, Packet p) throws MalformedPacketException {
        int expected = (x.lastSequenceId + 1) & 0xff;
        if (p.sequenceId() != expected) {
            throw new MalformedPacketException("sequence id " + p.sequenceId() + " (expected: " + expected + ")");
        }
    }

    private void bind(Exchange x) {
        if (x.statement == null && x.request.get("statementId") instanceof Long id) {
            x.statement = session.statement(id);
        }
        x.deferredPayload = null;
    }

    private void finish(Exchange x) {
        pending.remove(x);
        bind(x);
        Commands.apply(x, session);
    }

    private void drain() {
        while (!pending.isEmpty() && pending.peekFirst().expect == Exchange.Expect.NONE) {
            finish(pending.peekFirst());
        }
    }

    private void queue(Answer ours) {
        answers.addLast(ours);
        release();
    }

    /** Sends our answers that are next in turn; a disconnect ends the connection there. */
    private void release() {
        while (phase == Phase.NORMAL
                && !answers.isEmpty()
                && !answers.peekFirst().waitsForServer()) {
            var ours = answers.pollFirst();
            if (ours.disconnect() != null) {
                phase = Phase.CLOSED;
                clearHeld();
                context.close(ours.disconnect().equals("reset"));
                return;
            }
            context.send(Side.CLIENT, ByteBuffer.wrap(ours.bytes()));
        }
    }

    /**
     * From here on everything passes unchanged: what the client sent and is held goes on, and injected answers still
     * waiting for their turn are sent at once (the server's answers can no longer be told apart).
     */
    private void passThrough() {
        if (phase != Phase.NORMAL) {
            return;
        }
        phase = Phase.PASS_THROUGH;
        if (held.size() > 0) {
            context.send(Side.SERVER, ByteBuffer.wrap(held.toByteArray()));
            clearHeld();
        }
        while (!answers.isEmpty()) {
            var ours = answers.pollFirst();
            if (ours.bytes() != null) {
                context.send(Side.CLIENT, ByteBuffer.wrap(ours.bytes()));
            }
        }
        pending.clear();
        swallowed.clear();
    }

    /** A fault as it acts: an error to answer with, or a disconnect ({@code close} or {@code reset}). */
    record Fault(
            String name,
            @Nullable ServerError error,
            @Nullable String disconnect,
            boolean rollback) {}

    /** The first active fault matching this command, or null: only COM_QUERY and COM_STMT_EXECUTE are judged. */
    private @Nullable Fault faultFor(Exchange x, Packet p) {
        String sql;
        String command;
        if (x.code == Protocol.COM_QUERY) {
            command = "QUERY";
            sql = x.request.get("sql") instanceof String s ? s : null;
        } else if (x.code == Protocol.COM_STMT_EXECUTE) {
            command = "EXECUTE";
            var payload = p.payload();
            if (payload.length < 5) {
                return null;
            }
            long id = (payload[1] & 0xffL)
                    | (payload[2] & 0xffL) << 8
                    | (payload[3] & 0xffL) << 16
                    | (payload[4] & 0xffL) << 24;
            if (id == LAST_PREPARED) {
                sql = lastPreparedSql;
            } else {
                var st = session.statements.get(id);
                sql = st == null ? null : st.sql;
            }
        } else {
            return null;
        }
        if (sql == null) {
            return null;
        }
        var faults = context.faults();
        if (faults.isEmpty()) {
            return null;
        }
        SqlStatement[] analysis = {null}; // analysed once, when a fault asks for kind or table
        Supplier<SqlStatement> analyzed = () -> {
            if (analysis[0] == null) {
                analysis[0] = SqlStatement.analyze(sql);
            }
            return analysis[0];
        };
        for (var active : faults) {
            var spec = active.spec();
            var match = spec.get("match") instanceof Map<?, ?> m ? m : Map.of();
            if (match.get("command") instanceof String c && !c.equalsIgnoreCase(command)) {
                continue;
            }
            if (SqlMatch.matches(match, sql, analyzed)) {
                return toFault(active);
            }
        }
        return null;
    }

    static Fault toFault(InlineContext.ActiveFault active) {
        var spec = active.spec();
        if (spec.get("disconnect") instanceof String how) {
            return new Fault(active.name(), null, how.toLowerCase(Locale.ROOT), false);
        }
        var error = error(spec);
        var e = spec.get("error") instanceof Map<?, ?> m ? m : Map.of();
        boolean rollback = e.get("rollback") instanceof Boolean b ? b : error.code() == 1213;
        return new Fault(active.name(), error, null, rollback);
    }

    /** The error a spec names: {@code error: {code, sqlState, message}}, defaults from the code (1213 without one). */
    public static ServerError error(Map<String, Object> spec) {
        var e = spec.get("error") instanceof Map<?, ?> m ? m : Map.of();
        Object raw = e.get("code");
        int code = raw instanceof Number n ? n.intValue() : raw == null ? 1213 : Integer.parseInt(String.valueOf(raw));
        var known = MysqlFaults.known(code);
        var sqlState = e.get("sqlState") != null ? String.valueOf(e.get("sqlState")) : known.sqlState();
        var message = e.get("message") != null ? String.valueOf(e.get("message")) : known.message();
        return new ServerError(code, sqlState, message);
    }
}
